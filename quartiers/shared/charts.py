"""Server-rendered SVG bar charts, readable without colour (patterns, value labels).

Each chart is also downloadable as SVG and its data as CSV (`;`, UTF-8 with BOM, as Excel
expects). No JavaScript library: the SVG is inline in the page.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape

from quartiers.shared.formatting import value_fr

WIDTH = 760
LABEL_WIDTH = 300
VALUE_WIDTH = 150
ROW = 24
BAR = 16
TOP = 44
# Series are told apart by pattern, not colour alone: solid, hatched, dotted.
PATTERNS = ("url(#q-solid)", "url(#q-hatch)", "url(#q-dots)")
_DEFS = (
    '<defs><pattern id="q-solid" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<rect width="4" height="4" fill="#000091"/></pattern>'
    '<pattern id="q-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
    '<rect width="3" height="6" fill="#c9191e"/></pattern>'
    '<pattern id="q-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.8" fill="#18753c"/>'
    "</pattern></defs>"
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    series: int = 0
    suppressed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    unit: str
    bars: list[Bar]
    legend: list[str] = field(default_factory=list)
    source: str = ""

    def display(self, bar: Bar) -> str:
        text = value_fr(bar.value, unit=self.unit, suppressed=bar.suppressed, max_decimals=1)
        if self.unit and self.unit != "%" and bar.value is not None:
            text = f"{text} {self.unit}"
        return f"{text} ({bar.note})" if bar.note else text


def chart_svg(chart: Chart) -> str:
    legend_rows = len(chart.legend) if len(chart.legend) > 1 else 0
    source_lines = len(_wrap(f"Source : {chart.source}" if chart.source else ""))
    height = TOP + ROW * len(chart.bars) + 22 * legend_rows + 20 + 14 * source_lines
    maximum = max(
        (b.value for b in chart.bars if b.value is not None and b.value > 0), default=Decimal(1)
    )
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
    title_id = f"{chart.slug}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id}" class="q-chart" '
        f'font-family="Marianne, Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        _DEFS,
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        f'<text x="0" y="20" font-size="15" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for index, bar in enumerate(chart.bars):
        y = TOP + index * ROW
        label = bar.label if len(bar.label) <= 44 else bar.label[:43] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 12}" text-anchor="end">'
            f"<title>{escape(bar.label)}</title>{escape(label)}</text>"
        )
        length = 0.0
        if bar.value is not None and bar.value > 0:
            length = max(1.0, float(bar.value / maximum) * span)
            pattern = PATTERNS[bar.series % len(PATTERNS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                f'height="{BAR}" fill="{pattern}" stroke="#161616" '
                'stroke-width="0.5"/>'
            )
        style = ' font-style="italic"' if bar.value is None else ""
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 12}"{style}>'
            f"{escape(chart.display(bar))}</text>"
        )
    y = TOP + ROW * len(chart.bars) + 8
    if legend_rows:
        for index, name in enumerate(chart.legend):
            pattern = PATTERNS[index % len(PATTERNS)]
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="28" height="14" '
                f'fill="{pattern}" stroke="#161616" stroke-width="0.5"/>'
                f'<text x="{LABEL_WIDTH + 36}" y="{y + 12}">{escape(name)}</text>'
            )
            y += 22
    for number, line in enumerate(_wrap(f"Source : {chart.source}" if chart.source else "")):
        parts.append(
            f'<text x="0" y="{y + 18 + 14 * number}" font-size="11" fill="#3a3a3a">'
            f"{escape(line)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _wrap(text: str, width: int = 120) -> list[str]:
    """Lines of at most `width` characters (SVG text does not wrap by itself)."""
    return textwrap.wrap(text, width=width) if text else []


def chart_csv(chart: Chart) -> str:
    """The chart's data: `;`-separated, UTF-8 with BOM, decimal comma (Excel in French)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    series = len(chart.legend) > 1
    writer.writerow(["libellé", *(["série"] if series else []), "valeur", "unité", "remarque"])
    for bar in chart.bars:
        value = "" if bar.value is None else f"{bar.value.normalize():f}".replace(".", ",")
        note = "secret statistique" if bar.suppressed else bar.note
        legend = [chart.legend[bar.series]] if series else []
        writer.writerow([bar.label, *legend, value, chart.unit, note])
    if chart.source:
        writer.writerow([f"Source : {chart.source}"])
    return "\ufeff" + buffer.getvalue()
