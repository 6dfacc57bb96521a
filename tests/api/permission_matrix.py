"""The JSON API in the permission matrix (tests/core/test_permission_matrix.py).

Single lookups and the schema are public (without parameters a lookup is a 422); batch jobs
need a session (401 without), are refused to associations (403) and a job is seen by its
owner only (404 for everybody else). The job is the agent's, from tests/georef's extension.
The open data (territories, indicators, contracts, actions, programmes) is public; its one
write, a value on a measure, is for préfecture staff (401 without a session, 403 for the
others, 201 with a valid JSON body; a refused write records nothing)."""

from __future__ import annotations

from typing import Any

from quartiers.georef.job_models import GeorefJob
from quartiers.programmes.models import ProgressEntry
from tests.contracts.conftest import TODAY
from tests.core.matrix import NOT_ALLOWED_GET, PUBLIC, Case, Write, none, public, rows
from tests.georef.permission_matrix import FAILED_JOB, failed_job_id, points_file

OWNER_ONLY = ("401", "403", "404", "404", "200", "404")
LOGGED_IN = ("401", "403", "200", "200", "200", "200")


def _code(key: str, attribute: str = "insee_code"):
    return lambda world, where: {"code": getattr(world[key], attribute)}


def job_id(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"job_id": world["georef_job"].id}


MATRIX = {
    "api:api-root": Case(args=none, get={"-": ("404",) * 6}),
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:georef_point": Case(args=none, get={"-": ("422",) * 6}),
    "api:georef_address": Case(args=none, get={"-": ("422",) * 6}),
    # Same URL: GET lists one's jobs, POST creates one (multipart: a hand-made CSV of points).
    "api:georef_jobs": Case(args=none, get={"-": LOGGED_IN}),
    "api:georef_job_create": Case(
        args=none,
        get={},
        post={"-": ("401", "403", "201", "201", "201", "201")},
        write=Write(
            body=lambda w, where: {"fichier": points_file("matrice-api.csv"), "format": "csv"},
            state=rows(GeorefJob, original_name="matrice-api.csv"),
        ),
    ),
    "api:georef_job": Case(args=job_id, get={"-": OWNER_ONLY}),
    "api:georef_job_result": Case(args=job_id, get={"-": OWNER_ONLY}),
    # The owner's failed job is queued again (pending): 200.
    "api:georef_job_resume": Case(
        args=failed_job_id,
        get={},
        post={"-": ("401", "403", "404", "404", "200", "404")},
        write=Write(body=lambda w, where: {}, state=FAILED_JOB, json=True),
    ),
    "api:qpv_list": public(),
    "api:qpv": Case(args=lambda world, where: {"code": world["qpv"].code}, get={"-": PUBLIC}),
    "api:departement_list": public(),
    "api:departement": public(lambda world, where: {"code": "59"}),
    "api:arrondissement_list": public(),
    "api:arrondissement": public(_code("arrondissement")),
    "api:epci_list": public(),
    "api:epci": public(lambda world, where: {"siren": world["epci"].siren}),
    "api:commune_list": public(),
    "api:commune": public(_code("commune")),
    "api:indicator_list": public(),
    "api:indicator": public(_code("indicator", "code")),
    "api:indicator_values": public(_code("indicator", "code")),
    "api:contract_list": public(),
    "api:contract_calendar": public(),
    "api:contract": public(_code("contract_in", "code")),
    "api:action_list": public(),
    "api:action": public(lambda world, where: {"action_id": world["action_in"].pk}),
    "api:programme_list": public(),
    "api:measure_list": public(),
    "api:measure": public(_code("measure", "code")),
    "api:measure_progress_create": Case(
        args=_code("measure", "code"),
        get={"-": NOT_ALLOWED_GET},
        post={"-": ("401", "403", "403", "403", "201", "201")},
        write=Write(
            body=lambda w, where: {"date": TODAY.isoformat(), "valeur": 12, "note": "Matrice"},
            state=rows(ProgressEntry, measure=lambda w, where: w["measure"]),
            json=True,
        ),
    ),
    "api:dispositif_list": public(),
    # public, but 404 for everybody while the grantor's SIRET is not configured (as here)
    "api:subsidies_csv": Case(args=none, get={"-": ("404",) * 6}),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing more: the job comes from tests/georef/permission_matrix.py."""
