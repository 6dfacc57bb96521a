"""Permission matrix entries of the milestone edit and delete views (picked up by
tests/core/test_permission_matrix.py through tests/core/matrix.py `extensions()`).

Same rights as adding a milestone: the délégué on their territory, the partner leading the
action in a contract it signs, préfecture staff everywhere. The matrix POSTs an incomplete
form: the edit view answers 400; the delete view deletes (inside the test's rolled-back
transaction) and goes back to the action.
"""

from __future__ import annotations

from typing import Any

from tests.core.matrix import NOT_ALLOWED_GET, Case


def _milestone_pk(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"pk": world[f"milestone_{where}"].pk}


MATRIX: dict[str, Case] = {
    "contracts:milestone_edit": Case(
        args=_milestone_pk,
        get={
            "in": ("login", "403", "200", "200", "200", "200"),
            "out": ("login", "403", "403", "403", "200", "200"),
        },
        post={
            "in": ("login", "403", "400", "400", "400", "400"),
            "out": ("login", "403", "403", "403", "400", "400"),
        },
    ),
    "contracts:milestone_delete": Case(
        args=_milestone_pk,
        get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
        post={
            "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
    ),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing to add: the core world has a milestone in and out of the territories."""
