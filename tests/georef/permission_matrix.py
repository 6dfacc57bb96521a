"""The georeferencing pages in the permission matrix (tests/core/test_permission_matrix.py).

« Vérifier une adresse » is public; « Géoréférencer un fichier » is for logged-in préfecture
staff, délégués and partners; a job is seen by its owner only (here the agent): 404 for
everybody else, whatever their role."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.core.uploads.tempfiles import deposits_dir
from quartiers.georef.batch import BatchOptions
from quartiers.georef.job_models import GeorefJob, JobStatus
from quartiers.georef.jobs.services import job_create, job_run
from quartiers.georef.views.files import SESSION_KEY
from tests.core.matrix import (
    INTERNAL,
    NOT_ALLOWED_GET,
    Case,
    Write,
    none,
    public,
    rows,
    write_case,
)

OWNER_ONLY = ("login", "403", "404", "404", "200", "404")
REDIRECTED = ("login", "403", "redirect", "redirect", "redirect", "redirect")
# Two Lille points, hand-written (longitude, latitude WGS84).
POINTS = b"id;lon;lat\n1;3.0633;50.6369\n2;3.0570;50.6190\n"
DEPOSIT_TOKEN = "0" * 31 + "1"


def points_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, POINTS, "text/csv")


def deposits(world: dict[str, Any], where: str) -> list[str]:
    """The uploads kept for the column step (the state georef:file changes)."""
    return sorted(path.name for path in deposits_dir().iterdir())


def deposit_prepare(client: Any, world: dict[str, Any], where: str) -> None:
    """What georef:file leaves for the next step: the file aside and its token in the session."""
    folder = deposits_dir() / DEPOSIT_TOKEN
    folder.mkdir(exist_ok=True)
    path = folder / "depot.csv"
    path.write_bytes(POINTS)
    session = client.session
    session[SESSION_KEY] = {
        DEPOSIT_TOKEN: {"name": "matrice-colonnes.csv", "path": str(path), "header_line": 1}
    }
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def columns_body(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "generation": str(settings.QPV_GENERATION),
        "output_format": "csv",
        "column_names": "fr",
        "col_lon": "2",
        "col_lat": "3",
    }


def job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_job"].id}


def failed_job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_failed_job"].id}


FAILED_JOB = rows(GeorefJob, pk=lambda w, where: w["georef_failed_job"].id)


def pending_job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_pending_job"].id}


def deposit(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"token": DEPOSIT_TOKEN}


MATRIX = {
    "georef:verify": public(),
    # A valid upload is kept aside (a deposit) and sends to the column step.
    "georef:file": write_case(
        none,
        get={"-": INTERNAL},
        post={"-": REDIRECTED},
        body=lambda w, where: {"fichier": points_file("matrice.csv")},
        state=deposits,
    ),
    # Without a deposit in the session, GET sends back to the upload; a valid POST on the
    # deposit starts the job (its row created) and sends to the job page.
    "georef:file_columns": write_case(
        deposit,
        get={"-": REDIRECTED},
        post={"-": REDIRECTED},
        body=columns_body,
        state=rows(GeorefJob, original_name="matrice-colonnes.csv"),
        prepare=deposit_prepare,
    ),
    "georef:job_detail": Case(args=job_id, get={"-": OWNER_ONLY}),
    "georef:job_status": Case(args=job_id, get={"-": OWNER_ONLY}),
    "georef:job_result": Case(args=job_id, get={"-": OWNER_ONLY}),
    "georef:job_cancel": Case(
        args=pending_job_id,
        get={"-": NOT_ALLOWED_GET},
        post={"-": ("login", "403", "404", "404", "redirect", "404")},
        write=Write(
            body=lambda w, where: {},
            state=rows(GeorefJob, pk=lambda w, where: w["georef_pending_job"].id),
        ),
    ),
    # The owner's failed job is queued again (pending).
    "georef:job_resume": Case(
        args=failed_job_id,
        get={"-": NOT_ALLOWED_GET},
        post={"-": ("login", "403", "404", "404", "redirect", "404")},
        write=Write(body=lambda w, where: {}, state=FAILED_JOB),
    ),
}


def world_extend(world: dict[str, Any]) -> None:
    """A finished job of the agent (a few Lille points), a pending one to cancel and a failed
    one to resume."""
    jobs = [
        job_create(
            owner=world["users"]["agent"],
            upload=io.BytesIO(b"id;lon;lat\n1;3.0633;50.6369\n2;3.0570;50.6190\n"),
            original_name="matrice.csv",
            options=BatchOptions(),
            enqueue=False,
        )
        for _ in range(3)
    ]
    world["georef_job"] = job_run(job_id=jobs[0].id)
    world["georef_pending_job"] = jobs[1]
    GeorefJob.objects.filter(pk=jobs[2].id).update(
        status=JobStatus.FAILED, error_message="Échec simulé (matrice)"
    )
    world["georef_failed_job"] = jobs[2]
