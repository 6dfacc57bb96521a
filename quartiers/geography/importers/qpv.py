"""Import QPV contours (ANCT « quartiers prioritaires ») for one generation (2024 or 2015).

Columns (matched case-insensitively; the first alias found wins):

=================  =====================================================================
registry field     accepted column names
=================  =====================================================================
code (required)    code_qp, code_quartier, code_qpv, codeqpv
name (required)    lib_qp, nom_qp, nom_quartier, nom_qpv
communes (req.)    insee_com, code_insee, insee_commune, depcom
EPCI               siren_epci, epci_siren, code_epci
département        insee_dep, code_dep, dep (else derived from the QPV code)
=================  =====================================================================

Multi-valued cells (a QPV on several communes or EPCIs) are separated by commas or semicolons,
as in the ANCT files (``"59014, 59491"``).

Removal rule: a QPV of the same generation that is absent from the file is removed only when
its département appears in the file. A Nord-only file therefore never deletes the QPV of other
départements, while a national file removes the QPV that left the geography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from shapely.geometry import MultiPolygon

from quartiers.geography.importers.geometry import (
    GeometryError,
    bbox_fields,
    contour_normalize,
    contour_wkb,
    contours_equal,
)
from quartiers.geography.importers.removals import (
    links_release,
    protected_text,
    removals_check,
)
from quartiers.geography.importers.sources import source_open
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.importers.vector import RawFeature, VectorLayer, vector_read
from quartiers.geography.models import EPCI, QPV, Commune, Departement, Generation
from quartiers.geography.signals import geography_changed
from quartiers.shared.imports import ImportRefused, ImportSummary, codes_listed

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code_qp", "code_quartier", "code_qpv", "codeqpv"),
    "name": ("lib_qp", "nom_qp", "nom_quartier", "nom_qpv"),
    "commune_codes": ("insee_com", "code_insee", "insee_commune", "depcom"),
    "epci_sirens": ("siren_epci", "epci_siren", "code_epci"),
    "departement_code": ("insee_dep", "code_dep", "dep"),
}
REQUIRED_FIELDS = ("code", "name", "commune_codes")
CODE_PATTERNS = {
    Generation.G2024: re.compile(r"^QN\d{2}[0-9AB]\d{2}[A-Z]$"),  # QN05901M, QN02A01M
    Generation.G2015: re.compile(r"^QP\d{2}[0-9AB]\d{3}$"),  # QP059001
}
CODE_EXAMPLES = {Generation.G2024: "QN05901M", Generation.G2015: "QP059001"}
MAX_ERRORS_SHOWN = 20
_SPLIT = re.compile(r"\s*[,;|]\s*")


@dataclass
class QpvRow:
    code: str
    name: str
    departement_code: str
    commune_codes: list[str]
    epci_sirens: list[str]
    geometry: MultiPolygon
    repair_reason: str  # "" when the contour was valid as given

    @property
    def repaired(self) -> bool:
        return bool(self.repair_reason)


@dataclass
class QpvPlan:
    rows: list[QpvRow]
    to_create: list[QpvRow] = field(default_factory=list)
    to_update: list[tuple[QPV, QpvRow]] = field(default_factory=list)
    links_to_set: list[str] = field(default_factory=list)  # codes whose M2M links are rewritten
    to_remove: list[QPV] = field(default_factory=list)
    unchanged: int = 0


def columns_map(*, layer: VectorLayer) -> dict[str, str]:
    """Registry field → column name of the file; a missing required column is refused."""
    by_lower = {name.lower(): name for name in layer.fields}
    mapping = {}
    for target, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in by_lower:
                mapping[target] = by_lower[alias]
                break
    missing = [FIELD_ALIASES[t][0] for t in REQUIRED_FIELDS if t not in mapping]
    if missing:
        raise ImportRefused(
            f"{layer.label} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} "
            f"(colonnes du fichier : {', '.join(layer.fields) or 'aucune'})."
        )
    return mapping


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _departement_from_code(code: str) -> str:
    digits = code[2:5]  # "059" → "59", "02A" → "2A", "971" → "971"
    return digits[1:] if digits.startswith("0") else digits


def _row_build(
    feature: RawFeature, columns: dict[str, str], generation: int, keep_degenerate: bool
) -> QpvRow:
    props = feature.properties
    code = _text(props.get(columns["code"]))
    if not CODE_PATTERNS[generation].match(code):
        raise GeometryError(
            f"code « {code} » invalide pour la géographie {generation} "
            f"(attendu du type {CODE_EXAMPLES[generation]})"
        )
    name = _text(props.get(columns["name"]))
    if not name:
        raise GeometryError("nom du quartier vide")
    communes = [c for c in _SPLIT.split(_text(props.get(columns["commune_codes"]))) if c]
    if not communes:
        raise GeometryError("aucun code commune")
    epcis = [s for s in _SPLIT.split(_text(props.get(columns.get("epci_sirens", "")))) if s]
    departement = _text(props.get(columns.get("departement_code", ""))) or (
        _departement_from_code(code)
    )
    if feature.error:
        raise GeometryError(feature.error)
    geometry, reason = contour_normalize(feature.geometry, keep_degenerate=keep_degenerate)
    return QpvRow(code, name, departement, communes, epcis, geometry, reason)


def rows_validate(
    *, layer: VectorLayer, generation: int, keep_degenerate: bool = False
) -> tuple[list[QpvRow], list[str]]:
    """Validate every feature before anything is written; refuse the file on any error."""
    if not layer.features:
        raise ImportRefused(f"{layer.label} : aucune entité dans le fichier.")
    columns = columns_map(layer=layer)
    rows, warnings, errors = [], [], []
    seen: dict[str, int] = {}
    for feature in layer.features:
        code = _text(feature.properties.get(columns["code"])) or "sans code"
        try:
            row = _row_build(feature, columns, generation, keep_degenerate)
        except GeometryError as exc:
            errors.append(f"entité n° {feature.number} ({code}) : {exc}")
            continue
        if row.code in seen:
            errors.append(
                f"entité n° {feature.number} ({code}) : code déjà présent à l'entité n° "
                f"{seen[row.code]}"
            )
            continue
        seen[row.code] = feature.number
        if row.repaired:
            warnings.append(f"{row.code} : {row.repair_reason} (entité n° {feature.number})")
        rows.append(row)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"… et {len(errors) - MAX_ERRORS_SHOWN} autres erreurs")
        raise ImportRefused(
            f"{layer.label} : fichier refusé, rien n'a été écrit.\n  - " + "\n  - ".join(shown)
        )
    return rows, warnings


def _links(model: type[Commune] | type[EPCI], key: str, codes: set[str]) -> dict[str, int]:
    return dict(model.objects.filter(**{f"{key}__in": codes}).values_list(key, "id"))


def plan_build(*, rows: list[QpvRow], generation: int) -> tuple[QpvPlan, dict[str, Any]]:
    """Compare the validated rows with the registry (reads only)."""
    existing = {q.code: q for q in QPV.objects.filter(generation=generation)}
    commune_ids = _links(Commune, "insee_code", {c for r in rows for c in r.commune_codes})
    epci_ids = _links(EPCI, "siren", {s for r in rows for s in r.epci_sirens})
    departement_ids = dict(Departement.objects.values_list("insee_code", "id"))
    through_c, through_e = QPV.communes.through, QPV.epcis.through
    current_c: dict[int, set[int]] = {}
    for qpv_id, commune_id in through_c.objects.filter(qpv__generation=generation).values_list(
        "qpv_id", "commune_id"
    ):
        current_c.setdefault(qpv_id, set()).add(commune_id)
    current_e: dict[int, set[int]] = {}
    for qpv_id, epci_id in through_e.objects.filter(qpv__generation=generation).values_list(
        "qpv_id", "epci_id"
    ):
        current_e.setdefault(qpv_id, set()).add(epci_id)

    plan = QpvPlan(rows=rows)
    for row in rows:
        wanted_c = {commune_ids[c] for c in row.commune_codes if c in commune_ids}
        wanted_e = {epci_ids[s] for s in row.epci_sirens if s in epci_ids}
        qpv = existing.get(row.code)
        if qpv is None:
            plan.to_create.append(row)
            plan.links_to_set.append(row.code)
            continue
        links_differ = wanted_c != current_c.get(qpv.id, set()) or wanted_e != current_e.get(
            qpv.id, set()
        )
        fields_differ = (
            qpv.name != row.name
            or qpv.departement_code != row.departement_code
            or qpv.departement_id != departement_ids.get(row.departement_code)
            or qpv.commune_codes != row.commune_codes
            or qpv.epci_sirens != row.epci_sirens
            or qpv.contour_repaired != row.repaired
            or not contours_equal(qpv.contour_wkb, row.geometry)
        )
        if fields_differ:
            plan.to_update.append((qpv, row))
        if links_differ:
            plan.links_to_set.append(row.code)
        if not fields_differ and not links_differ:
            plan.unchanged += 1
    in_file = {r.code for r in rows}
    departements = {r.departement_code for r in rows}
    plan.to_remove = [
        q
        for code, q in existing.items()
        if code not in in_file and q.departement_code in departements
    ]
    lookups = {"communes": commune_ids, "epcis": epci_ids, "departements": departement_ids}
    return plan, lookups


WRITTEN_FIELDS = [
    "name",
    "departement_code",
    "departement_id",
    "commune_codes",
    "epci_sirens",
    "contour_wkb",
    "contour_repaired",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
]


def _qpv_fields(row: QpvRow, departement_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "name": row.name,
        "departement_code": row.departement_code,
        "departement_id": departement_ids.get(row.departement_code),
        "commune_codes": row.commune_codes,
        "epci_sirens": row.epci_sirens,
        "contour_wkb": contour_wkb(row.geometry),
        "contour_repaired": row.repaired,
        **bbox_fields(row.geometry),
    }


def plan_apply(*, plan: QpvPlan, lookups: dict[str, Any], generation: int) -> None:
    departement_ids = lookups["departements"]
    created = QPV.objects.bulk_create(
        [
            QPV(code=r.code, generation=generation, **_qpv_fields(r, departement_ids))
            for r in plan.to_create
        ],
        batch_size=500,
    )
    updated = []
    for qpv, row in plan.to_update:
        for name, value in _qpv_fields(row, departement_ids).items():
            setattr(qpv, name, value)
        updated.append(qpv)
    if updated:
        QPV.objects.bulk_update(updated, WRITTEN_FIELDS, batch_size=500)
    if plan.to_remove:
        ids = [q.pk for q in plan.to_remove]
        links_release(model=QPV, ids=ids)  # reached only when the removals are forced
        try:
            QPV.objects.filter(pk__in=ids).delete()
        except ProtectedError as exc:
            codes = [q.code for q in plan.to_remove]
            raise ImportRefused(protected_text(exc, codes, "QPV")) from exc
    ids = {q.code: q.id for q in created}
    ids.update({q.code: q.id for q, _ in plan.to_update})
    ids.update(
        QPV.objects.filter(generation=generation, code__in=plan.links_to_set).values_list(
            "code", "id"
        )
    )
    rows = {r.code: r for r in plan.rows}
    _links_rewrite(plan.links_to_set, ids, rows, lookups)


def _links_rewrite(codes: list[str], ids: dict[str, int], rows: dict[str, QpvRow], lookups) -> None:
    through_c, through_e = QPV.communes.through, QPV.epcis.through
    qpv_ids = [ids[c] for c in codes]
    through_c.objects.filter(qpv_id__in=qpv_ids).delete()
    through_e.objects.filter(qpv_id__in=qpv_ids).delete()
    communes, epcis = lookups["communes"], lookups["epcis"]
    through_c.objects.bulk_create(
        [
            through_c(qpv_id=ids[code], commune_id=communes[c])
            for code in codes
            for c in dict.fromkeys(rows[code].commune_codes)
            if c in communes
        ],
        batch_size=1000,
    )
    through_e.objects.bulk_create(
        [
            through_e(qpv_id=ids[code], epci_id=epcis[s])
            for code in codes
            for s in dict.fromkeys(rows[code].epci_sirens)
            if s in epcis
        ],
        batch_size=1000,
    )


def layer_of_departement(*, layer: VectorLayer, departement: str) -> VectorLayer:
    """The features of one département (its column, else the QPV code), from a national file."""
    columns = columns_map(layer=layer)
    kept = []
    for feature in layer.features:
        code = _text(feature.properties.get(columns.get("departement_code", "")))
        code = code or _departement_from_code(_text(feature.properties.get(columns["code"])))
        if code == departement:
            kept.append(feature)
    if not kept:
        raise ImportRefused(f"{layer.label} : aucun QPV du département {departement}.")
    return VectorLayer(
        label=layer.label, crs_name=layer.crs_name, fields=layer.fields, features=kept
    )


def qpv_import(
    *,
    source: str | Path,
    generation: int = Generation.G2024,
    apply: bool = False,
    keep_degenerate: bool = False,
    force_removals: bool = False,
    departement: str | None = None,
) -> ImportSummary:
    """Validate the whole file, compare with the registry, and write only when `apply`.

    QPV absent from the file are not removed when they are still referenced (contracts,
    actions, applications, délégués…) or when they are more than IMPORT_MAX_REMOVAL_SHARE of
    the generation, unless `force_removals` (importers/removals.py).

    `keep_degenerate` keeps QPV whose contour has zero area (the simplified national copy has
    three) with an empty contour, listed in the warnings, instead of refusing the file.
    `departement` keeps only that département's QPV of a national file (the others are
    neither validated nor removed).
    """
    if generation not in CODE_PATTERNS:
        raise ImportRefused(f"Géographie {generation} inconnue (2024 ou 2015).")
    with source_open(source=source) as src:
        layer = vector_read(path=src.path, label=src.label)
        if departement:
            layer = layer_of_departement(layer=layer, departement=departement)
        rows, warnings = rows_validate(
            layer=layer, generation=generation, keep_degenerate=keep_degenerate
        )
    summary = ImportSummary(kind="qpv", source=src.label, sha256=src.sha256, generation=generation)
    summary.warnings = warnings
    if layer.crs_name != "WGS84":
        summary.warnings.insert(0, f"Contours reprojetés de {layer.crs_name} vers WGS84.")
    with transaction.atomic():
        plan, lookups = plan_build(rows=rows, generation=generation)
        created = {r.code for r in plan.to_create}
        changed = (set(plan.links_to_set) | {r.code for _, r in plan.to_update}) - created
        removed = sorted(q.code for q in plan.to_remove)
        summary.added, summary.changed, summary.removed = len(created), len(changed), len(removed)
        summary.unchanged = plan.unchanged
        summary.codes = {"added": sorted(created), "changed": sorted(changed), "removed": removed}
        _missing_warn(summary, rows, lookups)
        _removals_check(plan, generation, summary, apply=apply, force=force_removals)
        if apply:
            plan_apply(plan=plan, lookups=lookups, generation=generation)
            import_run_record(summary=summary)
            transaction.on_commit(lambda: geography_changed.send(sender=QPV, generation=generation))
    return summary


def _removals_check(
    plan: QpvPlan, generation: int, summary: ImportSummary, *, apply: bool, force: bool
) -> None:
    """Refuse dangerous removals (a dry run reports that the import would be refused)."""
    try:
        removals_check(
            model=QPV,
            removed=[(q.code, q.pk) for q in plan.to_remove],
            total=QPV.objects.filter(generation=generation).count(),
            what=f"QPV de la géographie {generation}",
            force=force,
            summary=summary,
        )
    except ImportRefused as exc:
        if apply:
            raise
        summary.warnings.insert(0, f"Avec --apply, l'import serait refusé. {exc}")


def _missing_warn(summary: ImportSummary, rows: list[QpvRow], lookups: dict[str, Any]) -> None:
    communes = sorted({c for r in rows for c in r.commune_codes} - set(lookups["communes"]))
    if communes and lookups["communes"]:
        summary.warnings.append(
            f"{len(communes)} commune(s) absente(s) du référentiel, QPV non rattachés : "
            f"{codes_listed(communes)}"
        )
    epcis = sorted({s for r in rows for s in r.epci_sirens} - set(lookups["epcis"]))
    if epcis and lookups["epcis"]:
        summary.warnings.append(
            f"{len(epcis)} EPCI absent(s) du référentiel, QPV non rattachés : {codes_listed(epcis)}"
        )
