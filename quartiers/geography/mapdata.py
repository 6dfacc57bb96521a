"""GeoJSON for the maps and the exports.

Display layers are simplified (`shapely.simplify`, topology preserved) and rounded to 5 decimals
(about 1 m) at serialisation time only: stored contours are never touched, georeferencing uses
them as they are. Layer payloads are cached, keyed by generation + a fingerprint of the last
applied import and of the rows (see `selectors.geography_fingerprint`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from django.core.cache import cache
from django.urls import reverse
from shapely.geometry.base import BaseGeometry

from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune, Departement
from quartiers.geography.selectors import geography_fingerprint

# Degrees; ~0.0005° is about 35 m in the Nord: invisible at département zoom, 5-10× lighter.
DEFAULT_TOLERANCE = 0.0005
# Only these tolerances are served, so the cache holds a handful of payloads at most.
TOLERANCES = (0.0, 0.0001, 0.0005, 0.002)
COORDINATE_DECIMALS = 5
LAYERS = ("qpv", "communes", "arrondissements", "departement")


def geometry_load(*, wkb: bytes | memoryview | None) -> BaseGeometry | None:
    if not wkb:
        return None
    return shapely.from_wkb(bytes(wkb))


def geometry_to_geojson(
    *, geometry: BaseGeometry | None, tolerance: float = 0.0, decimals: int | None = None
) -> dict[str, object] | None:
    """GeoJSON geometry dict; simplified and rounded for display when asked."""
    if geometry is None or geometry.is_empty:
        return None
    if tolerance > 0:
        geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
    if decimals is not None:
        geometry = shapely.set_precision(geometry, 10**-decimals, mode="pointwise")
    return json.loads(shapely.to_geojson(geometry))


def tolerance_resolve(*, raw: str | None) -> float:
    try:
        value = float(raw) if raw not in (None, "") else DEFAULT_TOLERANCE
    except ValueError:
        return DEFAULT_TOLERANCE
    return min(TOLERANCES, key=lambda t: abs(t - value))


def qpv_properties(qpv: QPV) -> dict[str, object]:
    return {
        "layer": "qpv",
        "code": qpv.code,
        "name": qpv.name,
        "generation": qpv.generation,
        "npnru_national": qpv.npnru_is_national,
        "npnru_label": qpv.npnru_label,
        "npnru_estimated": qpv.npnru_status == "unknown" and bool(qpv.npnru_estimate),
        "population": qpv.population,
        "url": reverse("geography:qpv_detail", args=[qpv.code]),
    }


def _feature(properties: dict[str, object], geometry: dict[str, object] | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def qpv_features(
    *, qpvs: Iterable[QPV], tolerance: float = 0.0, decimals: int | None = None
) -> list[dict]:
    return [
        _feature(
            qpv_properties(qpv),
            geometry_to_geojson(
                geometry=geometry_load(wkb=qpv.contour_wkb), tolerance=tolerance, decimals=decimals
            ),
        )
        for qpv in qpvs
    ]


def commune_features(
    *, communes: Iterable[Commune], tolerance: float = 0.0, decimals: int | None = None
) -> list[dict]:
    return [
        _feature(
            {
                "layer": "communes",
                "code": commune.insee_code,
                "name": commune.name,
                "url": reverse("geography:commune_detail", args=[commune.insee_code]),
            },
            geometry_to_geojson(
                geometry=geometry_load(wkb=commune.contour_wkb),
                tolerance=tolerance,
                decimals=decimals,
            ),
        )
        for commune in communes
    ]


def area_features(
    *,
    areas: Iterable[Arrondissement | Departement],
    layer: str,
    tolerance: float = 0.0,
    decimals: int | None = None,
) -> list[dict]:
    url_name = "arrondissement_detail" if layer == "arrondissements" else "departement_detail"
    return [
        _feature(
            {
                "layer": layer,
                "code": area.insee_code,
                "name": area.name,
                "url": reverse(f"geography:{url_name}", args=[area.insee_code]),
            },
            geometry_to_geojson(
                geometry=geometry_load(wkb=area.contour_wkb),
                tolerance=tolerance,
                decimals=decimals,
            ),
        )
        for area in areas
    ]


def epci_geometry(*, epci: EPCI) -> BaseGeometry | None:
    """An EPCI has no stored contour: the union of its communes' contours."""
    parts = [
        geometry_load(wkb=wkb)
        for wkb in epci.communes.exclude(contour_wkb=None).values_list("contour_wkb", flat=True)
    ]
    parts = [p for p in parts if p is not None]
    return shapely.union_all(parts) if parts else None


def layer_features(*, layer: str, generation: int, tolerance: float) -> list[dict]:
    decimals = COORDINATE_DECIMALS
    if layer == "qpv":
        qpvs = QPV.objects.of_generation(generation).order_by("code")
        return qpv_features(qpvs=qpvs, tolerance=tolerance, decimals=decimals)
    if layer == "communes":
        # Only the communes carrying a QPV: the 648 Nord outlines would triple the payload.
        communes = (
            Commune.objects.exclude(contour_wkb=None)
            .filter(qpvs__generation=generation)
            .distinct()
            .order_by("insee_code")
        )
        return commune_features(communes=communes, tolerance=tolerance, decimals=decimals)
    if layer == "arrondissements":
        areas = Arrondissement.objects.exclude(contour_wkb=None)
    elif layer == "departement":
        areas = Departement.objects.exclude(contour_wkb=None)
    else:
        raise ValueError(f"Couche inconnue : {layer}")
    return area_features(areas=areas, layer=layer, tolerance=tolerance, decimals=decimals)


@dataclass(frozen=True)
class Payload:
    """A serialised GeoJSON document, raw and gzipped, with its ETag."""

    raw: bytes
    gzipped: bytes
    etag: str


def payload_build(*, document: dict[str, object]) -> Payload:
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Payload(
        raw=raw,
        gzipped=gzip.compress(raw, compresslevel=6, mtime=0),
        etag='"' + hashlib.sha256(raw).hexdigest()[:32] + '"',
    )


def layer_payload(*, layer: str, generation: int, tolerance: float) -> Payload:
    """The cached display payload of one map layer."""
    fingerprint = geography_fingerprint(generation=generation)
    key = f"geography:layer:{layer}:{tolerance}:{fingerprint}"
    payload = cache.get(key)
    if payload is None:
        features = layer_features(layer=layer, generation=generation, tolerance=tolerance)
        payload = payload_build(
            document={"type": "FeatureCollection", "name": layer, "features": features}
        )
        cache.set(key, payload, timeout=24 * 3600)
    return payload


AREA_KINDS = ("qpv", "commune", "epci", "arrondissement", "departement")
# Context outlines of the small maps: light simplification, QPV contours kept exact.
CONTEXT_TOLERANCE = 0.0001


def _focus(*, code: str, name: str, geometry: BaseGeometry | None) -> dict:
    return _feature(
        {"layer": "focus", "code": code, "name": name},
        geometry_to_geojson(
            geometry=geometry, tolerance=CONTEXT_TOLERANCE, decimals=COORDINATE_DECIMALS
        ),
    )


def area_document(*, kind: str, code: str, generation: int) -> dict[str, object] | None:
    """The features of a territory's small map, or None when the code is unknown."""
    decimals = COORDINATE_DECIMALS
    qpvs = QPV.objects.of_generation(generation).order_by("code")
    context = {"tolerance": CONTEXT_TOLERANCE, "decimals": decimals}
    features: list[dict] = []
    if kind == "qpv":
        qpv = qpvs.filter(code=code).first()
        if qpv is None:
            return None
        features += commune_features(communes=qpv.communes.order_by("insee_code"), **context)
        qpvs = qpvs.filter(pk=qpv.pk)
    elif kind == "commune":
        commune = Commune.objects.filter(insee_code=code).first()
        if commune is None:
            return None
        features.append(
            _focus(code=code, name=commune.name, geometry=geometry_load(wkb=commune.contour_wkb))
        )
        qpvs = qpvs.filter(communes=commune)
    elif kind == "epci":
        epci = EPCI.objects.filter(siren=code).first()
        if epci is None:
            return None
        features += commune_features(communes=epci.communes.order_by("insee_code"), **context)
        features.append(_focus(code=code, name=epci.name, geometry=epci_geometry(epci=epci)))
        qpvs = qpvs.filter(epcis=epci)
    elif kind == "arrondissement":
        arrondissement = Arrondissement.objects.filter(insee_code=code).first()
        if arrondissement is None:
            return None
        features.append(
            _focus(
                code=code,
                name=arrondissement.name,
                geometry=geometry_load(wkb=arrondissement.contour_wkb),
            )
        )
        qpvs = qpvs.filter(communes__arrondissement=arrondissement).distinct()
    elif kind == "departement":
        departement = Departement.objects.filter(insee_code=code).first()
        if departement is None:
            return None
        features += area_features(
            areas=departement.arrondissements.exclude(contour_wkb=None),
            layer="arrondissements",
            **context,
        )
        features.append(
            _focus(
                code=code,
                name=departement.name,
                geometry=geometry_load(wkb=departement.contour_wkb),
            )
        )
        qpvs = qpvs.filter(departement=departement)
    else:
        return None
    features += qpv_features(qpvs=qpvs, decimals=decimals)
    return {"type": "FeatureCollection", "name": f"{kind}-{code}", "features": features}


def area_payload(*, kind: str, code: str, generation: int) -> Payload | None:
    fingerprint = geography_fingerprint(generation=generation)
    key = f"geography:area:{kind}:{code}:{fingerprint}"
    payload = cache.get(key)
    if payload is None:
        document = area_document(kind=kind, code=code, generation=generation)
        if document is None:
            return None
        payload = payload_build(document=document)
        cache.set(key, payload, timeout=3600)
    return payload
