"""Absolute links for what is read outside a request (e-mails sent by the task queue)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(name_or_path: str, *args: object) -> str:
    """SITE_URL + a URL name (reversed with `args`) or a path starting with « / »."""
    path = name_or_path if name_or_path.startswith("/") else reverse(name_or_path, args=args)
    return f"{settings.SITE_URL}{path}"
