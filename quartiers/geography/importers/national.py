"""Set up the registry for any département from the national files (PROVENANCE.md, A1–A2).

* département, arrondissements, EPCI: ``decoupage-administratif`` 4.1.0 (COG 2024) JSON lists;
* communes: ``communes_france_cog2024.csv`` (legal population 2022, ``population_pkg_4_1_0``);
* QPV 2024: ``qpv2024_france_simplified.geojson`` (the national ANCT file, simplified copy).

Only the Nord has administrative contours in the data folder (commune, arrondissement and
département polygons); elsewhere those rows have no contour and maps show the QPV only.
The Nord keeps its own, richer chain (`import_nord_demo`); `departement_import` is the generic
one. Every step compares with the registry, so a second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quartiers.geography.importers.qpv import qpv_import
from quartiers.geography.importers.referential import (
    communes_read,
    departement_of,
    epcis_parse,
    json_list_read,
    referential_write,
)
from quartiers.geography.importers.sources import source_open
from quartiers.shared.codes import departement_code_normalize
from quartiers.shared.imports import ImportRefused, ImportSummary, import_chain

COG_DIR = Path("referentiel") / "france_cog2024"
PACKAGE_DIR = COG_DIR / "decoupage-administratif-4.1.0_verbatim"
NATIONAL_FILES = {
    "departements": PACKAGE_DIR / "departements.json",
    "arrondissements": PACKAGE_DIR / "arrondissements.json",
    "epcis": PACKAGE_DIR / "epci.json",
    "communes": COG_DIR / "communes_france_cog2024.csv",
    "qpv": Path("qpv") / "qpv2024_france_simplified.geojson",
}
# The legal populations of decoupage-administratif 4.1.0 (COG 2024 geography, 2022 vintage).
POPULATION_COLUMN = "population_pkg_4_1_0"
POPULATION_VINTAGE = "2024"  # stored as « COG 2024 », as for the Nord file


def national_referential_import(
    *, data_dir: Path, departement: str, apply: bool = False
) -> list[ImportSummary]:
    """Département, arrondissements, EPCI (with a member commune there) and communes."""
    files = {name: Path(data_dir) / rel for name, rel in NATIONAL_FILES.items()}
    summaries: dict[str, ImportSummary] = {}
    with source_open(source=files["departements"]) as src:
        rows = [
            r
            for r in json_list_read(path=src.path, label=src.label)
            if str(r.get("code")) == departement
        ]
        if not rows:
            raise ImportRefused(
                f"Département « {departement} » inconnu du COG 2024 ({src.label}). Indiquez un "
                "code INSEE de département : 59, 69, 2A, 974…"
            )
        wanted: dict[str, Any] = {
            "dep_wanted": {
                departement: {"name": str(rows[0]["nom"]), "region_code": str(rows[0]["region"])}
            }
        }
        summaries["departements"] = ImportSummary("departements", src.label, src.sha256)
    with source_open(source=files["communes"]) as src:
        wanted["commune_wanted"] = communes_read(
            path=src.path,
            label=src.label,
            vintage=POPULATION_VINTAGE,
            departement=departement,
            population_column=POPULATION_COLUMN,
        )
        summaries["communes"] = ImportSummary("communes", src.label, src.sha256)
    sirens = {c["epci__siren"] for c in wanted["commune_wanted"].values()} - {None}
    with source_open(source=files["epcis"]) as src:
        items = [
            r for r in json_list_read(path=src.path, label=src.label) if r.get("code") in sirens
        ]
        wanted["epci_wanted"], warnings = epcis_parse(
            rows=items, label=src.label, vintage=POPULATION_VINTAGE
        )
        summaries["epci"] = ImportSummary("epci", src.label, src.sha256, warnings=warnings)
    with source_open(source=files["arrondissements"]) as src:
        wanted["arrondissement_names"] = {
            str(r["code"]): str(r.get("nom") or "")
            for r in json_list_read(path=src.path, label=src.label)
            if departement_of(str(r.get("code") or "")) == departement
        }
        summaries["arrondissements"] = ImportSummary("arrondissements", src.label, src.sha256)
    return referential_write(summaries=summaries, apply=apply, **wanted)


def departement_import(
    *, data_dir: Path, departement: str, apply: bool = False
) -> list[ImportSummary]:
    """The whole geography of one département from the national files, in one transaction."""
    departement = departement_code_normalize(departement)
    with import_chain(apply=apply) as summaries:
        summaries += national_referential_import(
            data_dir=data_dir, departement=departement, apply=True
        )
        summaries.append(
            qpv_import(
                source=Path(data_dir) / NATIONAL_FILES["qpv"],
                generation=2024,
                keep_degenerate=True,
                departement=departement,
                apply=True,
            )
        )
    return summaries
