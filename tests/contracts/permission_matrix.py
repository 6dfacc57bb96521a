"""Permission matrix entries of the milestone edit and delete views (picked up by
tests/core/test_permission_matrix.py through tests/core/matrix.py `extensions()`).

Same rights as adding a milestone: the délégué on their territory, the partner leading the
action in a contract it signs, préfecture staff everywhere. The matrix POSTs a valid form
built from the milestone: the edit view saves, the delete view deletes (inside the test's
rolled-back transaction), and both go back to the action; refusals change nothing.
"""

from __future__ import annotations

from typing import Any

from quartiers.contracts.forms import MilestoneEditForm
from quartiers.contracts.models import Milestone
from tests.core.matrix import NOT_ALLOWED_GET, Case, Write, rows


def _milestone_pk(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"pk": world[f"milestone_{where}"].pk}


def _milestone_edit(world: dict[str, Any], where: str) -> dict[str, Any]:
    milestone = Milestone.objects.get(pk=world[f"milestone_{where}"].pk)
    data = {
        k: v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else v)
        for k, v in MilestoneEditForm.initial_for(milestone).items()
    }
    return {**data, "label": f"{milestone.label} (modifié)"}


_MILESTONE = rows(Milestone, pk=lambda w, where: w[f"milestone_{where}"].pk)

MATRIX: dict[str, Case] = {
    "contracts:milestone_edit": Case(
        args=_milestone_pk,
        get={
            "in": ("login", "403", "200", "200", "200", "200"),
            "out": ("login", "403", "403", "403", "200", "200"),
        },
        post={
            "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
        write=Write(body=_milestone_edit, state=_MILESTONE),
    ),
    "contracts:milestone_delete": Case(
        args=_milestone_pk,
        get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
        post={
            "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
        write=Write(body=lambda w, where: {}, state=_MILESTONE),
    ),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing to add: the core world has a milestone in and out of the territories."""
