"""Property-based tests of the public API against its own OpenAPI schema (schemathesis):
every GET operation of the open data, with generated parameters, never answers 5xx.

Left out: /api/georef/adresse (calls the outside geocoder; covered by its own tests with a
local addok) and the batch jobs (session only; covered by tests/api/test_georef_jobs_api.py).
20 examples per operation by default (~30 s); SCHEMATHESIS_MAX_EXAMPLES=200 for a longer hunt,
SCHEMATHESIS_RANDOM=1 for other examples than the fixed ones.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = (
    schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    .include(method="GET")
    .exclude(path_regex=r"^/api/georef/(adresse|jobs)")
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data(open_data):
    """Contracts, actions, programmes and indicators on top of the Nord geography."""


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """schemathesis calls the WSGI app itself: like Django's test client, keep the request
    signals from closing the database connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize="SCHEMATHESIS_RANDOM" not in os.environ,
)
@override_settings(API_RATE_PER_MINUTE=0)
def test_no_public_operation_answers_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error])
