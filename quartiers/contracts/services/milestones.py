"""Milestone edits (« Modifier le jalon ») and deletion of a milestone added by mistake.

Optimistic concurrency without a version column (no migration): the edit form carries the
values it was loaded with (`loaded`); the save compares them with the row, locked with
`select_for_update`, in the same transaction. If someone changed the milestone meanwhile
(edit, or marked done from the action page), nothing is written and `MilestoneConflict` lists
the fields, their value, the user's value, and who changed them when (from the audit trail),
like `ActionConflict` for actions.

A deletion is recorded on the milestone's action (as `budget_line_delete` does on its
application in the grants domain): the action page's history keeps showing it once the
milestone is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.contracts.models import Milestone
from quartiers.contracts.services.actions import (
    MILESTONE_FIELDS,
    ConflictRow,
    _milestone_diff,
)
from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, AuditEntry, audit_for, audit_record, audit_value

LABEL_MAX_LENGTH = 250  # Milestone.label


@dataclass(frozen=True)
class MilestoneValues:
    """The editable fields of a milestone (`done_on` None: not done yet)."""

    label: str
    due_on: date
    done_on: date | None = None

    @classmethod
    def of(cls, milestone: Milestone) -> MilestoneValues:
        return cls(label=milestone.label, due_on=milestone.due_on, done_on=milestone.done_on)


class MilestoneConflict(Exception):
    """The milestone changed since the form was loaded; nothing was saved."""

    def __init__(self, *, milestone: Milestone, rows: list[ConflictRow]) -> None:
        self.milestone = milestone
        self.rows = rows
        names = ", ".join(row.label for row in rows)
        super().__init__(
            f"Conflit de modification : le jalon « {milestone.label} » a été modifié par "
            f"quelqu'un d'autre depuis l'ouverture du formulaire. Champs modifiés entre-temps : "
            f"{names}. Rien n'a été enregistré : vos saisies sont conservées ci-dessous, "
            "vérifiez-les puis enregistrez à nouveau."
        )


def _display(name: str, value: Any) -> str:
    if name == "done_on" and value is None:
        return "non réalisé"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _validated(values: MilestoneValues) -> MilestoneValues:
    errors: dict[str, str] = {}
    label = values.label.strip()
    if not label:
        errors["label"] = "L'intitulé du jalon est obligatoire."
    elif len(label) > LABEL_MAX_LENGTH:
        errors["label"] = f"L'intitulé du jalon compte {LABEL_MAX_LENGTH} caractères au plus."
    if values.done_on is not None and values.done_on > timezone.localdate():
        errors["done_on"] = "La date de réalisation ne peut pas être future."
    if errors:
        raise ValidationError(errors)
    return MilestoneValues(label=label, due_on=values.due_on, done_on=values.done_on)


def _locked(milestone: Milestone) -> Milestone:
    try:
        return Milestone.objects.select_for_update().select_related("action").get(pk=milestone.pk)
    except Milestone.DoesNotExist as exc:
        raise ValidationError(
            "Ce jalon a été supprimé entre-temps : rien n'a été enregistré."
        ) from exc


def _conflict_rows(
    *, milestone: Milestone, loaded: MilestoneValues, yours: MilestoneValues
) -> list[ConflictRow]:
    """Fields whose saved value differs from the one the form was loaded with."""
    current = MilestoneValues.of(milestone)
    changed = [name for name in MILESTONE_FIELDS if getattr(current, name) != getattr(loaded, name)]
    entries = list(audit_for(objects=[milestone]))  # newest first
    rows = []
    for name in changed:
        entry = next((e for e in entries if name in e.changes), None)
        rows.append(
            ConflictRow(
                field=name,
                label=MILESTONE_FIELDS[name],
                theirs=_display(name, getattr(current, name)),
                yours=_display(name, getattr(yours, name)),
                by=_who(entry),
                at=entry.at if entry else None,
            )
        )
    return rows


def _who(entry: AuditEntry | None) -> str:
    if entry is None or entry.user is None:
        return "inconnu"
    return entry.user.get_full_name() or entry.user.username


def milestone_edit(
    *, milestone: Milestone, user: Any, values: MilestoneValues, loaded: MilestoneValues
) -> Milestone:
    """Save the « Modifier le jalon » form: label, due date, done date (None un-marks it).

    Refuses with ValidationError (French, per field) or MilestoneConflict when the milestone
    no longer holds the `loaded` values; writes one audit entry with the changed fields.
    """
    access_require(user, Perm.EDIT, milestone)
    values = _validated(values)
    with transaction.atomic():
        current = _locked(milestone)
        if MilestoneValues.of(current) != loaded:
            raise MilestoneConflict(
                milestone=current,
                rows=_conflict_rows(milestone=current, loaded=loaded, yours=values),
            )
        before = {name: audit_value(getattr(current, name)) for name in MILESTONE_FIELDS}
        current.label, current.due_on, current.done_on = values.label, values.due_on, values.done_on
        changes = _milestone_diff(before, current)
        if changes:
            current.save(update_fields=list(changes))
            audit_record(
                obj=current,
                user=user,
                action=AuditAction.UPDATE,
                changes=changes,
                note=f"Action « {current.action.title} »",
            )
    return current


def milestone_delete(*, milestone: Milestone, user: Any) -> None:
    """Delete a milestone added by mistake; a milestone already done is part of the action's
    follow-up and is refused (un-mark it first if the done date itself was the mistake)."""
    access_require(user, Perm.EDIT, milestone)
    with transaction.atomic():
        current = _locked(milestone)
        if current.done_on is not None:
            raise ValidationError(
                f"Le jalon « {current.label} » est réalisé : il fait partie du suivi de "
                "l'action et ne peut pas être supprimé. Si la date de réalisation est "
                "erronée, retirez-la d'abord (« Modifier le jalon »)."
            )
        action = current.action
        audit_record(
            obj=action,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "milestone": {
                    "label": "Jalon supprimé",
                    "before": f"{current.label} (échéance {current.due_on:%d/%m/%Y})",
                    "after": None,
                }
            },
            note=f"Jalon « {current.label} » supprimé",
        )
        current.delete()
