"""Small helpers shared by tests."""

from __future__ import annotations

from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponseBase


def response_close(response: HttpResponseBase) -> None:
    """Close a (file) response outside the test client without dropping the DB connection.

    Closing a response sends `request_finished`, whose `close_old_connections` closes a
    PostgreSQL connection that is inside a transaction (the test's): the test client
    disconnects it for the same reason.
    """
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
