"""Actions (priority or ordinary), milestones and follow-up notes.

Rights are checked here on the action as it will be after the write (`action_after`,
quartiers/contracts/access.py), whatever the view checked before. Two rules live here: at
most 3 priority actions per contract (also enforced by the database: a unique rank 1–3 per
contract), and optimistic concurrency on actions (the edit form carries the `version` it was
loaded at; a save against a newer version is refused with what changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from quartiers.contracts.access import action_after
from quartiers.contracts.choices import MAX_PRIORITY_ACTIONS, ActionStatus, Theme
from quartiers.contracts.models import Action, Contract, FollowUpNote, Milestone
from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, AuditEntry, audit_for, audit_record, audit_value
from quartiers.core.pagecache import data_changed
from quartiers.geography.models import QPV

# Fields of the action edit form, in display order, with their French labels.
ACTION_FIELDS: dict[str, str] = {
    "title": "Intitulé",
    "objective": "Objectif",
    "theme": "Thématique",
    "qpvs": "QPV concernés",
    "is_priority": "Action prioritaire",
    "lead_name": "Chef de projet",
    "lead_organisation": "Organisme du chef de projet",
    "lead_email": "Courriel du chef de projet",
    "lead_partner": "Organisme partenaire pilote",
    "budget": "Budget (€)",
    "status": "Statut",
    "progress": "Avancement (%)",
}
MILESTONE_FIELDS = {"label": "Jalon", "due_on": "Échéance", "done_on": "Réalisé le"}


class PriorityLimitError(Exception):
    """More than 3 priority actions for one contract; French message."""


@dataclass(frozen=True)
class ConflictRow:
    field: str
    label: str
    theirs: Any  # the value saved meanwhile by someone else
    yours: Any  # the value in the refused form
    by: str
    at: datetime | None


class ActionConflict(Exception):
    """The action changed since the form was loaded; nothing was saved."""

    def __init__(self, *, action: Action, rows: list[ConflictRow]) -> None:
        self.action = action
        self.rows = rows
        names = ", ".join(row.label for row in rows) or "aucun champ du formulaire"
        super().__init__(
            f"Conflit de modification : « {action.title} » a été modifiée par quelqu'un d'autre "
            f"depuis l'ouverture du formulaire (version {action.version}). Champs modifiés "
            f"entre-temps : {names}. Rien n'a été enregistré : vos saisies sont conservées "
            "ci-dessous, vérifiez-les puis enregistrez à nouveau."
        )


def _display(name: str, value: Any) -> Any:
    if name == "theme":
        return Theme(value).label if value in Theme.values else value
    if name == "status":
        return ActionStatus(value).label if value in ActionStatus.values else value
    if name == "qpvs":
        return sorted(q.code if isinstance(q, QPV) else str(q) for q in value)
    if name == "budget" and value not in (None, ""):
        return str(Decimal(value).quantize(Decimal("0.01")))
    return audit_value(value)


def action_values(*, action: Action) -> dict[str, Any]:
    values = {name: getattr(action, name) for name in ACTION_FIELDS if name != "qpvs"}
    values["qpvs"] = list(action.qpvs.all()) if action.pk else []
    return values


def _displayed(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _display(name, values[name]) for name in ACTION_FIELDS if name in values}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    b, a = _displayed(before), _displayed(after)
    return {
        name: {"label": ACTION_FIELDS[name], "before": b.get(name), "after": a[name]}
        for name in a
        if b.get(name) != a[name]
    }


LEAD_REQUIRED = "Une action prioritaire doit nommer son chef de projet."


def _check(*, contract: Contract, values: dict[str, Any], action: Action | None = None) -> None:
    if "lead_name" in values:
        values["lead_name"] = str(values["lead_name"] or "").strip()
    priority = values.get("is_priority", action.is_priority if action else False)
    lead = values.get("lead_name", action.lead_name if action else "")
    if priority and not lead:
        raise ValidationError({"lead_name": LEAD_REQUIRED})
    progress = values.get("progress", 0)
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": "L'avancement doit être compris entre 0 et 100 %."})
    budget = values.get("budget")
    if budget is not None and Decimal(budget) < 0:
        raise ValidationError({"budget": "Le budget ne peut pas être négatif."})
    foreign = [q.code for q in values.get("qpvs", []) if not contract.qpvs.filter(pk=q.pk).exists()]
    if foreign:
        raise ValidationError(
            {"qpvs": f"QPV hors du contrat {contract.code} : {', '.join(sorted(foreign))}."}
        )


def _free_rank(*, contract: Contract, exclude: Action | None = None) -> int:
    taken = Action.objects.filter(contract=contract, is_priority=True)
    if exclude is not None and exclude.pk:
        taken = taken.exclude(pk=exclude.pk)
    ranks = set(taken.values_list("priority_rank", flat=True))
    for rank in range(1, MAX_PRIORITY_ACTIONS + 1):
        if rank not in ranks:
            return rank
    titles = " ; ".join(f"« {t} »" for t in taken.values_list("title", flat=True))
    raise PriorityLimitError(
        f"Le contrat {contract.code} compte déjà {MAX_PRIORITY_ACTIONS} actions prioritaires "
        f"({titles}) : c'est le maximum (« 3 actions très concrètes et prioritaires » par "
        "contrat). Enregistrez cette action comme action ordinaire, ou retirez d'abord le "
        "caractère prioritaire d'une autre action."
    )


def action_create(*, contract: Contract, user: Any, values: dict[str, Any]) -> Action:
    """Create an action; `values` uses the keys of ACTION_FIELDS (`qpvs`: QPV objects)."""
    values = {"is_priority": False, "progress": 0, **values}
    access_require(user, Perm.EDIT, contract)
    access_require(user, Perm.EDIT, action_after(action=None, contract=contract, values=values))
    _check(contract=contract, values=values)
    qpvs = list(values.pop("qpvs", []))
    with transaction.atomic():
        rank = _free_rank(contract=contract) if values["is_priority"] else None
        try:
            with transaction.atomic():
                action = Action.objects.create(contract=contract, priority_rank=rank, **values)
        except IntegrityError as exc:  # a concurrent save took the last rank
            raise PriorityLimitError(str(_limit_message(contract))) from exc
        action.qpvs.set(qpvs)
        after = {**values, "qpvs": qpvs}
        audit_record(
            obj=action,
            user=user,
            action=AuditAction.CREATE,
            changes=_diff({}, after),
            note=f"Contrat {contract.code}",
        )
    return action


def _limit_message(contract: Contract) -> str:
    try:
        _free_rank(contract=contract)
    except PriorityLimitError as exc:
        return str(exc)
    return "Enregistrement concurrent : réessayez."


def _conflict_rows(
    *, action: Action, expected_version: int, yours: dict[str, Any]
) -> list[ConflictRow]:
    """Fields changed by others since `expected_version`, from the audit trail."""
    entries = audit_for(objects=[action]).filter(action=AuditAction.UPDATE)
    changed: dict[str, AuditEntry] = {}
    for entry in entries:  # newest first
        version = entry.changes.get("version", {})
        if isinstance(version.get("before"), int) and version["before"] >= expected_version:
            for name in entry.changes:
                if name in ACTION_FIELDS:
                    changed.setdefault(name, entry)
    theirs, mine = _displayed(action_values(action=action)), _displayed(yours)
    return [
        ConflictRow(
            field=name,
            label=ACTION_FIELDS[name],
            theirs=theirs[name],
            yours=mine.get(name),
            by=_who(changed[name]),
            at=changed[name].at,
        )
        for name in ACTION_FIELDS
        if name in changed
    ]


def _who(entry: AuditEntry) -> str:
    if entry.user is None:
        return "inconnu"
    return entry.user.get_full_name() or entry.user.username


def action_update(
    *, action: Action, user: Any, values: dict[str, Any], expected_version: int
) -> Action:
    """Save the edit form; refuse with ActionConflict when the action moved on meanwhile."""
    contract = action.contract
    _check(contract=contract, values=values, action=action)
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        access_require(user, Perm.EDIT, current)
        access_require(
            user, Perm.EDIT, action_after(action=current, contract=contract, values=values)
        )
        if current.version != expected_version:
            raise ActionConflict(
                action=current,
                rows=_conflict_rows(
                    action=current, expected_version=expected_version, yours=values
                ),
            )
        before = action_values(action=current)
        fields = {k: v for k, v in values.items() if k != "qpvs"}
        if fields.get("is_priority") and not current.is_priority:
            fields["priority_rank"] = _free_rank(contract=contract, exclude=current)
        elif "is_priority" in fields and not fields["is_priority"]:
            fields["priority_rank"] = None
        changes = _diff(before, {**before, **values})
        if not changes:
            return current
        updated = Action.objects.filter(pk=current.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields
        )
        if updated != 1:  # pragma: no cover - guarded by select_for_update above
            raise ActionConflict(action=current, rows=[])
        data_changed()  # QuerySet.update() sends no post_save (quartiers/core/pagecache.py)
        if "qpvs" in values:
            current.qpvs.set(values["qpvs"])
        changes["version"] = {
            "label": "Version",
            "before": expected_version,
            "after": expected_version + 1,
        }
        audit_record(obj=current, user=user, action=AuditAction.UPDATE, changes=changes)
    current.refresh_from_db()
    return current


def milestone_add(*, action: Action, user: Any, label: str, due_on: date) -> Milestone:
    access_require(user, Perm.EDIT, action)
    with transaction.atomic():
        milestone = Milestone.objects.create(action=action, label=label, due_on=due_on)
        audit_record(
            obj=milestone,
            user=user,
            action=AuditAction.CREATE,
            changes=_milestone_diff({}, milestone),
            note=f"Action « {action.title} »",
        )
    return milestone


def _milestone_diff(before: dict[str, Any], milestone: Milestone) -> dict[str, Any]:
    after = {name: audit_value(getattr(milestone, name)) for name in MILESTONE_FIELDS}
    return {
        name: {"label": label, "before": before.get(name), "after": after[name]}
        for name, label in MILESTONE_FIELDS.items()
        if before.get(name) != after[name]
    }


def milestone_update(
    *,
    milestone: Milestone,
    user: Any,
    label: str | None = None,
    due_on: date | None = None,
    done_on: date | None = None,
    clear_done: bool = False,
) -> Milestone:
    access_require(user, Perm.EDIT, milestone)
    if done_on and done_on > timezone.localdate():
        raise ValidationError({"done_on": "La date de réalisation ne peut pas être future."})
    with transaction.atomic():
        before = {name: audit_value(getattr(milestone, name)) for name in MILESTONE_FIELDS}
        if label is not None:
            milestone.label = label
        if due_on is not None:
            milestone.due_on = due_on
        if done_on is not None or clear_done:
            milestone.done_on = done_on
        changes = _milestone_diff(before, milestone)
        if changes:
            milestone.save()
            audit_record(
                obj=milestone,
                user=user,
                action=AuditAction.UPDATE,
                changes=changes,
                note=f"Action « {milestone.action.title} »",
            )
    return milestone


def note_add(
    *, action: Action, user: Any, text: str, written_on: date | None = None
) -> FollowUpNote:
    access_require(user, Perm.EDIT, action)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "La note de suivi est vide."})
    with transaction.atomic():
        note = FollowUpNote.objects.create(
            action=action,
            text=text,
            written_on=written_on or timezone.localdate(),
            author=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(
            obj=note,
            user=user,
            action=AuditAction.CREATE,
            changes={"text": {"label": "Note", "before": None, "after": text}},
            note=f"Action « {action.title} »",
        )
    return note
