"""The generic long CSV template: one value per line (see docs/indicators.md).

Every indicator code must already be in the catalogue (seeded, or declared beforehand with a
catalogue CSV): an unknown code is an error, because a value whose unit and denominator nobody
declared cannot be displayed or aggregated safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from quartiers.indicators.importers.common import (
    QPV_CODE_RE,
    ErrorList,
    ValueRow,
    columns_require,
    commune_code_normalize,
    csv_rows,
    generation_of_qpv_code,
    number_parse,
)
from quartiers.indicators.models import VINTAGE_UNDOCUMENTED, TerritoryKind

LONG_COLUMNS = (
    "indicator_code",
    "territory_kind",
    "territory_code",
    "period",
    "value",
    "source",
    "vintage",
    "suppressed",
)
LONG_OPTIONAL = ("numerator", "denominator")
_REQUIRED = ("indicator_code", "territory_kind", "territory_code", "period", "value", "source")
_TRUE = {"1", "true", "vrai", "oui", "o", "x", "yes"}
_FALSE = {"", "0", "false", "faux", "non", "n", "no"}
_CODE_PATTERNS = {
    TerritoryKind.COMMUNE: (re.compile(r"^(\d{5}|2[AB]\d{3})$"), "5 caractères, ex. 59350"),
    TerritoryKind.EPCI: (re.compile(r"^\d{9}$"), "SIREN à 9 chiffres, ex. 200093201"),
    TerritoryKind.DEPARTEMENT: (re.compile(r"^(\d{2,3}|2[AB])$"), "ex. 59"),
    TerritoryKind.ARRONDISSEMENT: (re.compile(r"^\d{3,5}$"), "ex. 595"),
    TerritoryKind.FRANCE: (re.compile(r"^FR$"), "FR"),
    TerritoryKind.CONTRACT: (re.compile(r"^[A-Z0-9-]{2,20}$"), "ex. CN05911M"),
}


@dataclass
class LongParse:
    rows: list[ValueRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    codes_by_kind: dict[str, set[str]] = field(default_factory=dict)


def long_parse(*, text: str, label: str, indicator_ids: dict[str, int]) -> LongParse:
    header, rows = csv_rows(text=text, label=label)
    columns_require(header=header, required=_REQUIRED, label=label)
    extra = [n for n in header if n not in LONG_COLUMNS and n not in LONG_OPTIONAL]
    result = LongParse()
    if extra:
        result.warnings.append(f"Colonnes ignorées : {', '.join(extra)}.")
    errors = ErrorList(label)
    seen: dict[tuple[int, str, str, str], int] = {}
    for line, row in rows:
        parsed = _row_parse(row, line=line, errors=errors, indicator_ids=indicator_ids)
        if parsed is None:
            continue
        if parsed.key in seen:
            errors.add(
                line,
                None,
                f"doublon de la ligne {seen[parsed.key]} (même indicateur, territoire et période).",
            )
            continue
        seen[parsed.key] = line
        result.rows.append(parsed)
        result.codes_by_kind.setdefault(parsed.territory_kind, set()).add(parsed.territory_code)
    if not rows:
        errors.add(1, None, "aucune ligne de valeur après l'en-tête.")
    errors.raise_if_any()
    return result


def _row_parse(
    row: dict[str, str], *, line: int, errors: ErrorList, indicator_ids: dict[str, int]
) -> ValueRow | None:
    before = len(errors.items)
    code = row["indicator_code"]
    if code not in indicator_ids:
        errors.add(
            line,
            "indicator_code",
            f"indicateur inconnu « {code} » : déclarez-le "
            "d'abord dans le catalogue (import_indicators CATALOGUE.csv --format "
            "catalogue).",
        )
    kind, territory = row["territory_kind"].lower(), row["territory_code"].upper()
    if kind not in TerritoryKind.values:
        errors.add(
            line,
            "territory_kind",
            f"type de territoire inconnu « {row['territory_kind']}"
            f" » (attendu : {', '.join(TerritoryKind.values)}).",
        )
    else:
        territory = _territory_check(kind, territory, line=line, errors=errors)
    if not row["period"]:
        errors.add(line, "period", "période obligatoire (ex. 2021).")
    if not row["source"]:
        errors.add(line, "source", "source obligatoire (ex. France Travail, DEPP, CAF).")
    suppressed = _flag(row.get("suppressed", ""), line=line, errors=errors)
    value = _number(row, "value", line=line, errors=errors)
    if value is not None and suppressed:
        errors.add(line, "value", "une valeur sous secret statistique doit rester vide.")
    if value is None and suppressed is False and row.get("suppressed", "") != "":
        errors.add(
            line,
            "value",
            "valeur vide : laissez « suppressed » vide ou à oui pour un secret statistique.",
        )
    numerator = _number(row, "numerator", line=line, errors=errors)
    denominator = _number(row, "denominator", line=line, errors=errors)
    if len(errors.items) > before:
        return None
    return ValueRow(
        indicator_id=indicator_ids[code],
        territory_kind=kind,
        territory_code=territory,
        period=row["period"],
        value=value,
        suppressed=value is None,
        source=row["source"],
        vintage=row.get("vintage") or VINTAGE_UNDOCUMENTED,
        generation=generation_of_qpv_code(territory) if kind == TerritoryKind.QPV else None,
        numerator=numerator,
        denominator=denominator,
        line=line,
    )


def _territory_check(kind: str, code: str, *, line: int, errors: ErrorList) -> str:
    if kind == TerritoryKind.QPV:
        if not QPV_CODE_RE.match(code):
            errors.add(line, "territory_code", f"code QPV invalide « {code} » (ex. QN05901M).")
        return code
    if kind == TerritoryKind.FRANCE and code in {"", "FRANCE"}:
        return "FR"
    if kind == TerritoryKind.COMMUNE:
        code = commune_code_normalize(code)
    pattern, example = _CODE_PATTERNS[TerritoryKind(kind)]
    if not pattern.match(code):
        errors.add(line, "territory_code", f"code « {code} » invalide pour « {kind} » ({example}).")
    return code


def _flag(raw: str, *, line: int, errors: ErrorList) -> bool | None:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False if text else None
    errors.add(line, "suppressed", f"« {raw} » n'est pas oui/non.")
    return None


def _number(row: dict[str, str], column: str, *, line: int, errors: ErrorList) -> Decimal | None:
    raw = row.get(column, "")
    if not raw:
        return None
    try:
        return number_parse(raw)
    except ValueError as exc:
        errors.add(line, column, f"{exc}.")
        return None
