"""Writes of the programmes app (audited)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_diff, audit_record, audit_snapshot
from quartiers.programmes.models import Dispositif, Measure, ProgressEntry

DISPOSITIF_FIELDS = ("kind", "name", "commune", "start_date", "end_date")


@transaction.atomic
def progress_entry_add(
    *, measure: Measure, on: date, value: Decimal, note: str = "", user: Any
) -> ProgressEntry:
    """Record the value observed on a date (the form has checked date, value and duplicates);
    préfecture only (no rule registered for measures: `quartiers.core.access`)."""
    access_require(user, Perm.EDIT, measure)
    entry = ProgressEntry.objects.create(
        measure=measure,
        on=on,
        value=value,
        note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(
        obj=entry,
        user=user,
        action=AuditAction.CREATE,
        changes={
            "on": {"label": "date de la valeur", "before": None, "after": on.isoformat()},
            "value": {"label": "valeur constatée", "before": None, "after": str(value)},
        },
        note=note,
    )
    return entry


def _dispositif_state(dispositif: Dispositif) -> dict[str, Any]:
    state = audit_snapshot(obj=dispositif, fields=DISPOSITIF_FIELDS)
    if dispositif.pk:
        state["qpvs"] = [f"{q.name} ({q.code})" for q in dispositif.qpvs.order_by("code")]
        state["contracts"] = list(dispositif.contract_codes)
    return state


@transaction.atomic
def dispositif_save(
    *, dispositif: Dispositif | None, values: dict[str, Any], user: Any
) -> Dispositif:
    """Create or edit a dispositif typed in by the préfecture (the form has checked it);
    `contract_codes` follows the contracts picked. Audited field by field."""
    values = dict(values)
    qpvs, contracts = list(values.pop("qpvs", [])), list(values.pop("contracts", []))
    created = dispositif is None
    dispositif = dispositif or Dispositif()
    before = {} if created else _dispositif_state(dispositif)
    for name, value in values.items():
        setattr(dispositif, name, value)
    dispositif.contract_codes = sorted(c.code for c in contracts)
    dispositif.save()
    dispositif.qpvs.set(qpvs)
    dispositif.contracts.set(contracts)
    changes = audit_diff(before=before, after=_dispositif_state(dispositif), model=Dispositif)
    if changes:
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        audit_record(obj=dispositif, user=user, action=action, changes=changes)
    return dispositif
