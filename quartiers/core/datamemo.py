"""Figures computed from reference data only, kept in the worker's memory between requests
(issue 13: CPU per logged-in request), keyed on the data version of quartiers/core/pagecache.py.

Not a page cache: what is kept is the result of a selector whose inputs are imported or edited
data that every write renews the data version for (indicator values, QPV, contracts and their
perimeters: the apps registered with `pagecache_watch`), never anything that depends on the
user. The page around it is rendered for each request, with the user's rights. An entry is
used only under the data version current when it was computed (read before computing: a
change made meanwhile renews the version and the next request computes again), and for
PAGE_CACHE_SECONDS at most (a bound for writes made outside the application, e.g. in psql;
0 turns the memo off, as it turns off the page cache). Each worker keeps at most MAX_ENTRIES.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings

from quartiers.core.pagecache import version_current, version_stored

T = TypeVar("T")
MAX_ENTRIES = 500
_memo: dict[str, tuple[str, float, Any]] = {}
_lock = threading.Lock()


def data_memo(key: str, build: Callable[[], T]) -> T:
    """`build()`, or its result kept under `key` for the current data version."""
    seconds = int(getattr(settings, "PAGE_CACHE_SECONDS", 600))
    if seconds <= 0:
        return build()
    version = version_current()
    now = time.monotonic()
    entry = _memo.get(key)
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]  # type: ignore[no-any-return]
    value = build()
    with _lock:
        if len(_memo) >= MAX_ENTRIES:
            _memo.clear()
        _memo[key] = (version, now + seconds, value)
    version_stored()  # a later write in this thread's transaction renews the version again
    return value
