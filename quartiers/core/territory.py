"""Compatibility names of the access policy (moved to `quartiers.core.access`).

The rules live in `quartiers.core.access` (roles, `Perm`, the registry, `user_can`) and in each
domain app's `access.py` (the territory: `quartiers.contracts.access`). Import from there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from quartiers.core.access import ANONYMOUS, Perm, is_prefecture, role_of, scope, user_can

__all__ = [
    "ANONYMOUS",
    "Perm",
    "is_prefecture",
    "role_of",
    "scope_actions",
    "scope_commitments_editable",
    "user_can",
]


def scope_actions(user: Any, queryset: QuerySet) -> QuerySet:
    """The actions whose internal follow-up `user` may read."""
    return scope(user, Perm.VIEW_INTERNAL, queryset)


def scope_commitments_editable(user: Any, queryset: QuerySet) -> QuerySet:
    """The CONCERTO commitments `user` may edit."""
    return scope(user, Perm.EDIT, queryset)
