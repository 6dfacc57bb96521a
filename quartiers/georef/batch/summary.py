"""The summary of a georeferenced file: counts by status and by QPV, first errors, chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from quartiers.georef.batch.results import (
    REMARK_SWAPPED,
    STATUS_IN,
    STATUS_KEYS,
    STATUS_TEXT,
    STATUS_UNCERTAIN,
    Located,
)

MAX_ERRORS = 100


@dataclass
class Summary:
    rows: int = 0
    by_status: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(STATUS_KEYS.values(), 0)
    )
    in_by_qpv: dict[str, int] = field(default_factory=dict)
    uncertain_by_qpv: dict[str, int] = field(default_factory=dict)
    swapped: int = 0
    blank_lines: int = 0  # blank lines of the input, skipped (not in ``rows``)
    error_count: int = 0
    errors: list[str] = field(default_factory=list)  # the first MAX_ERRORS, "ligne N, colonne…"
    warnings: list[str] = field(default_factory=list)

    def add(self, located: Located, codes: np.ndarray) -> None:
        self.rows += len(located.status)
        counts = np.bincount(located.status, minlength=len(STATUS_KEYS))
        for status, key in STATUS_KEYS.items():
            self.by_status[key] += int(counts[status])
        self.swapped += int(np.count_nonzero(located.remark == REMARK_SWAPPED))
        for status, target in (
            (STATUS_IN, self.in_by_qpv),
            (STATUS_UNCERTAIN, self.uncertain_by_qpv),
        ):
            primary = located.primary[(located.status == status) & (located.primary >= 0)]
            if len(primary):
                per = np.bincount(primary, minlength=len(codes))
                for p in np.flatnonzero(per).tolist():
                    code = str(codes[p])
                    target[code] = target.get(code, 0) + int(per[p])

    def error_add(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "by_status": dict(self.by_status),
            "in_by_qpv": dict(sorted(self.in_by_qpv.items())),
            "uncertain_by_qpv": dict(sorted(self.uncertain_by_qpv.items())),
            "swapped": self.swapped,
            "blank_lines": self.blank_lines,
            "error_count": self.error_count,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Summary:
        summary = cls()
        if not data:
            return summary
        summary.rows = int(data.get("rows", 0))
        summary.by_status.update(data.get("by_status", {}))
        summary.in_by_qpv = dict(data.get("in_by_qpv", {}))
        summary.uncertain_by_qpv = dict(data.get("uncertain_by_qpv", {}))
        summary.swapped = int(data.get("swapped", 0))
        summary.blank_lines = int(data.get("blank_lines", 0))
        summary.error_count = int(data.get("error_count", 0))
        summary.errors = list(data.get("errors", []))
        summary.warnings = list(data.get("warnings", []))
        return summary

    def lines_fr(self) -> list[str]:
        """The summary in plain French (CLI, job page)."""
        labels = {STATUS_KEYS[s]: text for s, text in STATUS_TEXT.items()}
        lines = [f"{self.rows} lignes traitées."]
        lines += [f"  {labels[k]} : {n}" for k, n in self.by_status.items() if n]
        if self.swapped:
            lines.append(f"  dont longitude/latitude inversées corrigées : {self.swapped}")
        if self.blank_lines:
            lines.append(f"{self.blank_lines} ligne(s) vide(s) ignorée(s).")
        for code, n in sorted(self.in_by_qpv.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {code} : {n}")
        if self.error_count:
            lines.append(f"{self.error_count} ligne(s) en erreur, par exemple :")
            lines += [f"  {e}" for e in self.errors[:10]]
        lines += self.warnings
        return lines


def summary_chart_svg(*, summary: Summary, names: dict[str, str], limit: int = 30) -> str:
    """Horizontal bars: rows in QPV per QPV code (the `limit` largest), then the other
    statuses, as the indicators' accessible SVG chart."""
    from quartiers.shared.charts import Bar, Chart, chart_svg

    bars = [
        Bar(label=f"{code} {names.get(code, '')}".strip(), value=Decimal(n))
        for code, n in sorted(summary.in_by_qpv.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    ]
    labels = {STATUS_KEYS[s]: text for s, text in STATUS_TEXT.items()}
    bars += [
        Bar(label=labels[key][:1].upper() + labels[key][1:], value=Decimal(n), series=1)
        for key, n in summary.by_status.items()
        if key != "in" and n
    ]
    chart = Chart(
        slug="georef-summary",
        title="Lignes du fichier par QPV et par statut",
        unit="",
        bars=bars,
        legend=["En QPV (par quartier)", "Autres statuts"],
    )
    return chart_svg(chart)
