"""Indicator catalogue and values, stored long.

A value belongs to a generic territory reference (kind + official code) rather than to a
foreign key per geography model: partners bring values for communes, EPCI, the département or
France that may not all be in the registry, and contracts come later. QPV codes are unique
across generations (2015 `QP…`, 2024 `QN…`), so the code alone identifies the QPV; the
generation is kept for display and filtering.

Values are `Decimal`, not float: sources publish decimal text (``589.6``, ``83.79``) that must
round-trip exactly, so that a re-import compares equal (zero changes) and sums of counts carry
no binary rounding artefacts.
"""

from __future__ import annotations

from django.db import models

from quartiers.geography.models import ImportRun

# Shown wherever a withheld value would be (never 0).
from quartiers.shared.formatting import SECRET_LABEL

__all__ = ["SECRET_LABEL"]
VINTAGE_UNDOCUMENTED = "non documenté"
PERIOD_UNDOCUMENTED = "non documentée"


class IndicatorKind(models.TextChoices):
    RATE = "rate", "Taux ou part"
    COUNT = "count", "Effectif"
    INDEX = "index", "Indice"
    MEAN = "mean", "Moyenne"


class BetterDirection(models.TextChoices):
    UP = "up", "Plus haut, c'est mieux"
    DOWN = "down", "Plus bas, c'est mieux"
    NEUTRAL = "neutral", "Neutre (descriptif)"


class TerritoryKind(models.TextChoices):
    QPV = "qpv", "QPV"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    ARRONDISSEMENT = "arrondissement", "Arrondissement"
    DEPARTEMENT = "departement", "Département"
    FRANCE = "france", "France"
    CONTRACT = "contract", "Contrat de ville"


# Territories below the commune: Insee forbids comparing consecutive vintages there.
INFRA_COMMUNAL_KINDS = frozenset({TerritoryKind.QPV})


class Indicator(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("libellé", max_length=200)
    short_label = models.CharField("libellé court", max_length=80, blank=True)
    definition = models.TextField("définition", blank=True)
    unit = models.CharField("unité", max_length=40, blank=True)
    theme = models.CharField("thème", max_length=80, blank=True)
    source = models.CharField("source", max_length=200, blank=True)
    vintage = models.CharField("millésime", max_length=40, default=VINTAGE_UNDOCUMENTED)
    geography_levels = models.JSONField("échelons géographiques disponibles", default=list)
    kind = models.CharField("nature", max_length=10, choices=IndicatorKind.choices)
    # A rate is numerator / denominator × scale; each part may be a catalogue count.
    numerator = models.ForeignKey(
        "self",
        verbose_name="numérateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name="dénominateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator_label = models.CharField("dénominateur (description)", max_length=200, blank=True)
    scale = models.DecimalField(
        "coefficient (100 pour un pourcentage)", max_digits=10, decimal_places=2, default=1
    )
    additive = models.BooleanField("additionnable", default=False)
    better = models.CharField(
        "sens favorable",
        max_length=10,
        choices=BetterDirection.choices,
        default=BetterDirection.NEUTRAL,
    )
    core_set = models.BooleanField("socle resserré d'indicateurs clés", default=False)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    notes = models.TextField("remarques", blank=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    @property
    def display_label(self) -> str:
        return self.short_label or self.label


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def of_qpv(self) -> IndicatorValueQuerySet:
        return self.filter(territory_kind=TerritoryKind.QPV)


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name="indicateur"
    )
    territory_kind = models.CharField(
        "type de territoire", max_length=20, choices=TerritoryKind.choices
    )
    territory_code = models.CharField("code du territoire", max_length=20)
    generation = models.PositiveSmallIntegerField("géographie (QPV)", null=True, blank=True)
    period = models.CharField("période", max_length=20)
    value = models.DecimalField("valeur", max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(
        "numérateur", max_digits=20, decimal_places=6, null=True, blank=True
    )
    denominator = models.DecimalField(
        "dénominateur", max_digits=20, decimal_places=6, null=True, blank=True
    )
    suppressed = models.BooleanField("secret statistique", default=False)
    source = models.CharField("source", max_length=200)
    vintage = models.CharField("millésime", max_length=40, default=VINTAGE_UNDOCUMENTED)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "territory_kind", "territory_code", "period"],
                name="indicator_value_unique_territory_period",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False) | models.Q(value__isnull=True),
                name="indicator_value_suppressed_has_no_value",
            ),
        ]
        indexes = [models.Index(fields=["territory_kind", "territory_code"])]

    def __str__(self) -> str:
        shown = SECRET_LABEL if self.suppressed else self.value
        where = f"{self.territory_kind}:{self.territory_code}"
        return f"{self.indicator.code} {where} {self.period}: {shown}"
