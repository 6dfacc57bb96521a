"""Server-rendered SVG gauges and trajectory charts, readable without colour: every mark has
its value written beside it, series differ by line style and marker shape, not by colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape

from quartiers.programmes.status import Point
from quartiers.shared.formatting import number_fr

FONT = 'font-family="Marianne, Arial, sans-serif"'


def value_unit(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "non renseigné"
    text = number_fr(value, max_decimals=1)
    return f"{text}\u00a0%" if unit == "%" else f"{text} {unit}"


@dataclass(frozen=True)
class Gauge:
    slug: str
    title: str
    fraction: float | None  # share of the way from start to target, 0..1 (clamped when drawn)
    value_label: str
    start_label: str
    target_label: str
    marker: float | None = None  # where the value should be today, 0..1
    marker_label: str = ""


def gauge_svg(gauge: Gauge, *, width: int = 420, compact: bool = False) -> str:
    """`compact`: a narrower gauge for table cells (the expected-value note stays in <desc>)."""
    if compact:
        width = 260
    track_x, track_w, y = 4, width - 8, 30
    height = 70 if compact or not gauge.marker_label else 92
    hatch = f"{gauge.slug}-hatch"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{gauge.slug}-t {gauge.slug}-d" class="q-gauge" '
        f'data-testid="gauge" {FONT} font-size="12">',
        f'<title id="{gauge.slug}-t">{escape(gauge.title)}</title>',
        f'<desc id="{gauge.slug}-d">{escape(gauge.value_label)} ; '
        f"échelle de {escape(gauge.start_label)} à l'objectif {escape(gauge.target_label)}"
        + (f" ; {escape(gauge.marker_label)}" if gauge.marker_label else "")
        + "</desc>",
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e3e3fd"/>'
        '<rect width="3" height="6" fill="#000091"/></pattern></defs>',
        f'<text x="{track_x}" y="16" font-weight="bold" font-size="13">'
        f"{escape(gauge.value_label)}</text>",
        f'<rect x="{track_x}" y="{y}" width="{track_w}" height="18" fill="#fff" '
        'stroke="#161616" stroke-width="1"/>',
    ]
    if gauge.fraction is not None:
        filled = max(0.0, min(1.0, gauge.fraction)) * track_w
        parts.append(
            f'<rect x="{track_x}" y="{y}" width="{filled:.1f}" height="18" fill="url(#{hatch})" '
            'stroke="#000091" stroke-width="1"/>'
        )
    if gauge.marker is not None:
        mx = track_x + max(0.0, min(1.0, gauge.marker)) * track_w
        parts.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{y - 6}" y2="{y + 24}" stroke="#161616" '
            'stroke-width="2" stroke-dasharray="3 2"/>'
        )
    parts += [
        f'<text x="{track_x}" y="{y + 34}">{escape(gauge.start_label)}</text>',
        f'<text x="{track_x + track_w}" y="{y + 34}" text-anchor="end">'
        f"objectif : {escape(gauge.target_label)}</text>",
    ]
    if gauge.marker_label and not compact:
        parts.append(
            f'<text x="{track_x}" y="{y + 52}" font-size="11" fill="#3a3a3a">'
            f"┆ {escape(gauge.marker_label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class TrajectoryChart:
    slug: str
    title: str
    unit: str
    start: Point | None
    target: Decimal | None
    deadline: date | None
    observations: list[Point]
    today: date
    threshold: bool = False


WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 90, 30, 44, 90


def _target_legend(chart: TrajectoryChart) -> str:
    if chart.threshold:
        return "seuil à respecter"
    if chart.start and chart.deadline:
        return "trajectoire attendue (départ → objectif)"
    return "objectif (trajectoire non calculable : départ non renseigné)"


def _short(text: str, limit: int = 90) -> str:
    """SVG text does not wrap: long titles are cut (the full one is in <title>)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ordinal(day: date) -> int:
    return day.toordinal()


def trajectory_svg(chart: TrajectoryChart) -> str:
    dates = [p.on for p in chart.observations] + [chart.today]
    values = [p.value for p in chart.observations]
    if chart.start:
        dates.append(chart.start.on)
        values.append(chart.start.value)
    if chart.deadline:
        dates.append(chart.deadline)
    if chart.target is not None:
        values.append(chart.target)
    x0, x1 = _ordinal(min(dates)), _ordinal(max(dates))
    if x1 == x0:
        x1 = x0 + 365
    pad = max(15, (x1 - x0) // 25)  # keeps the first and last marks off the axes
    x0, x1 = x0 - pad, x1 + pad
    top_value = max([*values, Decimal(0)]) * Decimal("1.15") or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(day: date) -> float:
        return LEFT + (_ordinal(day) - x0) / (x1 - x0) * plot_w

    def py(value: Decimal) -> float:
        return TOP + plot_h - float(value / top_value) * plot_h

    points_text = "; ".join(
        f"{p.on:%d/%m/%Y} : {value_unit(p.value, chart.unit)}" for p in chart.observations
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{chart.slug}-t {chart.slug}-d" class="q-chart" '
        f'data-testid="trajectory" {FONT} font-size="12">',
        f'<title id="{chart.slug}-t">{escape(chart.title)}</title>',
        f'<desc id="{chart.slug}-d">Valeurs constatées : {escape(points_text or "aucune")}. '
        f"Objectif : {escape(value_unit(chart.target, chart.unit))}"
        + (f" au {chart.deadline:%d/%m/%Y}" if chart.deadline else "")
        + ".</desc>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<text x="0" y="20" font-size="15" font-weight="bold">{escape(_short(chart.title))}'
        "</text>",
    ]
    for step in range(5):  # horizontal grid and value axis
        value = top_value * step / 4
        y = py(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number_fr(value, max_decimals=1))}</text>"
        )
    for year in range(date.fromordinal(x0).year, date.fromordinal(x1).year + 2):
        tick = date(year, 1, 1)
        if x0 <= _ordinal(tick) <= x1:
            x = px(tick)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 5}" '
                f'stroke="#161616"/><text x="{x:.1f}" y="{TOP + plot_h + 18}" '
                f'text-anchor="middle">{year}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#161616"/>'
        f'<text x="{LEFT - 6}" y="{TOP - 10}" text-anchor="end">{escape(chart.unit)}</text>'
    )
    tx = px(chart.today)
    near_right = tx > WIDTH - RIGHT - 70
    parts.append(
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#666" '
        f'stroke-dasharray="1 3"/><text x="{tx - 3 if near_right else tx + 3:.1f}" '
        f'y="{TOP + plot_h - 6}" fill="#3a3a3a" font-size="11" '
        f'text-anchor="{"end" if near_right else "start"}">aujourd\'hui</text>'
    )
    if chart.target is not None:
        ty = py(chart.target)
        if chart.threshold or not (chart.start and chart.deadline):
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
                'stroke="#161616" stroke-width="2" stroke-dasharray="8 5"/>'
            )
        else:
            parts.append(
                f'<line x1="{px(chart.start.on):.1f}" y1="{py(chart.start.value):.1f}" '
                f'x2="{px(chart.deadline):.1f}" y2="{ty:.1f}" stroke="#161616" stroke-width="2" '
                'stroke-dasharray="8 5"/>'
            )
        gx = px(chart.deadline) if chart.deadline else WIDTH - RIGHT
        if chart.deadline:
            parts.append(
                f'<path d="M{gx:.1f} {ty - 7:.1f} l7 7 l-7 7 l-7 -7 z" fill="#fff" '
                'stroke="#161616" stroke-width="2"/>'
            )
        word = "seuil" if chart.threshold else "objectif"
        parts.append(
            f'<text x="{gx - 10:.1f}" y="{ty - 10:.1f}" text-anchor="end">'
            f"{word} : {escape(value_unit(chart.target, chart.unit))}</text>"
        )
    if len(chart.observations) > 1:
        path = " ".join(f"{px(p.on):.1f},{py(p.value):.1f}" for p in chart.observations)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#000091" stroke-width="2"/>')
    for p in chart.observations:
        x, y = px(p.on), py(p.value)
        parts.append(
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#000091" '
            f'stroke="#161616"/><text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" '
            f'font-weight="bold">{escape(number_fr(p.value, max_decimals=1))}</text>'
        )
    ly = HEIGHT - 40
    parts += [
        f'<line x1="{LEFT}" x2="{LEFT + 36}" y1="{ly}" y2="{ly}" stroke="#161616" '
        'stroke-width="2" stroke-dasharray="8 5"/>',
        f'<text x="{LEFT + 44}" y="{ly + 4}">' + _target_legend(chart) + "</text>",
        f'<rect x="{LEFT + 13}" y="{ly + 15}" width="10" height="10" fill="#000091" '
        'stroke="#161616"/>',
        f'<text x="{LEFT + 44}" y="{ly + 24}">valeurs constatées</text>',
        "</svg>",
    ]
    return "".join(parts)
