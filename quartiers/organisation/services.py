"""Write services of the organisation domain: commitments and délégué assignments, audited.

Rights are checked here on the commitment as it will be after the write (its organisation
and contract, `quartiers.organisation.access`), and on the stored one; the data rules are
checked too, and one `AuditEntry` is written per change in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from quartiers.contracts.models import Contract
from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_diff, audit_record, audit_snapshot
from quartiers.geography.models import QPV
from quartiers.organisation.models import Commitment, PrefectDelegate

COMMITMENT_FIELDS = (
    "organisation",
    "contract",
    "theme",
    "title",
    "target",
    "deadline",
    "indicator",
    "status",
    "progress",
)


class CommitmentConflict(Exception):
    """The commitment changed since the form was loaded; nothing was saved."""

    def __init__(self, *, commitment: Commitment) -> None:
        self.commitment = commitment
        super().__init__(
            f"Conflit de modification : l'engagement « {commitment.title} » a été modifié par "
            f"quelqu'un d'autre depuis l'ouverture du formulaire (version {commitment.version})."
            " Rien n'a été enregistré : vos saisies sont conservées, vérifiez-les puis "
            "enregistrez à nouveau."
        )


OUT_OF_SCOPE = "Cet engagement sortirait de votre organisme ou de votre territoire."


def _placement(values: dict[str, Any], commitment: Commitment | None = None) -> dict[str, Any]:
    """The organisation and contract of the commitment after the write."""
    return {
        name: values[name] if name in values else getattr(commitment, name)
        for name in ("organisation", "contract")
    }


def _check(values: dict[str, Any]) -> None:
    progress = int(values.get("progress") or 0)
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "L'avancement doit être compris entre 0 et 100 %."})
    if not str(values.get("title") or "").strip():
        raise ValidationError({"title": "L'engagement doit être décrit."})


def commitment_create(*, user: Any, values: dict[str, Any]) -> Commitment:
    access_require(user, Perm.EDIT, Commitment(**_placement(values)), OUT_OF_SCOPE)
    _check(values)
    with transaction.atomic():
        commitment = Commitment.objects.create(**values)
        after = audit_snapshot(obj=commitment, fields=COMMITMENT_FIELDS)
        audit_record(
            obj=commitment,
            user=user,
            action=AuditAction.CREATE,
            changes=audit_diff(before={}, after=after, model=Commitment),
            note=f"Contrat {commitment.contract.code}",
        )
    return commitment


def commitment_update(
    *, commitment: Commitment, user: Any, values: dict[str, Any], expected_version: int
) -> Commitment:
    """Save the edit form (optimistic concurrency on `version`, as for actions)."""
    _check({**audit_snapshot(obj=commitment, fields=("title", "progress")), **values})
    with transaction.atomic():
        current = Commitment.objects.select_for_update().get(pk=commitment.pk)
        access_require(user, Perm.EDIT, current)
        access_require(user, Perm.EDIT, Commitment(**_placement(values, current)), OUT_OF_SCOPE)
        if current.version != expected_version:
            raise CommitmentConflict(commitment=current)
        before = audit_snapshot(obj=current, fields=COMMITMENT_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        after = audit_snapshot(obj=current, fields=COMMITMENT_FIELDS)
        changes = audit_diff(before=before, after=after, model=Commitment)
        if not changes:
            return current
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        changes["version"] = {
            "label": "version",
            "before": expected_version,
            "after": current.version,
        }
        audit_record(obj=current, user=user, action=AuditAction.UPDATE, changes=changes)
    return current


def delegate_assign(
    *,
    delegate: PrefectDelegate,
    user: Any,
    qpvs: Iterable[QPV],
    contracts: Iterable[Contract],
) -> PrefectDelegate:
    """Set a délégué's QPV and contracts (audited as one change)."""
    access_require(user, Perm.EDIT, delegate)
    qpvs, contracts = list(qpvs), list(contracts)
    with transaction.atomic():
        before = {
            "qpvs": sorted(f"{q.name} ({q.code})" for q in delegate.qpvs.all()),
            "contracts": sorted(c.code for c in delegate.contracts.all()),
        }
        delegate.qpvs.set(qpvs)
        delegate.contracts.set(contracts)
        after = {
            "qpvs": sorted(f"{q.name} ({q.code})" for q in qpvs),
            "contracts": sorted(c.code for c in contracts),
        }
        changes = audit_diff(before=before, after=after, model=PrefectDelegate)
        if changes:
            audit_record(obj=delegate, user=user, action=AuditAction.UPDATE, changes=changes)
    return delegate


def delegate_save(
    *,
    delegate: PrefectDelegate | None,
    user: Any,
    name: str,
    email: str,
    account: Any,
    qpvs: Iterable[QPV],
    contracts: Iterable[Contract],
) -> PrefectDelegate:
    """Create or edit a délégué (name, address, account) and set their assignments, audited.
    An account follows one délégué: it is taken from any other délégué it was linked to."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Le nom du délégué est obligatoire."})
    fields = ("name", "email", "user")
    with transaction.atomic():
        created = delegate is None
        delegate = delegate or PrefectDelegate()
        before = {} if created else audit_snapshot(obj=delegate, fields=fields)
        if account is not None:
            PrefectDelegate.objects.filter(user=account).exclude(pk=delegate.pk).update(user=None)
        delegate.name, delegate.email, delegate.user = name, email.strip(), account
        delegate.save()
        changes = audit_diff(
            before=before, after=audit_snapshot(obj=delegate, fields=fields), model=PrefectDelegate
        )
        if changes or created:
            action = AuditAction.CREATE if created else AuditAction.UPDATE
            audit_record(obj=delegate, user=user, action=action, changes=changes)
        delegate_assign(delegate=delegate, user=user, qpvs=qpvs, contracts=contracts)
    return delegate
