"""The HTTP face of `quartiers.core.access`: what a view does when a right is missing.

Anonymous visitors are sent to the login page (302); logged-in users without the right get
403 (French message). Every view of every app goes through these helpers or `user_can`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from quartiers.core.access import MESSAGES, Perm, user_can

__all__ = ["MESSAGES", "internal_required", "permission_check"]


def permission_check(
    request: HttpRequest, perm: Perm, obj: Any = None, message: str = ""
) -> HttpResponse | None:
    """None when allowed; a login redirect for anonymous visitors; PermissionDenied otherwise
    (with `message`, or the permission's own)."""
    if user_can(request.user, perm, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(message or MESSAGES.get(perm, "Accès refusé."))


def internal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for internal pages as a whole (objects inside are checked by the view)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (denied := permission_check(request, Perm.VIEW_INTERNAL)) is not None:
            return denied
        return view(request, *args, **kwargs)

    return wrapper
