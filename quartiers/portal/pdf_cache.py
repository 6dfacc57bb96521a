"""The report's PDF kept between requests (issue 11: 1.5 s of CPU per build).

A built PDF is stored in the shared "report_pdf" cache (files under CACHE_DIR, or Redis), keyed
on the data version of the public pages (quartiers/core/pagecache.py: any change to the data
the report shows renews it) and on the report's date: every worker serves it until the data
changes. Rebuilds are rate-limited: one at a time (a lock in the same store, held at most
REPORT_PDF_BUILD_SECONDS). While one is running, another request gets the last PDF built for
that date (data one version old, marked stale) or, when there is none, `None`: the view answers
503 « en cours de préparation » with Retry-After.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import caches

from quartiers.core.pagecache import version_current, version_stored

logger = logging.getLogger(__name__)

LOCK_KEY = "report-pdf:building"


@dataclass(frozen=True)
class CachedPdf:
    content: bytes
    filename: str
    state: str  # "HIT", "MISS" (built now) or "STALE" (previous data, a rebuild is running)


def _build_seconds() -> int:
    return int(getattr(settings, "REPORT_PDF_BUILD_SECONDS", 120))


def report_pdf_get(*, on: date, build: Callable[[], tuple[bytes, str]]) -> CachedPdf | None:
    """The PDF of ``on`` for the current data, built by ``build`` (→ content, file name) when
    no other process is building one; None when one is being built and no earlier PDF of that
    date exists."""
    store = caches["report_pdf"]
    version = version_current()
    day = f"{settings.DEPARTEMENT}:{on.isoformat()}"
    current_key = f"report-pdf:{version}:{day}"
    latest_key = f"report-pdf:latest:{day}"
    stored = store.get(current_key)
    if stored is not None:
        return CachedPdf(*stored, state="HIT")
    if not store.add(LOCK_KEY, version, timeout=_build_seconds()):
        latest = store.get(latest_key)
        return CachedPdf(*latest, state="STALE") if latest is not None else None
    try:
        built = build()
        # The data version of before the build: a change made meanwhile renews it, and the
        # next request builds again.
        store.set(current_key, built, timeout=None)
        store.set(latest_key, built, timeout=None)
        version_stored()
    finally:
        store.delete(LOCK_KEY)
    return CachedPdf(*built, state="MISS")
