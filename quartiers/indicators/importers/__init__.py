"""Indicator imports: SIG Ville-style wide file, generic long CSV, catalogue CSV."""

from quartiers.indicators.importers.service import (
    IndicatorImportSummary,
    import_nord_indicators,
    indicators_import,
)

__all__ = ["IndicatorImportSummary", "import_nord_indicators", "indicators_import"]
