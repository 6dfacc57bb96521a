"""Who may use batch georeferencing, whose jobs a user sees, and the result download (shared
by the « Géoréférencer un fichier » pages and the API)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest

from quartiers.core.access import Perm, user_can
from quartiers.georef.job_models import GeorefJob, JobStatus
from quartiers.shared.formatting import size_text

__all__ = ["size_text"]  # imported from here by the views

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def can_georeference_files(user) -> bool:
    """Logged-in préfecture staff, délégués and partners (docs/roles.md: internal pages);
    associations and the public cannot (uploads hold personal data)."""
    return user_can(user, Perm.VIEW_INTERNAL)


# Room for the multipart envelope and the other form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


def upload_too_large(request: HttpRequest) -> str:
    """A French message when the request body announces more than GEOREF_MAX_UPLOAD_BYTES,
    checked before Django reads (and spools to disk) a 1 GB upload; "" otherwise."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    limit = int(settings.GEOREF_MAX_UPLOAD_BYTES)
    if length <= limit + MULTIPART_OVERHEAD:
        return ""
    return (
        f"Fichier trop volumineux ({size_text(length)}) : la limite est de {size_text(limit)} "
        "par fichier. Découpez-le en plusieurs fichiers."
    )


def job_for_user(*, user, job_id: uuid.UUID | str) -> GeorefJob:
    """The user's own job; anybody else's (or an unknown id) is a 404, never a 403, so that
    job ids reveal nothing."""
    try:
        return GeorefJob.objects.get(pk=job_id, owner=user)
    except (GeorefJob.DoesNotExist, ValueError) as exc:
        raise Http404("Traitement introuvable.") from exc


def jobs_of_user(*, user):
    return GeorefJob.objects.filter(owner=user).order_by("-created_at")


def result_ready(job: GeorefJob) -> bool:
    return job.status == JobStatus.DONE and Path(job.output_path).is_file()


def result_filename(job: GeorefJob) -> str:
    stem = Path(job.original_name).stem or "fichier"
    return f"{stem}_qpv{Path(job.output_path).suffix}"


def result_response(job: GeorefJob) -> FileResponse:
    path = Path(job.output_path)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=result_filename(job),
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
    )
