"""Shared parsing and writing rules of the indicator imports."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from quartiers.indicators.models import IndicatorValue
from quartiers.shared.csvsniff import delimiter_detect
from quartiers.shared.imports import ImportRefused

QUANTUM = Decimal("0.000001")  # IndicatorValue.value has 6 decimal places
MAX_ABS = Decimal(10) ** 14  # 20 digits, 6 of them decimals
MAX_ERRORS_SHOWN = 30
QPV_CODE_RE = re.compile(r"^QN(\d{3}|02[AB])\d{2}[A-Z]$|^QP(\d{3}|02[AB])\d{3}$")
C1_OE = "\x9c"  # U+009C, the Windows-1252 "œ" mis-decoded in the national SIG Ville file


class ErrorList:
    """Collects French, line-numbered errors; raises them all at once."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.items: list[str] = []

    def add(self, line: int, column: str | None, message: str) -> None:
        where = f"ligne {line}" + (f", colonne « {column} »" if column else "")
        self.items.append(f"{self.label}, {where} : {message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_ERRORS_SHOWN]
        more = len(self.items) - len(shown)
        text = "\n".join(shown) + (f"\n… et {more} autres erreurs." if more > 0 else "")
        raise ImportRefused(f"Import refusé ({len(self.items)} erreur(s)) :\n{text}")


def csv_rows(*, text: str, label: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs; `;` or `,` is read from the header line."""
    if not text.strip():
        raise ImportRefused(f"{label} : le fichier est vide.")
    delimiter = delimiter_detect(text, candidates=(";", ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in next(reader)]
    if len(set(header)) != len(header):
        raise ImportRefused(f"{label}, ligne 1 : l'en-tête contient des colonnes en double.")
    rows: list[tuple[int, dict[str, str]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ImportRefused(
                f"{label}, ligne {line} : {len(cells)} cellules au lieu de {len(header)} "
                f"(séparateur « {delimiter} » attendu)."
            )
        rows.append((line, dict(zip(header, (c.strip() for c in cells), strict=True))))
    return header, rows


def columns_require(*, header: list[str], required: tuple[str, ...], label: str) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRefused(
            f"{label}, ligne 1 : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}."
        )


def number_parse(raw: str) -> Decimal:
    """A decimal number written with `.` or `,` (spaces as thousands separators allowed)."""
    text = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"« {raw} » n'est pas un nombre") from exc
    if not number.is_finite():
        raise ValueError(f"« {raw} » n'est pas un nombre fini")
    if abs(number) >= MAX_ABS:
        raise ValueError(f"« {raw} » est trop grand")
    return number.quantize(QUANTUM)


def commune_code_normalize(raw: str) -> str:
    """COG code as text: a 4-digit code lost its leading zero (`1053` → `01053`)."""
    code = raw.strip()
    if code.endswith(".0"):
        code = code[:-2]
    if code.isdigit() and len(code) == 4:
        return code.zfill(5)
    return code


def generation_of_qpv_code(code: str) -> int:
    return 2024 if code.startswith("QN") else 2015


@dataclass
class ValueRow:
    """One value to store, as parsed (before comparison with the database)."""

    indicator_id: int
    territory_kind: str
    territory_code: str
    period: str
    value: Decimal | None
    suppressed: bool
    source: str
    vintage: str
    generation: int | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    line: int = 0

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.indicator_id, self.territory_kind, self.territory_code, self.period)


_COMPARED = ("value", "suppressed", "source", "vintage", "generation", "numerator", "denominator")


def _same(stored: IndicatorValue, row: ValueRow) -> bool:
    for name in _COMPARED:
        old, new = getattr(stored, name), getattr(row, name)
        if isinstance(old, Decimal) and isinstance(new, Decimal):
            if old.quantize(QUANTUM) != new.quantize(QUANTUM):
                return False
        elif old != new:
            return False
    return True


def values_write(
    *, rows: list[ValueRow], import_run_id: int | None, codes: dict[str, list[str]] | None = None
) -> tuple[int, int, int]:
    """Upsert `rows` (inside the caller's transaction); returns (added, changed, unchanged).
    `codes`, when given, receives the territories with values added or changed."""
    kinds = {row.territory_kind for row in rows}
    indicator_ids = {row.indicator_id for row in rows}
    stored = {
        (v.indicator_id, v.territory_kind, v.territory_code, v.period): v
        for v in IndicatorValue.objects.filter(
            territory_kind__in=kinds, indicator_id__in=indicator_ids
        )
    }
    to_add: list[IndicatorValue] = []
    to_change: list[IndicatorValue] = []
    unchanged = 0
    for row in rows:
        current = stored.get(row.key)
        if current is None:
            to_add.append(IndicatorValue(**_fields(row), import_run_id=import_run_id))
        elif _same(current, row):
            unchanged += 1
        else:
            for name, value in _fields(row).items():
                setattr(current, name, value)
            current.import_run_id = import_run_id
            to_change.append(current)
    IndicatorValue.objects.bulk_create(to_add, batch_size=500)
    IndicatorValue.objects.bulk_update(to_change, [*_COMPARED, "import_run_id"], batch_size=500)
    if codes is not None:
        codes["added"] = sorted({v.territory_code for v in to_add})
        codes["changed"] = sorted({v.territory_code for v in to_change})
    return len(to_add), len(to_change), unchanged


def _fields(row: ValueRow) -> dict[str, object]:
    return {
        "indicator_id": row.indicator_id,
        "territory_kind": row.territory_kind,
        "territory_code": row.territory_code,
        "period": row.period,
        **{name: getattr(row, name) for name in _COMPARED},
    }
