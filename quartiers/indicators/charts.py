"""Moved to `quartiers.shared.charts` (compatibility names)."""

from quartiers.shared.charts import Bar, Chart, chart_csv, chart_svg

__all__ = ["Bar", "Chart", "chart_csv", "chart_svg"]
