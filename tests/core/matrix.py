"""Shared vocabulary of the permission matrix (tests/core/test_permission_matrix.py).

Another app adds its views to the matrix without editing the test: a module
`tests/<app label>/permission_matrix.py` defining `MATRIX: dict[str, Case]` (URL name →
expectations) and `world_extend(world: dict) -> None` (adds the objects its URLs need; the
users of each role are in `world["users"]`) is picked up automatically.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

ROLES = ("anonymous", "association", "partner", "delegate", "agent", "admin")
PASSWORD = "mot-de-passe-de-test"

# Expected answers: an HTTP status, "login" (302 to the login page) or "redirect" (302
# elsewhere: the form saved, or refused with a message, and went back to its page).
PUBLIC = ("200",) * 6
INTERNAL = ("login", "403", "200", "200", "200", "200")
STAFF_AND_DELEGATES = ("login", "403", "403", "200", "200", "200")
NOT_ALLOWED_GET = ("405",) * 6


@dataclass(frozen=True)
class Write:
    """A VALID body for a write (built from the world's objects, per place) and what the write
    changes, read back from the database: the matrix checks that every allowed POST changed
    it and every refused one (403, 404, login…) left it as it was."""

    body: Callable[[dict[str, Any], str], dict[str, Any]]
    state: Callable[[dict[str, Any], str], Any]
    json: bool = False  # the API takes JSON
    # Run on each role's client before the POST (e.g. a deposit kept in the session).
    prepare: Callable[[Any, dict[str, Any], str], None] | None = None


@dataclass(frozen=True)
class Case:
    """Expectations of one URL name: per place ("in", "out" or "-"), per method."""

    args: Callable[[dict[str, Any], str], dict[str, Any]]
    get: dict[str, tuple[str, ...]]
    post: dict[str, tuple[str, ...]] = field(default_factory=dict)
    write: Write | None = None


# Answers to a POST that mean the write went through.
WRITTEN = frozenset({"redirect", "200", "201"})


def rows(model: Any, **lookups: Any) -> Callable[[dict[str, Any], str], Any]:
    """A state: every row of `model` matching `lookups` (values may be callables of
    (world, where)), as sorted tuples of all their fields."""

    def state(world: dict[str, Any], where: str) -> Any:
        resolved = {k: v(world, where) if callable(v) else v for k, v in lookups.items()}
        return sorted(map(repr, model.objects.filter(**resolved).values_list()))

    return state


def write_case(args, *, get, post, body, state, **options: Any) -> Case:
    """A form's expectations and its valid body with the state it changes, in one call."""
    return Case(args=args, get=get, post=post, write=Write(body=body, state=state, **options))


def none(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {}


def public(args=none) -> Case:
    return Case(args=args, get={"-": PUBLIC})


def extensions() -> list[Any]:
    """The `tests.<app>.permission_matrix` modules of the project's apps."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("quartiers."):
            continue
        name = f"tests.{config.label}.permission_matrix"
        if importlib.util.find_spec(f"tests.{config.label}") and importlib.util.find_spec(name):
            found.append(importlib.import_module(name))
    return found
