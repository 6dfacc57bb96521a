"""Choice lists of the organisation domain (stable codes, French labels)."""

from __future__ import annotations

from django.db import models


class OrganisationKind(models.TextChoices):
    STATE_SERVICE = "service_etat", "Service de l'État"
    OPERATOR = "operateur", "Opérateur ou agence de l'État"
    SOCIAL_SECURITY = "securite_sociale", "Organisme de sécurité sociale"
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    OTHER = "autre", "Autre partenaire"


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", "À engager"
    IN_PROGRESS = "in_progress", "En cours"
    LATE = "late", "En retard"
    ACHIEVED = "achieved", "Atteint"
    ABANDONED = "abandoned", "Abandonné"
