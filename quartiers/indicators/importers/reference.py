"""Reference territories' values: communes, EPCI, the département and France (PROVENANCE A3).

* Population municipale (legal populations), one period per vintage:
  - the Nord file ``population_municipale_nord_reference_2019_2023.csv`` gives 2019–2023 for
    its communes, EPCI (``epci_somme_communes``: summed over member communes in every
    département, preferred to the DGCL value that may lag a vintage), the département and
    France (``FR``: métropole + DROM; ``FM``: métropole);
  - elsewhere the COG 2024 commune file gives 2021 and 2022 for every commune, summed here for
    the département and for each EPCI (over all its member communes, in any département);
    France's 2019–2023 sums come from the Nord file's ``france`` rows.
* Poverty rate at 60 % (Filosofi 2021, Insee), communes only: « s » is statistical secrecy
  (stored as suppressed, never 0). No EPCI, département or France value exists in the data
  folder, and none can be rebuilt from communes (secrecy); see `reference_gap_reason`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from quartiers.geography.importers.sources import source_open, text_read
from quartiers.geography.models import Commune, ImportRun
from quartiers.indicators.catalogue import catalogue_sync
from quartiers.indicators.evaluation import LEGAL_POPULATION
from quartiers.indicators.importers.common import ErrorList, ValueRow, number_parse, values_write
from quartiers.indicators.importers.service import IndicatorImportSummary
from quartiers.indicators.models import TerritoryKind
from quartiers.shared.codes import NORD  # its reference file has 5 vintages for every level

REFERENCE_DIR = Path("indicateurs") / "reference"
POPULATION_FILE = REFERENCE_DIR / "population_municipale_nord_reference_2019_2023.csv"
FILOSOFI_FILE = REFERENCE_DIR / "filosofi_2021_communes_france_cc_filosofi_2021_COM.csv"
COMMUNES_FILE = Path("referentiel") / "france_cog2024" / "communes_france_cog2024.csv"
POPULATION = "population_municipale"
POVERTY = "taux_pauvrete_60"
POPULATION_SOURCE = "Insee, populations légales (via @etalab/decoupage-administratif)"
FILOSOFI_SOURCE = "Insee, Filosofi 2021 (base communale)"
FILOSOFI_VINTAGE = "Filosofi 2021 (revenus 2021)"
# COG 2024 commune file: legal population columns and their vintages.
COMMUNE_FILE_VINTAGES = {"population_pkg_4_0_0": "2021", "population_pkg_4_1_0": "2022"}
KINDS = {
    "commune": TerritoryKind.COMMUNE,
    "epci_somme_communes": TerritoryKind.EPCI,
    "departement": TerritoryKind.DEPARTEMENT,
    "france": TerritoryKind.FRANCE,
}


def population_vintage_label(year: str) -> str:
    return f"{LEGAL_POPULATION} {year}"


def _population_row(ids: dict, kind: str, code: str, year: str, value: Decimal) -> ValueRow:
    return ValueRow(
        indicator_id=ids[POPULATION],
        territory_kind=kind,
        territory_code=code,
        period=year,
        value=value,
        suppressed=False,
        source=POPULATION_SOURCE,
        vintage=population_vintage_label(year),
    )


def _reference_file_rows(
    *, text: str, label: str, ids: dict, departement: str, communes: set[str]
) -> list[ValueRow]:
    """The Nord reference file: France always; the other levels for the Nord only."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    errors, rows = ErrorList(label), []
    for record in reader:
        level, code = record.get("niveau", ""), (record.get("code") or "").strip()
        kind = KINDS.get(level)
        if kind is None or (kind != TerritoryKind.FRANCE and departement != NORD):
            continue
        if kind == TerritoryKind.COMMUNE and code not in communes:
            continue
        raw = (record.get("population_municipale") or "").strip()
        if not raw:  # a commune merged since (59070 in 2023): no row, not a zero
            continue
        try:
            value = number_parse(raw)
        except ValueError as exc:
            errors.add(reader.line_num, "population_municipale", str(exc))
            continue
        year = (record.get("millesime_population_legale") or "").strip()
        rows.append(_population_row(ids, kind, code, year, value))
    errors.raise_if_any()
    return rows


def _commune_file_rows(*, text: str, label: str, ids: dict, departement: str) -> list[ValueRow]:
    """COG 2024 file: the département's communes, the département, and its EPCI (all members)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    errors, rows = ErrorList(label), []
    epci_sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    dep_sums: dict[str, Decimal] = defaultdict(Decimal)
    epcis: set[str] = set()
    for record in reader:
        mine = record["departement"] == departement
        if mine and record["siren_epci"]:
            epcis.add(record["siren_epci"])
        for column, year in COMMUNE_FILE_VINTAGES.items():
            raw = (record.get(column) or "").strip()
            if not raw:
                continue
            try:
                value = number_parse(raw)
            except ValueError as exc:
                errors.add(reader.line_num, column, str(exc))
                continue
            if record["siren_epci"]:
                epci_sums[record["siren_epci"], year] += value
            if mine:
                dep_sums[year] += value
                rows.append(
                    _population_row(ids, TerritoryKind.COMMUNE, record["code_insee"], year, value)
                )
    errors.raise_if_any()
    rows += [
        _population_row(ids, TerritoryKind.DEPARTEMENT, departement, y, v)
        for y, v in dep_sums.items()
    ]
    rows += [
        _population_row(ids, TerritoryKind.EPCI, siren, year, value)
        for (siren, year), value in epci_sums.items()
        if siren in epcis
    ]
    return rows


def _filosofi_rows(*, text: str, label: str, ids: dict, communes: set[str]) -> list[ValueRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    errors, rows = ErrorList(label), []
    for record in reader:
        code = (record.get("CODGEO") or "").strip()
        if code not in communes:
            continue
        raw = (record.get("TP6021") or "").strip()
        suppressed = raw == "s"
        value = None
        if not suppressed and raw:
            try:
                value = number_parse(raw)
            except ValueError as exc:
                errors.add(reader.line_num, "TP6021", str(exc))
                continue
        if value is None and not suppressed:
            continue
        rows.append(
            ValueRow(
                indicator_id=ids[POVERTY],
                territory_kind=TerritoryKind.COMMUNE,
                territory_code=code,
                period="2021",
                value=value,
                suppressed=suppressed,
                source=FILOSOFI_SOURCE,
                vintage=FILOSOFI_VINTAGE,
            )
        )
    errors.raise_if_any()
    return rows


def reference_values_import(
    *, data_dir: Path, departement: str, apply: bool = False
) -> list[IndicatorImportSummary]:
    """Population series and Filosofi poverty rates of the département's reference territories.

    One summary per source file; dry run by default (nothing written), atomic.
    """
    communes = set(
        Commune.objects.filter(departement__insee_code=departement).values_list(
            "insee_code", flat=True
        )
    )
    summaries = []
    with transaction.atomic():
        ids = {code: indicator.pk for code, indicator in catalogue_sync().items()}
        for relative in (POPULATION_FILE, COMMUNES_FILE, FILOSOFI_FILE):
            if departement == NORD and relative == COMMUNES_FILE:
                continue  # the Nord reference file already has every level, 2019–2023
            with source_open(source=Path(data_dir) / relative) as src:
                text = text_read(path=src.path, label=src.label)
                summary = IndicatorImportSummary(
                    kind="indicators_reference", source=src.label, sha256=src.sha256
                )
            if relative == POPULATION_FILE:
                rows = _reference_file_rows(
                    text=text, label=src.label, ids=ids, departement=departement, communes=communes
                )
            elif relative == COMMUNES_FILE:
                rows = _commune_file_rows(
                    text=text, label=src.label, ids=ids, departement=departement
                )
            else:
                rows = _filosofi_rows(text=text, label=src.label, ids=ids, communes=communes)
                if not rows:
                    summary.warnings.append(
                        f"Aucune commune du département {departement} dans Filosofi 2021 "
                        "(Guadeloupe, Guyane et Mayotte en sont absentes)."
                    )
            run = None
            if apply:
                run = ImportRun.objects.create(
                    kind=summary.kind, source=summary.source, sha256=summary.sha256, applied=True
                )
            summary.added, summary.changed, summary.unchanged = values_write(
                rows=rows, import_run_id=run.pk if run else None
            )
            if run is not None:
                summary.applied = True
                run.counts, run.warnings = summary.counts(), summary.warnings
                run.save(update_fields=["counts", "warnings"])
            summaries.append(summary)
        if not apply:
            transaction.set_rollback(True)
    return summaries
