"""Who may read and edit what in the contracts domain: the single place every view asks.

The policy is `quartiers.core.access` (one for the whole project); the rules on contracts,
actions, milestones and notes are `quartiers.contracts.access`. This module names them in the
words of the contracts views.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from quartiers.core.access import Perm, user_can
from quartiers.core.permissions import internal_required, permission_check

__all__ = [
    "can_edit",
    "can_view",
    "can_view_internal",
    "edit_required",
    "internal_required",
    "view_internal_required",
]


def can_view(user: Any, obj: Any) -> bool:
    return user_can(user, Perm.VIEW, obj)


def can_view_internal(user: Any, obj: Any = None) -> bool:
    """Follow-up notes, audit trail, project leads' e-mails, documents."""
    return user_can(user, Perm.VIEW_INTERNAL, obj)


def can_edit(user: Any, obj: Any) -> bool:
    return user_can(user, Perm.EDIT, obj)


def edit_required(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """None when allowed; a login redirect for anonymous visitors; 403 otherwise."""
    return permission_check(request, Perm.EDIT, obj)


def view_internal_required(request: HttpRequest, obj: Any = None) -> HttpResponse | None:
    return permission_check(request, Perm.VIEW_INTERNAL, obj)
