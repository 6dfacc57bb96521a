"""Audit trail shared by every app: who changed what, when, field by field (before → after).

Services call `audit_record(...)` in the same transaction as the change they describe; pages
show `audit_for(objects=...)`. Values are stored as JSON-friendly text (dates ISO, decimals
as strings) so that an entry reads the same whatever becomes of the model later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class AuditAction(models.TextChoices):
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"
    TRANSITION = "transition", "Changement de statut"
    LOGIN = "login", "Connexion"


class AuditEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField("identifiant de l'objet", max_length=64)
    object_repr = models.CharField("objet", max_length=300)
    action = models.CharField("opération", max_length=20, choices=AuditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name="auteur",
    )
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    # {field name: {"label": French label, "before": value, "after": value}}
    changes = models.JSONField("modifications", default=dict, blank=True)
    note = models.TextField("commentaire", blank=True)

    class Meta:
        app_label = "core"
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal des modifications"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.object_repr} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def change_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "field": name,
                "label": c.get("label", name),
                "before": c.get("before"),
                "after": c.get("after"),
            }
            for name, c in self.changes.items()
        ]


def audit_value(value: Any) -> Any:
    """A JSON-friendly, human-readable form of a field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Iterable):
        return sorted(str(v) for v in value)
    return str(value)


def audit_snapshot(*, obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Current values of `fields` (choices shown by their French label)."""
    snapshot = {}
    for name in fields:
        display = getattr(obj, f"get_{name}_display", None)
        snapshot[name] = display() if callable(display) else audit_value(getattr(obj, name))
    return snapshot


def audit_diff(
    *, before: Mapping[str, Any], after: Mapping[str, Any], model: type[models.Model] | None = None
) -> dict[str, dict[str, Any]]:
    """Changed fields only, with their French label (the model's verbose_name)."""
    diff = {}
    for name in after:
        old, new = audit_value(before.get(name)), audit_value(after[name])
        if old != new:
            diff[name] = {"label": _label(model, name), "before": old, "after": new}
    return diff


def _label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a computed pseudo-field (e.g. "qpvs" joined as text)
        return name


def audit_record(
    *,
    obj: models.Model,
    user: Any,
    action: str,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry; `changes` as returned by `audit_diff` (or plain before/after)."""
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        changes=dict(changes or {}),
        note=note,
    )


def audit_for(*, objects: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """Entries about any of `objects` (e.g. an action, its milestones and notes), newest first."""
    ids: dict[ContentType, list[str]] = {}
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        ids.setdefault(ct, []).append(str(obj.pk))
    query = Q(pk__in=[])
    for ct, found in ids.items():  # one condition per model, not per object
        query |= Q(content_type=ct, object_id__in=found)
    return AuditEntry.objects.filter(query).select_related("user", "content_type")
