"""Read a vector layer (GeoJSON, Shapefile, GeoPackage, or one of them zipped) in WGS84.

The coordinate reference system is always read from the file, never guessed:

* GeoJSON: the ``crs`` member (``{"type": "name", "properties": {"name": "EPSG:2154"}}`` or the
  old ``{"type": "EPSG", "properties": {"code": 2154}}``). Only when the member is absent (or
  null) is the file read as WGS84 lon/lat (CRS84), as RFC 7946 prescribes; its coordinates must
  then lie within WGS84 bounds, so a Lambert-93 file without a ``crs`` member is refused rather
  than silently misplaced.
* Shapefile: the ``.prj`` file (a shapefile without one is refused); GeoPackage: the layer's SRS.

Accepted systems: WGS84 (EPSG:4326 or OGC:CRS84, read in lon/lat order as GIS files are written)
and Lambert-93 (EPSG:2154), reprojected to WGS84 lon/lat with pyproj (``always_xy``). Any other
system is refused. GeoJSON is parsed with the json module (exact numbers, line numbers in
errors); the other formats with pyogrio (GDAL), zipped ones through ``/vsizip/``.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from quartiers.geography.importers.sources import text_decode
from quartiers.shared.imports import ImportRefused

WGS84 = "WGS84"
LAMBERT93 = "Lambert-93 (EPSG:2154)"
_GEOJSON_SUFFIXES = {".geojson", ".json"}
_OGR_SUFFIXES = {".shp", ".gpkg"}
ACCEPTED_FORMATS = "GeoJSON, Shapefile (.shp ou archive .zip) ou GeoPackage (.gpkg)"
# Rough extent of Lambert-93 coordinates (metres), with a margin: metropolitan France only.
_L93_BOUNDS = (-500_000.0, 5_900_000.0, 1_500_000.0, 7_400_000.0)


@dataclass
class RawFeature:
    number: int  # 1-based position in the file, as named in error messages
    properties: dict[str, Any]
    geometry: BaseGeometry | None = None  # WGS84 lon/lat once the layer is read
    error: str = ""  # French reason why the geometry could not be read


@dataclass
class VectorLayer:
    label: str
    crs_name: str
    fields: list[str]
    features: list[RawFeature] = field(default_factory=list)


def crs_resolve(*, crs_text: str, label: str) -> str:
    """Classify a declared CRS as WGS84 or Lambert-93; refuse anything else."""
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        raise ImportRefused(
            f"{label} : système de coordonnées inconnu « {crs_text} ». Systèmes acceptés : "
            "WGS84 (EPSG:4326, CRS84) ou Lambert-93 (EPSG:2154)."
        ) from exc
    for reference, name in ((CRS("OGC:CRS84"), WGS84), (CRS("EPSG:2154"), LAMBERT93)):
        if crs.equals(reference, ignore_axis_order=True):
            return name
    if crs.to_epsg() == 4326 or crs.equals(CRS("EPSG:4326"), ignore_axis_order=True):
        return WGS84
    if crs.to_epsg() == 2154:
        return LAMBERT93
    code = crs.to_epsg()
    shown = f"EPSG:{code}" if code else crs.name
    raise ImportRefused(
        f"{label} : système de coordonnées non pris en charge ({shown}, {crs.name}). "
        "Systèmes acceptés : WGS84 (EPSG:4326, CRS84) ou Lambert-93 (EPSG:2154)."
    )


def _geojson_crs(document: dict[str, Any], label: str) -> str:
    member = document.get("crs")
    if member is None:
        return "OGC:CRS84"  # RFC 7946: no crs member means WGS84 lon/lat
    props = member.get("properties") if isinstance(member, dict) else None
    if isinstance(props, dict) and member.get("type") == "name" and props.get("name"):
        return str(props["name"])
    if isinstance(props, dict) and member.get("type") == "EPSG" and props.get("code"):
        return f"EPSG:{props['code']}"
    raise ImportRefused(f"{label} : membre « crs » illisible ({json.dumps(member)[:120]}).")


def _constant_refuse(name: str) -> float:
    raise json.JSONDecodeError(f"valeur {name} interdite en JSON", name, 0)


def _geojson_parse(data: bytes, label: str) -> tuple[str, list[RawFeature], list[dict | None]]:
    text = text_decode(data=data, label=label)
    try:
        document = json.loads(text, parse_constant=_constant_refuse)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"{label}, ligne {exc.lineno}, colonne {exc.colno} : JSON illisible ({exc.msg})."
        ) from exc
    except RecursionError as exc:  # "[[[[…" nested deeper than the interpreter's stack
        raise ImportRefused(
            f"{label} : JSON refusé, ses tableaux ou objets sont imbriqués trop profondément."
        ) from exc
    if not isinstance(document, dict):
        raise ImportRefused(f"{label} : un objet GeoJSON était attendu.")
    if document.get("type") == "Feature":
        raw_features = [document]  # e.g. the département contour: one Feature
    elif document.get("type") == "FeatureCollection" and isinstance(document.get("features"), list):
        raw_features = document["features"]
    else:
        raise ImportRefused(
            f"{label} : ni FeatureCollection ni Feature GeoJSON (type « {document.get('type')} »)."
        )
    crs_text = _geojson_crs(document, label)
    features, geometries = [], []
    for number, item in enumerate(raw_features, start=1):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise ImportRefused(f"{label}, entité n° {number} : objet « Feature » attendu.")
        props = item.get("properties") or {}
        features.append(RawFeature(number=number, properties=dict(props)))
        geometries.append(item.get("geometry"))
    return crs_text, features, geometries


def _geojson_geometry(feature: RawFeature, geometry: dict | None) -> BaseGeometry | None:
    if not geometry:
        feature.error = "géométrie absente"
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            return shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RuntimeWarning) as exc:
        feature.error = f"géométrie illisible ({exc})"
    except shapely.errors.GEOSException as exc:
        feature.error = f"géométrie illisible ({exc})"
    return None


def _ogr_read(path: str, label: str) -> tuple[str, list[RawFeature], list[BaseGeometry | None]]:
    try:
        layers = pyogrio.list_layers(path)
        layer = None
        if len(layers) > 1:
            polygonal = [name for name, kind in layers if kind and "Polygon" in str(kind)]
            if len(polygonal) != 1:
                raise ImportRefused(
                    f"{label} : plusieurs couches ({', '.join(str(n) for n, _ in layers)}) ; "
                    "fournissez un fichier à une seule couche de polygones."
                )
            layer = polygonal[0]
        meta, _fids, wkbs, field_data = pyogrio.raw.read(path, layer=layer)
    except pyogrio.errors.DataSourceError as exc:
        raise ImportRefused(f"{label} : fichier illisible ({exc}).") from exc
    if not meta.get("crs"):
        raise ImportRefused(
            f"{label} : aucun système de coordonnées déclaré (fichier .prj manquant ?). "
            "Le système n'est jamais deviné."
        )
    names = [str(name) for name in meta["fields"]]
    features, geometries = [], []
    for index, wkb in enumerate(wkbs):
        props = {
            name: _plain(values[index]) for name, values in zip(names, field_data, strict=True)
        }
        feature = RawFeature(number=index + 1, properties=props)
        features.append(feature)
        if wkb is None:
            feature.error = "géométrie absente"
            geometries.append(None)
            continue
        try:
            geometries.append(shapely.from_wkb(wkb))
        except shapely.errors.GEOSException as exc:
            feature.error = f"géométrie illisible ({exc})"
            geometries.append(None)
    return str(meta["crs"]), features, geometries


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _zip_member(path: Path, label: str) -> tuple[str, str]:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    candidates = [n for n in names if Path(n).suffix.lower() in _OGR_SUFFIXES | _GEOJSON_SUFFIXES]
    if len(candidates) != 1:
        found = ", ".join(candidates) if candidates else "aucun"
        raise ImportRefused(
            f"{label} : l'archive doit contenir exactement un fichier {ACCEPTED_FORMATS} "
            f"(trouvé : {found})."
        )
    return candidates[0], Path(candidates[0]).suffix.lower()


def _format_sniff(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _GEOJSON_SUFFIXES | _OGR_SUFFIXES:
        return suffix
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"PK"):
        return ".zip"
    if head.startswith(b"SQLite format 3"):
        return ".gpkg"
    if head.lstrip().startswith(b"{"):
        return ".geojson"
    shown = suffix or "sans extension"
    raise ImportRefused(
        f"{path.name} : format non pris en charge ({shown}) ; attendu : {ACCEPTED_FORMATS}."
    )


def _raw_read(path: Path, label: str) -> tuple[str, list[RawFeature], list[Any], bool]:
    kind = _format_sniff(path)
    if kind == ".zip":
        member, member_kind = _zip_member(path, label)
        if member_kind in _GEOJSON_SUFFIXES:
            with zipfile.ZipFile(path) as archive:
                return (*_geojson_parse(archive.read(member), f"{label} ({member})"), True)
        return (*_ogr_read(f"/vsizip/{path}/{member}", label), False)
    if kind in _GEOJSON_SUFFIXES:
        return (*_geojson_parse(path.read_bytes(), label), True)
    return (*_ogr_read(str(path), label), False)


def vector_read(*, path: Path, label: str) -> VectorLayer:
    """Read every feature of the file, geometries in WGS84 lon/lat (None + error if unreadable)."""
    crs_text, features, raw_geometries, is_geojson = _raw_read(path, label)
    crs_name = crs_resolve(crs_text=crs_text, label=label)
    geometries = [
        _geojson_geometry(f, g) if is_geojson else g
        for f, g in zip(features, raw_geometries, strict=True)
    ]
    _bounds_check(features, geometries, crs_name)
    if crs_name == LAMBERT93:
        geometries = _to_wgs84(geometries)
    for feature, geometry in zip(features, geometries, strict=True):
        feature.geometry = geometry
    fields = sorted({key for f in features for key in f.properties})
    return VectorLayer(label=label, crs_name=crs_name, fields=fields, features=features)


def _bounds_check(features: list[RawFeature], geometries: list[Any], crs_name: str) -> None:
    box = (-180.0, -90.0, 180.0, 90.0) if crs_name == WGS84 else _L93_BOUNDS
    for feature, geometry in zip(features, geometries, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        min_x, min_y, max_x, max_y = geometry.bounds
        if min_x < box[0] or min_y < box[1] or max_x > box[2] or max_y > box[3]:
            feature.error = (
                f"coordonnées hors de l'emprise de {crs_name} ({min_x:.6g}, {min_y:.6g}) : le "
                "système déclaré par le fichier ne correspond pas aux coordonnées (un GeoJSON "
                "sans membre « crs » est lu en WGS84, RFC 7946)"
            )


def _to_wgs84(geometries: list[Any]) -> list[Any]:
    transformer = Transformer.from_crs("EPSG:2154", "OGC:CRS84", always_xy=True)
    array = np.array(geometries, dtype=object)
    present = np.array([g is not None for g in geometries], dtype=bool)
    if present.any():
        array[present] = shapely.transform(
            array[present], lambda x, y: transformer.transform(x, y), interleaved=False
        )
    return list(array)
