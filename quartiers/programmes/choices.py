"""Choices of the programmes app: scopes, directions, target modes, dispositif kinds."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    CONTRACT = "contract", "Contrat de ville"
    DEPARTEMENT = "departement", "Département"
    NATIONAL = "national", "National"


class Direction(models.TextChoices):
    """Which way the value must move to meet the target."""

    INCREASE = "increase", "À la hausse"
    DECREASE = "decrease", "À la baisse"


class TargetMode(models.TextChoices):
    """How the target is written: a value, or a change relative to the baseline."""

    VALUE = "value", "Valeur cible"
    # « +5 % de places en crèche » : target = baseline × (1 + 5 / 100)
    RELATIVE_PERCENT = "relative_percent", "Évolution en % de la situation de départ"
    # « +5 points » on a rate: target = baseline + 5
    POINTS = "points", "Évolution en points"
    # « au moins 15 % » at all times: a floor (or ceiling) to hold, no trajectory
    THRESHOLD = "threshold", "Seuil à respecter en permanence"


class Theme(models.TextChoices):
    EMPLOYMENT = "emploi", "Emploi"
    ENTREPRENEURSHIP = "entrepreneuriat", "Développement économique"
    EDUCATION = "education", "Éducation"
    HEALTH = "sante", "Santé"
    ECOLOGY = "transition_ecologique", "Transition écologique"


class DispositifKind(models.TextChoices):
    PRE = "pre", "Programme de réussite éducative (PRE)"
    EDUCATIONAL_CITY = "cite_educative", "Cité éducative"
    HEALTH_MEDIATOR = "mediateur_sante", "Adulte-relais médiateur santé"
    HEALTH_WORKSHOP = "atelier_sante_ville", "Atelier Santé Ville (ASV)"
    LOCAL_HEALTH_CONTRACT = "cls", "Contrat local de santé (CLS)"
    MENTAL_HEALTH_CONTRACT = "clsm", "Contrat local de santé mentale (CLSM)"
    HEALTH_CENTRE = "msp", "Maison de santé pluriprofessionnelle (MSP)"


NOT_PROVIDED = "non renseigné"
PRESS_KIT_DECLARED = "déclaré par le dossier de presse"
