"""The access policy of every app: roles, permissions, and the registry of rules.

`core` knows no domain object. Each domain app registers, from its `AppConfig.ready()`, the
rule deciding a permission on its models (`rule_register`) and the filter scoping its lists
(`scope_register`); `user_can` and `scope` dispatch on the object's (or queryset's) model.

Fixed for every app:
- `Perm.VIEW` (a published page) is everybody's;
- with no rule for the object, the préfecture (administrator, agent) may do everything and the
  other roles nothing; with no object (the page or form as a whole) délégués and partners may
  read internal pages and open forms, each object being checked when it is saved;
- a write service checks the object as it will be AFTER the write (`access_require`), not only
  the stored one, and refuses with `PermissionDenied` (a French message, HTTP 403).

The rules themselves and the territory of a délégué or a partner: docs/roles.md.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from quartiers.core.models import Role


class Perm(StrEnum):
    VIEW = "view"  # a published page: everybody
    VIEW_INTERNAL = "view_internal"  # follow-up notes, audit trail, e-mails, dashboard, documents
    EDIT = "edit"  # forms and every POST that changes something


ANONYMOUS = "anonymous"
PREFECTURE = frozenset({Role.ADMIN, Role.AGENT})
TERRITORIAL = frozenset({Role.DELEGATE, Role.PARTNER})

# rule(user, role, perm, obj) -> bool, asked for VIEW_INTERNAL and EDIT on an object.
Rule = Callable[[Any, str, Perm, Any], bool]
# scope(user, role, perm, queryset) -> the rows of `queryset` the user may `perm`.
Scope = Callable[[Any, str, Perm, QuerySet], QuerySet]

_RULES: dict[type, Rule] = {}
_SCOPES: dict[type, Scope] = {}

MESSAGES = {
    Perm.VIEW_INTERNAL: "Cette page est réservée aux agents de la préfecture, aux délégués du "
    "préfet et aux partenaires signataires concernés.",
    Perm.EDIT: "Vous n'avez pas le droit de modifier cet élément (hors de votre territoire ou "
    "de votre organisme).",
}


def role_of(user: Any) -> str:
    """The user's role, `anonymous` for the public; a superuser counts as administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return Role.ADMIN
    return str(user.role)


def is_prefecture(user: Any) -> bool:
    return role_of(user) in PREFECTURE


def rule_register(model: type, rule: Rule) -> None:
    """Decide VIEW_INTERNAL and EDIT on instances of `model` (and its subclasses)."""
    _RULES[model] = rule


def scope_register(model: type, scope_rule: Scope) -> None:
    """Filter querysets of `model` for `scope` (called for every role)."""
    _SCOPES[model] = scope_rule


def _lookup(table: dict[type, Any], model: type) -> Any:
    for klass in model.__mro__:
        if klass in table:
            return table[klass]
    return None


def user_can(user: Any, perm: Perm | str, obj: Any = None) -> bool:
    """May `user` do `perm` on `obj`? `obj` None: the page or form as a whole; a model
    class: its list (the rule receives the class)."""
    perm = Perm(perm)
    if perm == Perm.VIEW:
        return True
    role = role_of(user)
    model = obj if isinstance(obj, type) else type(obj)
    rule = None if obj is None else _lookup(_RULES, model)
    if rule is not None:
        return bool(rule(user, role, perm, obj))
    if role in PREFECTURE:
        return True
    return obj is None and role in TERRITORIAL


def access_require(user: Any, perm: Perm | str, obj: Any, message: str = "") -> None:
    """For write services: raise PermissionDenied unless `user` may `perm` on `obj`.

    `user=None` is the system (management commands, imports, demo seeding), always allowed;
    a request always passes its user (AnonymousUser for the public)."""
    if user is None or user_can(user, perm, obj):
        return
    raise PermissionDenied(message or MESSAGES.get(Perm(perm), "Accès refusé."))


def scope(user: Any, perm: Perm | str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` on which `user` may do `perm`."""
    perm = Perm(perm)
    rule = _lookup(_SCOPES, queryset.model)
    if rule is not None:
        return rule(user, role_of(user), perm, queryset)
    if perm == Perm.VIEW or role_of(user) in PREFECTURE:
        return queryset
    return queryset.none()
