"""`indicators_import`: dry-run by default, one transaction, ImportRun provenance on apply."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from quartiers.geography.importers.sources import is_url, source_open, text_read
from quartiers.geography.models import QPV, Commune, ImportRun
from quartiers.indicators.catalogue import catalogue_sync
from quartiers.indicators.importers.catalogue_csv import catalogue_parse, catalogue_write
from quartiers.indicators.importers.common import values_write
from quartiers.indicators.importers.long import long_parse
from quartiers.indicators.importers.sigville import sigville_parse, unknown_qpv_warning
from quartiers.indicators.models import TerritoryKind
from quartiers.shared.imports import ImportRefused, ImportSummary, kind_labels_register

FORMATS = ("sigville", "long", "catalogue")
kind_labels_register(
    {
        "indicators_sigville": "Indicateurs (fichier SIG Ville)",
        "indicators_long": "Indicateurs (modèle CSV long)",
        "indicators_catalogue": "Catalogue d'indicateurs",
    }
)
NORD_FILE = Path("indicateurs") / "sigville_qpv2024_indicateurs_nord.csv"
FRANCE_FILE = Path("indicateurs") / "sigville_qpv2024_indicateurs_france.csv"


# The summary of an indicators import: the shared one (its kinds' labels are registered above).
IndicatorImportSummary = ImportSummary


def format_detect(*, header_line: str) -> str:
    names = {n.strip() for n in header_line.replace(";", ",").split(",")}
    if "codeQPV" in names:
        return "sigville"
    if "indicator_code" in names:
        return "long"
    if {"code", "label", "kind"} <= names:
        return "catalogue"
    raise ImportRefused(
        "Format non reconnu (ligne 1) : attendu un fichier SIG Ville (colonne codeQPV), le "
        "modèle long (colonne indicator_code) ou un catalogue (colonnes code, label, kind)."
    )


def indicators_import(
    *, source: str | Path, fmt: str | None = None, apply: bool = False
) -> list[IndicatorImportSummary]:
    """Import a file, a URL, or every .csv file of a directory (in name order)."""
    if not is_url(source) and Path(source).is_dir():
        files = sorted(Path(source).glob("*.csv"))
        if not files:
            raise ImportRefused(f"Aucun fichier .csv dans le dossier {source}.")
        return [s for f in files for s in indicators_import(source=f, fmt=fmt, apply=apply)]
    if fmt is not None and fmt not in FORMATS:
        raise ImportRefused(f"Format « {fmt} » inconnu (attendu : {', '.join(FORMATS)}).")
    with source_open(source=source) as src:
        text = text_read(path=src.path, label=src.path.name)
        fmt = fmt or format_detect(header_line=text.lstrip("\ufeff").split("\n", 1)[0])
        summary = IndicatorImportSummary(
            kind=f"indicators_{fmt}", source=src.label, sha256=src.sha256
        )
        with transaction.atomic():
            _import_text(summary, text=text, fmt=fmt, label=src.path.name, apply=apply)
            if not apply:
                transaction.set_rollback(True)  # dry run: nothing written, catalogue included
    return [summary]


def _import_text(
    summary: IndicatorImportSummary, *, text: str, fmt: str, label: str, apply: bool
) -> None:
    indicators = catalogue_sync()
    run = None
    if apply:
        run = ImportRun.objects.create(
            kind=summary.kind, source=summary.source, sha256=summary.sha256, applied=True
        )
    if fmt == "catalogue":
        parsed_catalogue = catalogue_parse(text=text, label=label, known_codes=set(indicators))
        summary.warnings += parsed_catalogue.warnings
        counts = catalogue_write(specs=parsed_catalogue.specs)
    else:
        ids = {code: indicator.pk for code, indicator in indicators.items()}
        if fmt == "sigville":
            parsed = sigville_parse(text=text, label=label, indicator_ids=ids)
            codes_by_kind = {TerritoryKind.QPV.value: set(parsed.qpv_codes)}
        else:
            parsed = long_parse(text=text, label=label, indicator_ids=ids)
            codes_by_kind = parsed.codes_by_kind
        summary.warnings += parsed.warnings + _unknown_territories(codes_by_kind)
        counts = values_write(
            rows=parsed.rows, import_run_id=run.pk if run else None, codes=summary.codes
        )
    summary.added, summary.changed, summary.unchanged = counts
    if run is not None:
        summary.applied = True
        run.counts, run.warnings = summary.counts(), summary.warnings
        run.save(update_fields=["counts", "warnings"])


def _unknown_territories(codes_by_kind: dict[str, set[str]]) -> list[str]:
    warnings: list[str] = []
    qpv_codes = codes_by_kind.get(TerritoryKind.QPV, set())
    if qpv_codes:
        known = set(QPV.objects.filter(code__in=qpv_codes).values_list("code", flat=True))
        warning = unknown_qpv_warning(codes=sorted(qpv_codes), known=known)
        if warning:
            warnings.append(warning)
    communes = codes_by_kind.get(TerritoryKind.COMMUNE, set())
    if communes:
        known = set(
            Commune.objects.filter(insee_code__in=communes).values_list("insee_code", flat=True)
        )
        if communes - known:
            warnings.append(
                f"{len(communes - known)} commune(s) absente(s) du référentiel : "
                f"{', '.join(sorted(communes - known)[:20])}."
            )
    return warnings


def import_nord_indicators(*, data_dir: Path, apply: bool = True) -> list[IndicatorImportSummary]:
    """Demo hook: the Nord SIG Ville file, after the geography (call from demo_setup)."""
    return indicators_import(source=Path(data_dir) / NORD_FILE, fmt="sigville", apply=apply)


def sigville_text_of_departement(*, text: str, departement: str) -> str:
    """The national SIG Ville text with other départements' rows blanked (line numbers kept)."""
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    if "codeQPV" not in header:
        return text  # refused later by the parser, with its own message
    column = header.index("codeQPV")
    prefix = "QN" + departement.zfill(3)
    kept = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line]), [])
        kept.append(line if len(cells) > column and cells[column].startswith(prefix) else "")
    return "\n".join(kept)


def import_departement_indicators(
    *, data_dir: Path, departement: str, apply: bool = True
) -> list[IndicatorImportSummary]:
    """Demo hook outside the Nord: the national SIG Ville file, this département's QPV only."""
    with source_open(source=Path(data_dir) / FRANCE_FILE) as src:
        text = sigville_text_of_departement(
            text=text_read(path=src.path, label=src.path.name), departement=departement
        )
        summary = IndicatorImportSummary(
            kind="indicators_sigville", source=src.label, sha256=src.sha256
        )
        with transaction.atomic():
            _import_text(summary, text=text, fmt="sigville", label=src.path.name, apply=apply)
            if not apply:
                transaction.set_rollback(True)
    return [summary]
