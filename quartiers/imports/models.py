"""One verification (dry run) of the import screen, applied at most once.

A deposit is named by its content (the same files give the same key), so it cannot say whether
« Appliquer » was already pressed for a given verification: each dry run gets its own row and
token, and the apply claims that row with a conditional UPDATE (from « vérifié » to « en cours »)
before writing anything. A second POST of the same form (double click, replay, a second tab, a
concurrent request) finds it claimed and writes nothing (services.import_apply).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from quartiers.geography.models import ImportRun


class PreviewState(models.TextChoices):
    PREVIEWED = "verifie", "vérifié, pas encore appliqué"
    APPLYING = "en_cours", "en cours d'application"
    APPLIED = "applique", "appliqué"


class ImportPreview(models.Model):
    token = models.UUIDField("jeton", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type d'import", max_length=40)
    deposit_key = models.CharField("clé du dépôt", max_length=64)
    state = models.CharField(
        "état", max_length=10, choices=PreviewState.choices, default=PreviewState.PREVIEWED
    )
    created_at = models.DateTimeField("vérifié le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="vérifié par",
    )
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    runs = models.ManyToManyField(
        ImportRun, blank=True, related_name="previews", verbose_name="imports écrits"
    )

    class Meta:
        verbose_name = "vérification d'import"
        verbose_name_plural = "vérifications d'import"

    def __str__(self) -> str:
        return f"{self.kind} — {self.get_state_display()}"
