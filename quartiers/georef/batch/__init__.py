"""Georeference whole files (CSV, XLSX): reading, column detection, chunked pipeline, output.

from quartiers.georef.batch import BatchOptions, file_georeference
summary = file_georeference(source=Path("in.csv"), output=Path("out.csv"),
                            options=BatchOptions(generation=2024))
"""

from quartiers.georef.batch.errors import BatchInputError
from quartiers.georef.batch.pipeline import (
    BatchOptions,
    Checkpoint,
    JobCancelled,
    file_georeference,
    part_path,
    rows_count,
)
from quartiers.georef.batch.summary import Summary, summary_chart_svg

__all__ = [
    "BatchInputError",
    "BatchOptions",
    "Checkpoint",
    "JobCancelled",
    "Summary",
    "file_georeference",
    "part_path",
    "rows_count",
    "summary_chart_svg",
]
