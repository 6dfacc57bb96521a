"""Moved to `quartiers.shared.exports` (compatibility names)."""

from quartiers.shared.exports import (
    CSV_CONTENT_TYPE,
    EXPORT_FORMATS,
    GEOJSON_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    cell_neutralise,
    csv_response,
    geojson_response,
    table_response,
    xlsx_response,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "EXPORT_FORMATS",
    "GEOJSON_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "cell_neutralise",
    "csv_response",
    "geojson_response",
    "table_response",
    "xlsx_response",
]
