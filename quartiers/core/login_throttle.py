"""Login throttling: after LOGIN_MAX_FAILURES failed attempts for one username from one IP
address within LOGIN_LOCKOUT_SECONDS, that pair is refused until the window ends.

Counters live in Django's "login" cache (settings.CACHES: Redis when REDIS_URL is set,
otherwise a file cache under var/ shared by every worker of the machine). The client address is
REMOTE_ADDR: behind a reverse proxy, the proxy must pass the real address (see
docs/operations.md).
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


def _max_failures() -> int:
    return int(getattr(settings, "LOGIN_MAX_FAILURES", 5))


def _window() -> int:
    return int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60))


def _key(*, username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-") or "-"


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
    count, until = login_failures_get(username=username, ip=ip)
    remaining = until - time.time()
    if count < _max_failures() or remaining <= 0:
        return 0
    return max(1, math.ceil(remaining / 60))


def locked_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Trop de tentatives de connexion infructueuses pour cet identifiant : "
        f"réessayez dans {minutes} {unit}."
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing a locked username+address before checking the password
    (so that a locked account cannot be probed)."""

    throttled = False

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        minutes = login_locked_minutes(username=username, ip=ip)
        if minutes:
            self.throttled = True
            raise forms.ValidationError(locked_message(minutes), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username=username, ip=ip)
                minutes = login_locked_minutes(username=username, ip=ip)
                if minutes:
                    self.throttled = True
                    raise forms.ValidationError(locked_message(minutes), code="throttled") from None
            raise
        login_failures_clear(username=username, ip=ip)
        return cleaned
