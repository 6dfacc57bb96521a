"""Georeferencing pages: « Vérifier une adresse » (public) and « Géoréférencer un fichier »."""

from quartiers.georef.views.files import (
    file_columns,
    file_page,
    job_cancel_view,
    job_detail,
    job_result,
    job_resume_view,
    job_status,
)
from quartiers.georef.views.verify import verify_page

__all__ = [
    "file_columns",
    "file_page",
    "job_cancel_view",
    "job_detail",
    "job_result",
    "job_resume_view",
    "job_status",
    "verify_page",
]
