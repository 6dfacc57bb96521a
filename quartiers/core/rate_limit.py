"""Rate limiting per client for the whole API (django-ninja's throttling, on Django's cache)
and for the public page « Vérifier une adresse », which counts in the same buckets (an
anonymous visitor has one budget of lookups, through the page or the API).

The client is the logged-in account (key `user:<id>`) or else its address
(quartiers/core/client_address.py: REMOTE_ADDR, or X-Forwarded-For read through the
TRUSTED_PROXIES; a client cannot pick its address by sending the header). Rates
are read on every request, so `override_settings` works in tests:
  API_RATE_PER_MINUTE (default 120) for anonymous clients,
  API_RATE_PER_MINUTE_AUTHENTICATED (default 600) for logged-in accounts.
0 disables the limit. Until config/settings.py defines them, the environment variables of
the same names are read (`API_RATE_PER_MINUTE=0 bench/load.py`). Over the limit: 429 with
Retry-After and a French `detail` (quartiers/api/api.py); on the page, 429 and a French
message (`request_throttle_wait`). The counters live in the
"api_throttle" cache, which every worker shares: files under CACHE_DIR on one machine, Redis
(REDIS_URL) across machines. Like django-ninja's (and DRF's) throttle, the check and the count
are not one atomic step: two requests of one client arriving at the same instant in two
workers may both pass as the last one allowed.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from quartiers.core.client_address import client_address

DEFAULT_ANONYMOUS = 120
DEFAULT_AUTHENTICATED = 600


def rate_per_minute(*, authenticated: bool) -> int:
    """The setting, else the environment variable of the same name, else the default."""
    name = "API_RATE_PER_MINUTE_AUTHENTICATED" if authenticated else "API_RATE_PER_MINUTE"
    default = DEFAULT_AUTHENTICATED if authenticated else DEFAULT_ANONYMOUS
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def _per_thread(name: str) -> property:
    """ninja's throttle keeps the request being checked on the (shared) instance: keep it per
    thread instead, so that threaded workers never count a request against another client."""

    def get(self: ClientRateThrottle) -> Any:
        return getattr(self._local, name, None)

    def set(self: ClientRateThrottle, value: Any) -> None:
        setattr(self._local, name, value)

    return property(get, set)


class ClientRateThrottle(SimpleRateThrottle):
    """A sliding one-minute window of requests per client."""

    scope = "api"
    cache_format = "api-throttle:%(ident)s"
    key = _per_thread("key")
    history = _per_thread("history")
    now = _per_thread("now")
    num_requests = _per_thread("num_requests")
    duration = _per_thread("duration")

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        """Looked up on each request: tests may swap the cache with override_settings."""
        return caches["api_throttle"]

    def __init__(self) -> None:
        self._local = threading.local()
        super().__init__(rate=f"{DEFAULT_ANONYMOUS}/min")

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        limit = rate_per_minute(authenticated=authenticated)
        if limit <= 0:
            return None
        self.num_requests, self.duration = limit, 60
        ident = f"user:{user.pk}" if authenticated else f"ip:{client_address(request)}"
        return self.cache_format % {"ident": ident}


client_throttle = ClientRateThrottle()


def request_throttle_wait(request: HttpRequest) -> int | None:
    """Counts this request in its client's bucket (the API's): None when allowed, else the
    seconds to wait before the next allowed request."""
    if client_throttle.allow_request(request):
        return None
    return max(int(client_throttle.wait() or 1), 1)
