"""Writes of the programmes app (audited)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record
from quartiers.programmes.models import Measure, ProgressEntry


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
