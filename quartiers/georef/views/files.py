"""« Géoréférencer un fichier »: upload, column mapping, job page with live progress, cancel,
summary, result download. Logged-in préfecture staff, délégués and partners; a user sees only
their own jobs (404 otherwise)."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from quartiers.core.permissions import internal_required
from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.core.uploads.tempfiles import DEPOSIT_MAX_AGE_S, deposits_dir
from quartiers.geography.models import QPV
from quartiers.georef.batch import BatchInputError, BatchOptions, Summary, summary_chart_svg
from quartiers.georef.batch.columns import ColumnMapping, columns_detect
from quartiers.georef.batch.readers import source_inspect
from quartiers.georef.batch.results import result_columns_doc
from quartiers.georef.forms import ColumnsForm, UploadForm
from quartiers.georef.job_access import (
    job_for_user,
    jobs_of_user,
    result_filename,
    result_ready,
    result_response,
    size_text,
    upload_too_large,
)
from quartiers.georef.jobs.services import job_cancel, job_create, job_retry
from quartiers.georef.loader import GeorefError

SESSION_KEY = "georef_deposits"


def _deposits_root() -> Path:
    """In the private upload-temp directory: never backed up, purged (core/uploads)."""
    return deposits_dir()


def _deposits_prune() -> None:
    """Delete abandoned uploads (personal data) older than a day."""
    root = _deposits_root()
    if not root.is_dir():
        return
    limit = time.time() - DEPOSIT_MAX_AGE_S  # the periodic purge applies the same age
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


@upload_limit("GEOREF_MAX_UPLOAD_BYTES")
@csrf_exempt  # the CSRF check reads the body: first refuse an announced oversized upload
@internal_required
def file_page(request: HttpRequest) -> HttpResponse:
    """Step 1: upload the file (kept aside until its columns are confirmed)."""
    too_large = upload_too_large(request) if request.method == "POST" else ""
    if too_large:
        return _upload_render(request, UploadForm(), status=413, error=too_large)
    return _file_upload(request)


@csrf_protect
def _file_upload(request: HttpRequest) -> HttpResponse:
    refused = upload_refusal(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    limit = int(settings.GEOREF_MAX_UPLOAD_BYTES)
    if refused:
        form = UploadForm(request.POST, request.FILES)
        form.is_valid()
        form.errors["fichier"] = form.error_class([refused])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        if upload.size > limit:
            form.add_error(
                "fichier",
                f"Fichier trop volumineux ({size_text(upload.size)}) : la limite est de "
                f"{size_text(limit)}. Découpez-le en plusieurs fichiers.",
            )
        else:
            _deposits_prune()
            token = uuid.uuid4().hex
            folder = _deposits_root() / token
            folder.mkdir(parents=True)
            suffix = Path(upload.name).suffix.lower()[:6] or ".csv"
            path = folder / f"depot{suffix}"
            _deposit_keep(upload, path)
            try:
                source_inspect(path=path, header_line=form.header_line())
            except BatchInputError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                form.add_error("fichier", f"Fichier illisible : {exc}")
            else:
                deposits = request.session.get(SESSION_KEY, {})
                deposits[token] = {
                    "name": upload.name[:255],
                    "path": str(path),
                    "header_line": form.header_line(),
                }
                request.session[SESSION_KEY] = deposits
                return redirect("georef:file_columns", token=token)
    return _upload_render(request, form)


def _deposit_keep(upload, path: Path) -> None:
    """The streamed upload becomes the deposit: a hard link (no copy) when possible."""
    try:
        os.link(upload.temporary_file_path(), path)
    except OSError:
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    upload.close()


def _upload_render(
    request: HttpRequest, form: UploadForm, *, status: int = 200, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "georef/file_upload.html",
        {
            "title": "Géoréférencer un fichier",
            "breadcrumb": [("Géoréférencer un fichier", None)],
            "form": form,
            "error": error,
            "jobs": jobs_of_user(user=request.user)[:20],
            "limit_text": size_text(int(settings.GEOREF_MAX_UPLOAD_BYTES)),
            "retention_days": settings.GEOREF_RETENTION_DAYS,
            "result_columns": result_columns_doc(),
        },
        status=status,
    )


@internal_required
def file_columns(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: check the detected columns, choose the generation and format, start the job."""
    deposit = request.session.get(SESSION_KEY, {}).get(token)
    if not deposit or not Path(deposit["path"]).is_file():
        messages.warning(request, "Ce dépôt a expiré : déposez le fichier à nouveau.")
        return redirect("georef:file")
    path = Path(deposit["path"])
    header_line = int(deposit.get("header_line", 1))
    info = source_inspect(path=path, header_line=header_line)
    mapping: ColumnMapping | None
    detect_error = ""
    try:
        mapping = columns_detect(header=info.header)
    except BatchInputError as exc:
        mapping, detect_error = None, str(exc)
    initial = {
        "generation": str(settings.QPV_GENERATION),
        "output_format": "csv",
        "column_names": "fr",
    }
    form = ColumnsForm(request.POST or None, header=info.header, mapping=mapping, initial=initial)
    if request.method == "POST" and form.is_valid():
        options = BatchOptions(
            generation=int(form.cleaned_data["generation"]),
            columns=form.overrides(),
            output_format=form.cleaned_data["output_format"],
            column_names=form.cleaned_data["column_names"] or "fr",
            header_line=header_line,
        )
        try:
            with path.open("rb") as upload:
                job = job_create(
                    owner=request.user,
                    upload=upload,
                    original_name=deposit["name"],
                    options=options,
                )
        except (BatchInputError, GeorefError) as exc:
            form.add_error(None, str(exc))
        else:
            shutil.rmtree(path.parent, ignore_errors=True)
            deposits = request.session.get(SESSION_KEY, {})
            deposits.pop(token, None)
            request.session[SESSION_KEY] = deposits
            return redirect("georef:job_detail", job_id=job.id)
    return render(
        request,
        "georef/file_columns.html",
        {
            "title": "Colonnes du fichier",
            "breadcrumb": [
                ("Géoréférencer un fichier", reverse("georef:file")),
                ("Colonnes", None),
            ],
            "form": form,
            "name": deposit["name"],
            "info": info,
            "mapping_text": mapping.describe(info.header) if mapping else "",
            "detect_error": detect_error,
            "result_columns": result_columns_doc(),
        },
    )


def _own_job(view):
    @wraps(view)
    def wrapper(request: HttpRequest, job_id: uuid.UUID, *args, **kwargs):
        job = job_for_user(user=request.user, job_id=job_id)
        return view(request, job, *args, **kwargs)

    return internal_required(wrapper)


@_own_job
def job_detail(request: HttpRequest, job) -> HttpResponse:
    summary = Summary.from_dict(job.summary) if job.summary else None
    chart = qpv_rows = None
    if summary is not None:
        names = dict(
            QPV.objects.of_generation(job.options.get("generation") or settings.QPV_GENERATION)
            .filter(code__in=[*summary.in_by_qpv, *summary.uncertain_by_qpv])
            .values_list("code", "name")
        )
        short = {code: _short(name) for code, name in names.items()}  # the chart's label width
        chart = mark_safe(summary_chart_svg(summary=summary, names=short))  # noqa: S308 (escaped SVG)
        qpv_rows = [
            (code, names.get(code, ""), n, summary.uncertain_by_qpv.get(code, 0))
            for code, n in sorted(summary.in_by_qpv.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return render(
        request,
        "georef/job_detail.html",
        {
            "title": f"Géoréférencement de {job.original_name}",
            "breadcrumb": [
                ("Géoréférencer un fichier", reverse("georef:file")),
                (job.original_name, None),
            ],
            "job": job,
            "progress": job.progress(),
            "summary": summary,
            "status_rows": _status_rows(summary),
            "chart": chart,
            "qpv_rows": qpv_rows,
            "result_ready": result_ready(job),
            "result_name": result_filename(job),
            "generation": job.options.get("generation") or settings.QPV_GENERATION,
        },
    )


def _short(name: str, length: int = 24) -> str:
    return name if len(name) <= length else name[: length - 1].rstrip() + "…"


def _status_rows(summary: Summary | None) -> list[tuple[str, int]]:
    from quartiers.georef.batch.results import STATUS_KEYS, STATUS_TEXT

    if summary is None:
        return []
    labels = {STATUS_KEYS[s]: text for s, text in STATUS_TEXT.items()}
    return [(labels.get(key, key), n) for key, n in summary.by_status.items() if n]


@_own_job
def job_status(request: HttpRequest, job) -> JsonResponse:
    """The progress bar's JSON, polled every second by static/js/georef-job.js."""
    return JsonResponse({**job.progress(), "finished": job.is_finished})


@require_POST
@_own_job
def job_cancel_view(request: HttpRequest, job) -> HttpResponse:
    if job.is_finished:
        messages.info(request, "Ce traitement est déjà terminé.")
    else:
        job_cancel(job=job)
        messages.success(request, "Annulation demandée : le traitement s'arrête.")
    return redirect("georef:job_detail", job_id=job.id)


@require_POST
@_own_job
def job_resume_view(request: HttpRequest, job) -> HttpResponse:
    """« Reprendre le traitement » of a failed job: queued again, from its last checkpoint."""
    if job_retry(job=job):
        messages.success(request, "Reprise demandée : le traitement repart de son dernier point.")
    else:
        messages.info(request, "Seul un traitement échoué peut être repris.")
    return redirect("georef:job_detail", job_id=job.id)


@_own_job
def job_result(request: HttpRequest, job) -> HttpResponse:
    if not result_ready(job):
        raise Http404("Le résultat n'est pas encore disponible.")
    return result_response(job)
