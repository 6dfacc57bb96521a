"""Import the administrative contours (département, arrondissements, communes) as WKB + bbox.

Source: the `contours/` files (IGN Admin Express, COG 2018, simplified; WGS84), any format
`vector_read` accepts, each feature carrying a ``code`` property (and ``nom``). A single
GeoJSON Feature is accepted as well as a FeatureCollection.

Contours are attached to registry rows by code (the registry follows COG 2024): arrondissement
codes "59002" are read as the COG "592". Every file code without a registry row, and every
registry row (in the départements the file covers) without a contour, is reported in the
warnings: a commune merged or renamed between the two COG editions shows up there.
Rows are never created or removed by this import; only their contour and bounding box change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from quartiers.geography.importers.geometry import (
    GeometryError,
    bbox_fields,
    contour_normalize,
    contour_wkb,
    contours_equal,
)
from quartiers.geography.importers.referential import departement_of
from quartiers.geography.importers.sources import source_open
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.importers.vector import vector_read
from quartiers.geography.models import Arrondissement, Commune, Departement
from quartiers.shared.imports import ImportRefused, ImportSummary, codes_listed


@dataclass(frozen=True)
class Level:
    kind: str
    model: type[models.Model]
    noun: str  # French, plural

    def code_of(self, raw: str) -> str:
        if self.model is Arrondissement and len(raw) >= 4 and raw[-3:].isdigit():
            return f"{raw[:-3]}{int(raw[-3:])}"  # "59002" → "592"
        return raw

    def departement_of(self, code: str) -> str:
        if self.model is Departement:
            return code
        return code[:-1] if self.model is Arrondissement else departement_of(code)


LEVELS = {
    "departements": Level("contours_departements", Departement, "départements"),
    "arrondissements": Level("contours_arrondissements", Arrondissement, "arrondissements"),
    "communes": Level("contours_communes", Commune, "communes"),
}


def _contours_read(level: Level, source: str | Path, summary: ImportSummary) -> dict[str, object]:
    with source_open(source=source) as src:
        layer = vector_read(path=src.path, label=src.label)
        summary.source, summary.sha256 = src.label, src.sha256
    contours, errors = {}, []
    for feature in layer.features:
        code = level.code_of(str(feature.properties.get("code") or "").strip())
        try:
            if not code:
                raise GeometryError("propriété « code » absente")
            if feature.error:
                raise GeometryError(feature.error)
            geometry, reason = contour_normalize(feature.geometry)
        except GeometryError as exc:
            errors.append(f"entité n° {feature.number} ({code or 'sans code'}) : {exc}")
            continue
        if reason:
            summary.warnings.append(f"{code} : {reason}")
        contours[code] = geometry
    if errors:
        raise ImportRefused(
            f"{layer.label} : fichier refusé, rien n'a été écrit.\n  - "
            + "\n  - ".join(errors[:20])
        )
    return contours


def _level_plan(level: Level, contours: dict[str, object], summary: ImportSummary) -> list:
    existing = {obj.insee_code: obj for obj in level.model.objects.all()}
    covered = {level.departement_of(code) for code in contours}
    not_in_registry = sorted(set(contours) - set(existing))
    without_contour = sorted(
        code for code in set(existing) - set(contours) if level.departement_of(code) in covered
    )
    if not_in_registry:
        summary.warnings.append(
            f"{len(not_in_registry)} {level.noun} du fichier sans correspondance dans le "
            f"référentiel (non importés) : {codes_listed(not_in_registry)}"
        )
    if without_contour:
        summary.warnings.append(
            f"{len(without_contour)} {level.noun} du référentiel sans contour dans le fichier : "
            f"{codes_listed(without_contour)}"
        )
    to_write = []
    codes: dict[str, list[str]] = {"added": [], "changed": []}  # for the import screen's diff
    summary.codes = codes
    for code, geometry in contours.items():
        obj = existing.get(code)
        if obj is None:
            continue
        if obj.contour_wkb is None:
            summary.added += 1
            codes["added"].append(code)
        elif contours_equal(obj.contour_wkb, geometry):
            summary.unchanged += 1
            continue
        else:
            summary.changed += 1
            codes["changed"].append(code)
        obj.contour_wkb = contour_wkb(geometry)
        for name, value in bbox_fields(geometry).items():
            setattr(obj, name, value)
        to_write.append(obj)
    return to_write


def admin_contours_import(
    *,
    departements: str | Path | None = None,
    arrondissements: str | Path | None = None,
    communes: str | Path | None = None,
    apply: bool = False,
) -> list[ImportSummary]:
    """Attach contours to existing registry rows; one summary per level given."""
    sources = {
        "departements": departements,
        "arrondissements": arrondissements,
        "communes": communes,
    }
    plans = []
    for name, source in sources.items():
        if source is None:
            continue
        level = LEVELS[name]
        summary = ImportSummary(level.kind, str(source))
        contours = _contours_read(level, source, summary)
        plans.append((level, summary, contours))
    summaries = []
    with transaction.atomic():
        for level, summary, contours in plans:
            to_write = _level_plan(level, contours, summary)
            if apply:
                level.model.objects.bulk_update(
                    to_write,
                    ["contour_wkb", "min_lon", "min_lat", "max_lon", "max_lat"],
                    batch_size=500,
                )
                import_run_record(summary=summary)
            summaries.append(summary)
    return summaries
