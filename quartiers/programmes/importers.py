"""Import of located dispositifs from a small CSV (template in docs/programmes.md).

Same rules as every import: dry run by default (`apply=True` writes), validation of the whole
file before writing, French errors naming the file, the line and the column, one transaction,
an ImportRun provenance row when applied. Rows are matched on (kind, name, insee_code); an
import adds and updates, it never deletes a dispositif (agents also enter them by hand).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from quartiers.contracts.models import Contract
from quartiers.geography.importers.sources import source_open, text_read
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.models import QPV, Commune
from quartiers.indicators.importers.common import (
    QPV_CODE_RE,
    ErrorList,
    columns_require,
    commune_code_normalize,
    csv_rows,
    generation_of_qpv_code,
)
from quartiers.programmes.choices import DispositifKind
from quartiers.programmes.models import Dispositif
from quartiers.shared.imports import ImportSummary, codes_listed, kind_labels_register

COLUMNS = ("kind", "name", "insee_code", "qpv_codes", "contract_codes", "start_date", "end_date")
REQUIRED = ("kind", "name", "insee_code")
CONTRACT_CODE_RE = re.compile(r"^CN(\d{3}|02[AB])\d{2}[A-Z]$|^CV\d{1,6}$")
KIND = "dispositifs"


kind_labels_register({KIND: "Dispositifs"})
# The summary of a dispositifs import: the shared one (its kind's label is registered above).
DispositifImportSummary = ImportSummary


@dataclass
class DispositifRow:
    line: int
    kind: str
    name: str
    commune: Commune
    qpvs: list[QPV]
    contract_codes: list[str]
    start_date: date | None
    end_date: date | None


def _date(raw: str) -> date | None:
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"« {raw} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")


def _codes(raw: str) -> list[str]:
    return [code.strip().upper() for code in raw.split("|") if code.strip()]


def _row_parse(
    line: int, row: dict[str, str], *, errors: ErrorList, communes: dict, qpvs: dict
) -> DispositifRow | None:
    before = len(errors.items)
    kind = row["kind"].strip()
    if kind not in DispositifKind.values:
        errors.add(
            line, "kind", f"type « {kind} » inconnu (attendu : {', '.join(DispositifKind.values)})"
        )
    name = row["name"].strip()
    if not name:
        errors.add(line, "name", "le nom est obligatoire")
    elif len(name) > 200:
        errors.add(line, "name", "le nom dépasse 200 caractères")
    insee_code = commune_code_normalize(row["insee_code"])
    commune = communes.get(insee_code)
    if commune is None:
        errors.add(line, "insee_code", f"commune « {insee_code} » absente du référentiel")
    found: list[QPV] = []
    for code in _codes(row.get("qpv_codes", "")):
        qpv = qpvs.get((code, generation_of_qpv_code(code)))
        if not QPV_CODE_RE.match(code):
            errors.add(line, "qpv_codes", f"« {code} » n'est pas un code QPV")
        elif qpv is None:
            errors.add(line, "qpv_codes", f"QPV « {code} » absent du référentiel")
        else:
            found.append(qpv)
    contract_codes = _codes(row.get("contract_codes", ""))
    for code in contract_codes:
        if not CONTRACT_CODE_RE.match(code):
            errors.add(
                line,
                "contract_codes",
                f"« {code} » n'est pas un code de contrat (CN05901I ou CV123)",
            )
    dates: dict[str, date | None] = {}
    for column in ("start_date", "end_date"):
        try:
            dates[column] = _date(row.get(column, "").strip())
        except ValueError as exc:
            errors.add(line, column, str(exc))
    start, end = dates.get("start_date"), dates.get("end_date")
    if start and end and end < start:
        errors.add(line, "end_date", "la fin précède le début")
    if len(errors.items) > before or commune is None:
        return None
    return DispositifRow(line, kind, name, commune, found, contract_codes, start, end)


def dispositifs_parse(*, text: str, label: str) -> tuple[list[DispositifRow], list[str]]:
    header, rows = csv_rows(text=text.lstrip("\ufeff"), label=label)
    columns_require(header=header, required=REQUIRED, label=label)
    communes = {c.insee_code: c for c in Commune.objects.all()}
    qpvs = {(q.code, q.generation): q for q in QPV.objects.prefetch_related("communes")}
    errors = ErrorList(label)
    parsed: list[DispositifRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        item = _row_parse(line, row, errors=errors, communes=communes, qpvs=qpvs)
        if item is None:
            continue
        key = (item.kind, item.name.casefold(), item.commune.insee_code)
        if key in seen:
            errors.add(line, "name", f"dispositif déjà décrit ligne {seen[key]}")
            continue
        seen[key] = line
        parsed.append(item)
    errors.raise_if_any()
    return parsed, _warnings(parsed)


def _warnings(rows: list[DispositifRow]) -> list[str]:
    warnings = []
    for row in rows:
        outside = [q.code for q in row.qpvs if row.commune not in q.communes.all()]
        if outside:
            warnings.append(
                f"ligne {row.line} : QPV hors de la commune {row.commune.name} : "
                f"{codes_listed(outside)}"
            )
    codes = sorted({code for row in rows for code in row.contract_codes})
    known = set(Contract.objects.filter(code__in=codes).values_list("code", flat=True))
    if set(codes) - known:
        warnings.append(
            "contrat(s) pas encore enregistré(s), code conservé : "
            + codes_listed(sorted(set(codes) - known))
        )
    return warnings


def _row_write(row: DispositifRow, *, import_run_id: int | None) -> str:
    """Upsert one dispositif; returns "added", "changed" or "unchanged"."""
    existing = Dispositif.objects.filter(kind=row.kind, name=row.name, commune=row.commune).first()
    contracts = list(Contract.objects.filter(code__in=row.contract_codes))
    fields = {
        "contract_codes": row.contract_codes,
        "start_date": row.start_date,
        "end_date": row.end_date,
    }
    if existing is None:
        dispositif = Dispositif.objects.create(
            kind=row.kind,
            name=row.name,
            commune=row.commune,
            import_run_id=import_run_id,
            **fields,
        )
        dispositif.qpvs.set(row.qpvs)
        dispositif.contracts.set(contracts)
        return "added"
    same = (
        all(getattr(existing, k) == v for k, v in fields.items())
        and set(existing.qpvs.values_list("pk", flat=True)) == {q.pk for q in row.qpvs}
        and set(existing.contracts.values_list("pk", flat=True)) == {c.pk for c in contracts}
    )
    if same:
        return "unchanged"
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.import_run_id = import_run_id
    existing.save()
    existing.qpvs.set(row.qpvs)
    existing.contracts.set(contracts)
    return "changed"


def dispositifs_import(*, source: str | Path, apply: bool = False) -> DispositifImportSummary:
    with source_open(source=source) as src:
        text = text_read(path=src.path, label=src.path.name)
        rows, warnings = dispositifs_parse(text=text, label=src.path.name)
        summary = DispositifImportSummary(
            kind=KIND, source=src.label, sha256=src.sha256, warnings=warnings
        )
        with transaction.atomic():
            run = import_run_record(summary=summary) if apply else None
            for row in rows:
                outcome = _row_write(row, import_run_id=run.pk if run else None)
                setattr(summary, outcome, getattr(summary, outcome) + 1)
                if outcome != "unchanged":
                    summary.codes.setdefault(outcome, []).append(
                        f"{row.name} ({row.commune.insee_code})"
                    )
            if run is not None:
                run.counts = summary.counts()
                run.save(update_fields=["counts"])
            else:
                transaction.set_rollback(True)  # dry run: counted, nothing kept
    return summary
