"""The georeferencing pages in the permission matrix (tests/core/test_permission_matrix.py).

« Vérifier une adresse » is public; « Géoréférencer un fichier » is for logged-in préfecture
staff, délégués and partners; a job is seen by its owner only (here the agent): 404 for
everybody else, whatever their role."""

from __future__ import annotations

import io
from typing import Any

from quartiers.georef.batch import BatchOptions
from quartiers.georef.job_models import GeorefJob, JobStatus
from quartiers.georef.jobs.services import job_create, job_run
from tests.core.matrix import INTERNAL, NOT_ALLOWED_GET, Case, Write, none, public, rows

OWNER_ONLY = ("login", "403", "404", "404", "200", "404")
REDIRECTED = ("login", "403", "redirect", "redirect", "redirect", "redirect")


def job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_job"].id}


def pending_job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_pending_job"].id}


def failed_job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_failed_job"].id}


# A resume makes the failed job pending again (its owner only).
FAILED_JOB_STATE = rows(GeorefJob, pk=lambda w, where: w["georef_failed_job"].id)


def deposit(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"token": "depot-inconnu"}


MATRIX = {
    "georef:verify": public(),
    "georef:file": Case(args=none, get={"-": INTERNAL}, post={"-": INTERNAL}),
    "georef:file_columns": Case(args=deposit, get={"-": REDIRECTED}, post={"-": REDIRECTED}),
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
    "georef:job_resume": Case(
        args=failed_job_id,
        get={"-": NOT_ALLOWED_GET},
        post={"-": ("login", "403", "404", "404", "redirect", "404")},
        write=Write(body=lambda w, where: {}, state=FAILED_JOB_STATE),
    ),
}


def world_extend(world: dict[str, Any]) -> None:
    """A finished job of the agent (a few Lille points), and a pending one to cancel."""
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
    GeorefJob.objects.filter(pk=jobs[2].pk).update(status=JobStatus.FAILED, error_message="Panne")
    world["georef_failed_job"] = jobs[2]
