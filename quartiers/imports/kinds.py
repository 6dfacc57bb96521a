"""The kinds of official file the import screen accepts, and how each one runs its importer.

Each kind names its file slots (the référentiel takes three files and an optional fourth; the
administrative contours one to three optional files, at least one), whether an official URL may
replace the upload, and the options the agent may choose (the generation of QPV contours or
attributes, forced removals, the layout of a QPV attributes file). `run` calls the existing
importer, dry run or applied: the screen adds no import logic of its own (docs/imports.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quartiers.geography.importers import (
    admin_contours_import,
    qpv_attributes_import,
    qpv_import,
    referential_import,
)
from quartiers.indicators.importers.service import indicators_import
from quartiers.programmes.importers import dispositifs_import
from quartiers.shared.imports import ImportSummary


@dataclass(frozen=True)
class FileSlot:
    name: str  # the form field and the deposit sub-folder
    label: str  # French
    help: str  # French: expected format
    accept: str  # the file input's accept attribute
    required: bool = True


Runner = Callable[[dict[str, Path], dict[str, Any], bool], list[ImportSummary]]


@dataclass(frozen=True)
class ImportKind:
    slug: str
    label: str  # French, as in the menu of kinds
    description: str  # French: the official source
    slots: tuple[FileSlot, ...]
    run: Runner
    generation_choice: bool = False  # QPV contours or attributes: 2024 or 2015
    removals: bool = False  # the importer may remove registry rows (guarded)
    presets: tuple[tuple[str, str], ...] = ()  # layouts of the file (value, French label)

    @property
    def accepts_url(self) -> bool:
        """Single-file kinds read an https URL as well as an upload (sources.source_open)."""
        return len(self.slots) == 1


def _qpv(files: dict[str, Path], options: dict[str, Any], apply: bool) -> list[ImportSummary]:
    return [
        qpv_import(
            source=files["contours"],
            generation=int(options.get("generation", 2024)),
            force_removals=bool(options.get("force_removals")),
            apply=apply,
        )
    ]


def _referential(
    files: dict[str, Path], options: dict[str, Any], apply: bool
) -> list[ImportSummary]:
    return referential_import(
        departements=files["departements"],
        epcis=files["epcis"],
        communes=files["communes"],
        arrondissement_names=files.get("arrondissements"),
        force_removals=bool(options.get("force_removals")),
        apply=apply,
    )


def _indicators(
    files: dict[str, Path], options: dict[str, Any], apply: bool
) -> list[ImportSummary]:
    return indicators_import(source=files["fichier"], apply=apply)


def _dispositifs(
    files: dict[str, Path], options: dict[str, Any], apply: bool
) -> list[ImportSummary]:
    return [dispositifs_import(source=files["fichier"], apply=apply)]


def _admin_contours(
    files: dict[str, Path], options: dict[str, Any], apply: bool
) -> list[ImportSummary]:
    return admin_contours_import(
        departements=files.get("departements"),
        arrondissements=files.get("arrondissements"),
        communes=files.get("communes"),
        apply=apply,
    )


def _qpv_attributes(
    files: dict[str, Path], options: dict[str, Any], apply: bool
) -> list[ImportSummary]:
    return [
        qpv_attributes_import(
            source=files["fichier"],
            preset=options.get("preset") or None,
            generation=int(options.get("generation", 2024)),
            apply=apply,
        )
    ]


CSV = ".csv,text/csv"
VECTOR = ".geojson,.json,.zip,.gpkg"
CONTOUR_HELP = "GeoJSON, Shapefile (.zip) ou GeoPackage, en WGS84 ou Lambert-93 ; propriété code"
# The QPV attributes layouts (geography/importers/attributes.py: PRESETS).
ATTRIBUTE_PRESETS = (
    ("", "Colonnes nommées comme le modèle (code_qp, statut_npnru, population…)"),
    ("sigville-population", "Populations de l'export SIG Ville (codeQPV, popMuniQPV)"),
    ("npnru-derive", "Estimation NPNRU (code_qp, statut_npnru_derive, motif_verification)"),
)
KINDS: dict[str, ImportKind] = {
    kind.slug: kind
    for kind in (
        ImportKind(
            slug="contours-qpv",
            label="Contours des QPV",
            description="Fichier de l'ANCT (data.gouv.fr, « quartiers prioritaires de la "
            "politique de la ville ») : GeoJSON, Shapefile zippé ou GeoPackage, en WGS84 ou "
            "Lambert-93.",
            slots=(
                FileSlot(
                    "contours",
                    "Fichier des contours",
                    "GeoJSON, Shapefile (.zip) ou GeoPackage ; colonnes code_qp, lib_qp, "
                    "insee_com.",
                    ".geojson,.json,.zip,.gpkg",
                ),
            ),
            run=_qpv,
            generation_choice=True,
            removals=True,
        ),
        ImportKind(
            slug="referentiel",
            label="Référentiel des communes et EPCI",
            description="Code officiel géographique (COG) de l'Insee, listes "
            "« decoupage-administratif » : départements, EPCI et communes.",
            slots=(
                FileSlot(
                    "departements", "Départements", "Liste JSON (code, nom, region).", ".json"
                ),
                FileSlot("epcis", "EPCI", "Liste JSON (code = SIREN, nom, type).", ".json"),
                FileSlot(
                    "communes",
                    "Communes",
                    "CSV UTF-8 : code_insee, nom, arrondissement, codes_postaux, "
                    "population_municipale, siren_epci.",
                    CSV,
                ),
                FileSlot(
                    "arrondissements",
                    "Noms des arrondissements (facultatif)",
                    "GeoJSON des contours des arrondissements (colonnes code, nom).",
                    ".geojson,.json",
                    required=False,
                ),
            ),
            run=_referential,
            removals=True,
        ),
        ImportKind(
            slug="indicateurs",
            label="Indicateurs (SIG Ville)",
            description="Export SIG Ville de l'ANCT (colonne codeQPV), le modèle CSV long ou un "
            "catalogue d'indicateurs ; le format est reconnu à la première ligne.",
            slots=(FileSlot("fichier", "Fichier CSV", "CSV UTF-8, séparateur , ou ;.", CSV),),
            run=_indicators,
        ),
        ImportKind(
            slug="dispositifs",
            label="Dispositifs",
            description="Dispositifs localisés (PRE, cités éducatives, médiateurs santé…) : "
            "modèle CSV décrit dans docs/programmes.md.",
            slots=(
                FileSlot(
                    "fichier",
                    "Fichier CSV",
                    "Colonnes kind, name, insee_code, qpv_codes, contract_codes, start_date, "
                    "end_date.",
                    CSV,
                ),
            ),
            run=_dispositifs,
        ),
        ImportKind(
            slug="contours-administratifs",
            label="Contours administratifs",
            description="Contours des communes, des arrondissements et du département (IGN "
            "Admin Express) : au moins un des trois fichiers. Ils sont rattachés aux lignes du "
            "référentiel par leur code ; aucune ligne n'est créée ni supprimée.",
            slots=(
                FileSlot(
                    "communes",
                    "Contours des communes",
                    f"{CONTOUR_HELP} = code INSEE.",
                    VECTOR,
                    required=False,
                ),
                FileSlot(
                    "arrondissements",
                    "Contours des arrondissements",
                    f"{CONTOUR_HELP} = code de l'arrondissement (592 ou 59002).",
                    VECTOR,
                    required=False,
                ),
                FileSlot(
                    "departements",
                    "Contour du département",
                    f"{CONTOUR_HELP} = code du département.",
                    VECTOR,
                    required=False,
                ),
            ),
            run=_admin_contours,
        ),
        ImportKind(
            slug="attributs-qpv",
            label="Attributs des QPV",
            description="Statut NPNRU, estimation NPNRU ou population des QPV déjà importés, "
            "depuis un petit CSV (une ligne par QPV, colonne du code QPV) ; les codes absents du "
            "référentiel sont signalés et ignorés.",
            slots=(
                FileSlot(
                    "fichier",
                    "Fichier CSV",
                    "CSV UTF-8, séparateur , ou ; ; colonnes selon la présentation choisie.",
                    CSV,
                ),
            ),
            run=_qpv_attributes,
            generation_choice=True,
            presets=ATTRIBUTE_PRESETS,
        ),
    )
}
