"""The static map of the report: server-side SVG drawn from the stored contours.

Contours (WGS84) are projected to Lambert-93 (EPSG:2154, metres) with pyproj, simplified for
display with shapely (never stored), and written as SVG paths: the département, its
arrondissements and the QPV, NPNRU « intérêt national » hatched, the others filled plain. The
status used is the confirmed one when known, otherwise the estimate, which the legend flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.html import escape
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from quartiers.geography.models import QPV, Arrondissement, Departement, NpnruStatus

TO_LAMBERT93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
FONT = 'font-family="Marianne, Arial, sans-serif"'
BLUE, RED, GREY = "#000091", "#c9191e", "#666666"
# Display tolerances in metres (Lambert-93): about half a pixel at each map's scale.
OUTLINE_TOLERANCE = 150.0
QPV_TOLERANCE = 20.0


@dataclass(frozen=True)
class MapShape:
    geometry: BaseGeometry  # Lambert-93
    label: str
    national: bool = False
    estimated: bool = False
    place: str = ""  # first commune of a QPV, for the zoom's labels


@dataclass(frozen=True)
class MapLayers:
    departement: MapShape | None
    arrondissements: list[MapShape]
    qpvs: list[MapShape]

    @property
    def estimated_count(self) -> int:
        return sum(1 for q in self.qpvs if q.estimated)


def _project(wkb: bytes | memoryview | None, tolerance: float) -> BaseGeometry | None:
    if not wkb:
        return None
    geometry = shapely.from_wkb(bytes(wkb))

    def forward(xy: np.ndarray) -> np.ndarray:
        x, y = TO_LAMBERT93.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    projected = shapely.transform(geometry, forward)
    return shapely.simplify(projected, tolerance, preserve_topology=True)


def map_layers_load(*, departement_code: str, generation: int = 2024) -> MapLayers:
    departement = Departement.objects.filter(insee_code=departement_code).first()
    outline = None
    if departement is not None:
        geometry = _project(departement.contour_wkb, OUTLINE_TOLERANCE)
        outline = MapShape(geometry, departement.name) if geometry is not None else None
    arrondissements = [
        MapShape(geometry, a.name)
        for a in Arrondissement.objects.filter(departement__insee_code=departement_code)
        if (geometry := _project(a.contour_wkb, OUTLINE_TOLERANCE)) is not None
    ]
    qpvs = [
        MapShape(
            geometry,
            f"{q.name} ({q.code})",
            national=q.npnru_is_national,
            estimated=q.npnru_status == NpnruStatus.UNKNOWN and bool(q.npnru_estimate),
            place=next((c.name for c in q.communes.all()), ""),
        )
        for q in QPV.objects.filter(
            generation=generation, departement_code=departement_code
        ).prefetch_related("communes")
        if (geometry := _project(q.contour_wkb, QPV_TOLERANCE)) is not None
    ]
    return MapLayers(outline, arrondissements, qpvs)


@dataclass(frozen=True)
class Frame:
    """Lambert-93 extent drawn into a `width` × `height` pixel box."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float
    width: int

    @property
    def scale(self) -> float:
        return self.width / (self.max_x - self.min_x)

    @property
    def height(self) -> int:
        return round((self.max_y - self.min_y) * self.scale)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.min_x) * self.scale, (self.max_y - y) * self.scale


def frame_fit(*, bounds: tuple[float, float, float, float], width: int, margin: float) -> Frame:
    min_x, min_y, max_x, max_y = bounds
    return Frame(min_x - margin, min_y - margin, max_x + margin, max_y + margin, width)


def _path(geometry: BaseGeometry, frame: Frame) -> str:
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = [frame.point(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in coords) + "Z")
    return "".join(parts)


def _defs(slug: str) -> str:
    return (
        f'<defs><pattern id="{slug}-hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="4" height="4" fill="#ffffff"/>'
        f'<rect width="2.2" height="4" fill="{RED}"/></pattern></defs>'
    )


def _qpv_paths(layers: MapLayers, frame: Frame, slug: str, stroke: float) -> list[str]:
    box = shapely.box(frame.min_x, frame.min_y, frame.max_x, frame.max_y)
    paths = []
    for shape in layers.qpvs:
        if not shape.geometry.intersects(box):
            continue
        fill = f"url(#{slug}-hatch)" if shape.national else BLUE
        colour = RED if shape.national else BLUE
        paths.append(
            f'<path d="{_path(shape.geometry, frame)}" fill="{fill}" stroke="{colour}" '
            f'stroke-width="{stroke}" fill-rule="evenodd"><title>{escape(shape.label)}</title>'
            "</path>"
        )
    return paths


def _arrondissement_points(layers: MapLayers) -> list[tuple[str, float, float, str]]:
    points = [(a.label, a.geometry.representative_point()) for a in layers.arrondissements]
    return [(label, p.x, p.y, "middle") for label, p in points]


def _place_points(layers: MapLayers, frame: Frame) -> list[tuple[str, float, float, str]]:
    """Communes with at least two QPV inside the frame, at the centre of their QPV."""
    box = shapely.box(frame.min_x, frame.min_y, frame.max_x, frame.max_y)
    groups: dict[str, list[BaseGeometry]] = {}
    for shape in layers.qpvs:
        if shape.place and shape.geometry.within(box):
            groups.setdefault(shape.place, []).append(shape.geometry)
    points = []
    for place, geometries in sorted(groups.items()):
        if len(geometries) >= 2:
            # Right of the commune's QPV, so that the label hides none of them.
            _min_x, min_y, max_x, max_y = shapely.union_all(geometries).bounds
            points.append((place, max_x + 250, (min_y + max_y) / 2, "start"))
    return points


def _labels(points: list[tuple[str, float, float, str]], frame: Frame) -> str:
    parts = [f'<g {FONT} font-size="13" fill="#161616">']
    for label, px, py, anchor in points:
        x, y = frame.point(px, py)
        text, at = escape(label), f'x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}"'
        # A white halo drawn first, then the text (paint-order is not supported everywhere).
        parts.append(
            f'<text {at} stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round">{text}'
            f"</text><text {at}>{text}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _scale_bar(frame: Frame, km: int) -> str:
    length = km * 1000 * frame.scale
    x, y = 12, frame.height - 14
    return (
        f'<g {FONT} font-size="11"><rect x="{x}" y="{y}" width="{length:.1f}" height="5" '
        f'fill="#161616"/><rect x="{x + length / 2:.1f}" y="{y}" width="{length / 2:.1f}" '
        f'height="5" fill="#ffffff" stroke="#161616" stroke-width="0.8"/>'
        f'<text x="{x}" y="{y - 4}">0</text>'
        f'<text x="{x + length:.1f}" y="{y - 4}" text-anchor="end">{km} km</text></g>'
    )


def map_svg(
    *, layers: MapLayers, frame: Frame, slug: str, title: str, labels: bool, scale_km: int
) -> str:
    """One map as an SVG string (département outline, arrondissements, QPV)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" role="img" aria-labelledby="{slug}-title" class="q-report-map" '
        f'data-testid="report-map">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        _defs(slug),
        f'<rect width="{frame.width}" height="{frame.height}" fill="#f6f6f6"/>',
    ]
    if layers.departement is not None:
        parts.append(
            f'<path d="{_path(layers.departement.geometry, frame)}" fill="#ffffff" stroke="none"/>'
        )
    for shape in layers.arrondissements:
        parts.append(
            f'<path d="{_path(shape.geometry, frame)}" fill="none" stroke="{GREY}" '
            'stroke-width="0.8" stroke-dasharray="4 2"/>'
        )
    if layers.departement is not None:
        parts.append(
            f'<path d="{_path(layers.departement.geometry, frame)}" fill="none" '
            'stroke="#161616" stroke-width="1.6"/>'
        )
    parts += _qpv_paths(layers, frame, slug, stroke=0.7 if labels else 0.9)
    if labels:
        parts.append(_labels(_arrondissement_points(layers), frame))
    else:
        parts.append(_labels(_place_points(layers, frame), frame))
    parts.append(_scale_bar(frame, scale_km))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class ReportMaps:
    overview: str
    zoom: str
    zoom_label: str
    qpv_count: int
    national_count: int
    estimated_count: int


def report_maps_build(*, departement_code: str, zoom_arrondissement: str = "Lille") -> ReportMaps:
    """The département map and a zoom on the densest arrondissement's QPV."""
    layers = map_layers_load(departement_code=departement_code)
    if layers.departement is not None:
        bounds = layers.departement.geometry.bounds
    elif layers.qpvs:
        bounds = shapely.union_all([q.geometry for q in layers.qpvs]).bounds
    else:
        return ReportMaps("", "", "", 0, 0, 0)
    overview = map_svg(
        layers=layers,
        frame=frame_fit(bounds=bounds, width=800, margin=3000),
        slug="map-dep",
        title="Carte des quartiers prioritaires du département",
        labels=True,
        scale_km=20,
    )
    zoom_area = next((a for a in layers.arrondissements if a.label == zoom_arrondissement), None)
    zoom = ""
    if zoom_area is not None:
        inside = [q.geometry for q in layers.qpvs if q.geometry.intersects(zoom_area.geometry)]
        if inside:
            zoom = map_svg(
                layers=layers,
                frame=frame_fit(bounds=shapely.union_all(inside).bounds, width=800, margin=1500),
                slug="map-zoom",
                title=f"Zoom sur les quartiers prioritaires de l'arrondissement de "
                f"{zoom_arrondissement}",
                labels=False,
                scale_km=5,
            )
    return ReportMaps(
        overview=overview,
        zoom=zoom,
        zoom_label=zoom_arrondissement if zoom else "",
        qpv_count=len(layers.qpvs),
        national_count=sum(1 for q in layers.qpvs if q.national),
        estimated_count=layers.estimated_count,
    )
