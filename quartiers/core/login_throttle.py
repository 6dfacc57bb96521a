"""Login throttling: after LOGIN_MAX_FAILURES failed attempts for one username from one IP
address within LOGIN_LOCKOUT_SECONDS, that pair is refused until the window ends; after
LOGIN_MAX_FAILURES_PER_ADDRESS failures from one address whatever the usernames (password
spraying: one password tried on many accounts), that address is refused for every username.

Counters live in Django's "login" cache (settings.CACHES: Redis when REDIS_URL is set,
otherwise a file cache under var/ shared by every worker of the machine). The client address
comes from quartiers/core/client_address.py (REMOTE_ADDR, or X-Forwarded-For read through the
TRUSTED_PROXIES: docs/operations.md).
"""

from __future__ import annotations

import hashlib
import math
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.http import HttpRequest

from quartiers.core.client_address import client_address

# The pseudo-username of the per-address counter (Django refuses "\0" in usernames).
ANY_USERNAME = "\0any"


def _max_failures() -> int:
    return int(getattr(settings, "LOGIN_MAX_FAILURES", 5))


def _max_address_failures() -> int:
    return int(getattr(settings, "LOGIN_MAX_FAILURES_PER_ADDRESS", 20))


def _window() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60))


def _key(*, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def client_ip(request: HttpRequest | None) -> str:
    return client_address(request)


def login_failures_get(*, username: str, ip: str) -> tuple[int, float]:
    """(number of failures in the current window, epoch second at which the window ends)."""
    value = caches["login"].get(_key(username=username, ip=ip))
    if not value:
        return 0, 0.0
    count, until = value
    return int(count), float(until)


def login_failure_record(*, username: str, ip: str) -> int:
    """Counts one failure; the window starts at the first failure. Returns the new count."""
    count, until = login_failures_get(username=username, ip=ip)
    now = time.time()
    if count == 0 or until <= now:
        count, until = 0, now + _window()
    count += 1
    caches["login"].set(
        _key(username=username, ip=ip), (count, until), timeout=math.ceil(until - now)
    )
    return count


def login_failures_clear(*, username: str, ip: str) -> None:
    caches["login"].delete(_key(username=username, ip=ip))


def login_locked_minutes(*, username: str, ip: str) -> int:
    """Minutes left before this username may try again from this address (0: not locked)."""
    limit = _max_address_failures() if username == ANY_USERNAME else _max_failures()
    count, until = login_failures_get(username=username, ip=ip)
    remaining = until - time.time()
    if count < limit or remaining <= 0:
        return 0
    return max(1, math.ceil(remaining / 60))


def _minutes_text(minutes: int) -> str:
    return f"{minutes} {'minute' if minutes == 1 else 'minutes'}"


def locked_message(minutes: int) -> str:
    return (
        "Trop de tentatives de connexion infructueuses pour cet identifiant : "
        f"réessayez dans {_minutes_text(minutes)}."
    )


def address_locked_message(minutes: int) -> str:
    return (
        "Trop de tentatives de connexion infructueuses depuis votre adresse : "
        f"réessayez dans {_minutes_text(minutes)}."
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a locked username+address before checking the password
    (so that a locked account cannot be probed)."""

    throttled = False

    def _refuse_if_locked(self, *, username: str, ip: str) -> None:
        if minutes := login_locked_minutes(username=ANY_USERNAME, ip=ip):
            self.throttled = True
            raise forms.ValidationError(address_locked_message(minutes), code="throttled")
        if minutes := login_locked_minutes(username=username, ip=ip):
            self.throttled = True
            raise forms.ValidationError(locked_message(minutes), code="throttled")

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        self._refuse_if_locked(username=username, ip=ip)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username=username, ip=ip)
                login_failure_record(username=ANY_USERNAME, ip=ip)
                self._refuse_if_locked(username=username, ip=ip)
            raise
        # The address counter is not cleared: one valid account must not reset a spray.
        login_failures_clear(username=username, ip=ip)
        return cleaned
