"""Importers of official data into the geography registry (dry-run by default, atomic).

Each importer validates the whole source before writing, compares it with the registry and
returns an `ImportSummary` (added / changed / unchanged / removed, warnings). With
``apply=True`` it writes in one transaction and records an `ImportRun` provenance row; a dry
run writes nothing at all. See docs/imports.md.
"""

from __future__ import annotations

from pathlib import Path

from quartiers.geography.importers.attributes import qpv_attributes_import
from quartiers.geography.importers.contours import admin_contours_import
from quartiers.geography.importers.qpv import qpv_import
from quartiers.geography.importers.referential import referential_import
from quartiers.shared.imports import ImportRefused, ImportSummary, import_chain

__all__ = [
    "ImportRefused",
    "ImportSummary",
    "admin_contours_import",
    "import_nord_demo",
    "qpv_attributes_import",
    "qpv_import",
    "referential_import",
]

# The real Nord files, relative to settings.DATA_DIR (see PROVENANCE.md there).
NORD_FILES = {
    "departements": "referentiel/departement_59_2024.json",
    "epcis": "referentiel/epci_nord_2024.json",
    "communes": "referentiel/communes_nord_2024.csv",
    "arrondissement_contours": "contours/arrondissements-59-nord.geojson",
    "departement_contour": "contours/departement-59-nord.geojson",
    "commune_contours": "contours/communes-59-nord.geojson",
    "qpv": "qpv/qpv2024_nord.geojson",
    "npnru_estimate": "npnru/qpv2024_nord_npnru_statut_derive.csv",
    "sigville": "indicateurs/sigville_qpv2024_indicateurs_nord.csv",
}


def import_nord_demo(*, data_dir: Path, apply: bool = True) -> list[ImportSummary]:
    """Import the whole Nord demo geography, in order, in one transaction. Idempotent.

    A dry run (``apply=False``) runs the chain for real inside a transaction that is rolled
    back, so that later steps (QPV attributes) see the rows of earlier ones; nothing is kept.
    """
    files = {name: Path(data_dir) / relative for name, relative in NORD_FILES.items()}
    with import_chain(apply=apply) as summaries:
        summaries += referential_import(
            departements=files["departements"],
            epcis=files["epcis"],
            communes=files["communes"],
            arrondissement_names=files["arrondissement_contours"],
            vintage="2024",
            apply=True,
        )
        summaries += admin_contours_import(
            departements=files["departement_contour"],
            arrondissements=files["arrondissement_contours"],
            communes=files["commune_contours"],
            apply=True,
        )
        summaries.append(qpv_import(source=files["qpv"], generation=2024, apply=True))
        summaries.append(
            qpv_attributes_import(source=files["npnru_estimate"], preset="npnru-derive", apply=True)
        )
        summaries.append(
            qpv_attributes_import(
                source=files["sigville"], preset="sigville-population", apply=True
            )
        )
    return summaries
