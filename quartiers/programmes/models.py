"""Programmes (Entrepreneuriat Quartiers 2030, Fonds vert…), their measures with a baseline, a
target and a deadline, dated progress entries, and the dispositifs located on the ground.

Values are decimals (never floats). A figure the press kit does not give stays empty and is
shown « non renseigné »: nothing is made up. Writes go through `quartiers.programmes.services`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from quartiers.contracts.models import Contract
from quartiers.geography.models import QPV, Commune, Departement, ImportRun
from quartiers.programmes.choices import (
    Direction,
    DispositifKind,
    Scope,
    TargetMode,
    Theme,
)

VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}


class Programme(models.Model):
    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    responsible_body = models.CharField("porteur", max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField("première année", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("dernière année", null=True, blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    # Programmes made of dispositifs on the ground: how many the source declares (the located
    # dispositifs are entered by agents or imported, see Dispositif).
    dispositif_kind = models.CharField(
        "type de dispositif", max_length=30, choices=DispositifKind.choices, blank=True
    )
    declared_total = models.PositiveIntegerField("nombre déclaré", null=True, blank=True)
    declared_scope = models.CharField("territoire du nombre déclaré", max_length=100, blank=True)
    declared_source = models.CharField("source du nombre déclaré", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "programme"
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif_kind"],
                condition=~Q(dispositif_kind=""),
                name="programme_one_per_dispositif_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("mesure", max_length=300)
    theme = models.CharField("thématique", max_length=30, choices=Theme.choices)
    unit = models.CharField("unité", max_length=40)
    direction = models.CharField(
        "sens souhaité", max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline_value = models.DecimalField("valeur de départ", null=True, blank=True, **VALUE_DIGITS)
    baseline_date = models.DateField("date de la valeur de départ", null=True, blank=True)
    baseline_note = models.CharField("précision sur le départ", max_length=200, blank=True)
    target_mode = models.CharField(
        "forme de l'objectif", max_length=20, choices=TargetMode.choices, default=TargetMode.VALUE
    )
    target_value = models.DecimalField("valeur cible", null=True, blank=True, **VALUE_DIGITS)
    # For RELATIVE_PERCENT (5 means +5 %) and POINTS (5 means +5 points).
    target_change = models.DecimalField("évolution visée", null=True, blank=True, **VALUE_DIGITS)
    deadline = models.DateField("échéance", null=True, blank=True)
    deadline_label = models.CharField("échéance (libellé source)", max_length=100, blank=True)
    scope = models.CharField("périmètre", max_length=20, choices=Scope.choices)
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="contrat",
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="département",
    )
    scope_note = models.CharField("précision sur le périmètre", max_length=300, blank=True)
    responsible_body = models.CharField("responsable", max_length=200, blank=True)
    source_text = models.TextField("texte source", blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    # At risk when the shortfall exceeds this share of the planned change (0.10 = 10 %).
    tolerance = models.DecimalField(
        "tolérance", max_digits=5, decimal_places=4, default=Decimal("0.10")
    )
    # Measures whose value is computed: share of QPV covered by a dispositif of this kind.
    coverage_kind = models.CharField(
        "couverture calculée", max_length=30, choices=DispositifKind.choices, blank=True
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "mesure"
        ordering = ["programme__order", "order", "label"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="measure_scope"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0) & Q(tolerance__lte=1), name="measure_tolerance"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.scope == Scope.CONTRACT and self.contract_id is None:
            raise ValidationError({"contract": "Une mesure d'un contrat doit nommer ce contrat."})
        if self.scope == Scope.DEPARTEMENT and self.departement_id is None:
            raise ValidationError({"departement": "Indiquez le département."})
        relative = self.target_mode in {TargetMode.RELATIVE_PERCENT, TargetMode.POINTS}
        if relative and self.target_change is None:
            raise ValidationError({"target_change": "Indiquez l'évolution visée."})

    @property
    def target_effective(self) -> Decimal | None:
        """The target as a value of the measure's unit (None when it cannot be known)."""
        if self.target_mode in {TargetMode.VALUE, TargetMode.THRESHOLD}:
            return self.target_value
        if self.baseline_value is None or self.target_change is None:
            return None
        if self.target_mode == TargetMode.RELATIVE_PERCENT:
            return self.baseline_value * (1 + self.target_change / 100)
        return self.baseline_value + self.target_change

    @property
    def scope_label(self) -> str:
        if self.scope == Scope.CONTRACT and self.contract_id:
            return f"Contrat {self.contract.code}"
        if self.scope == Scope.DEPARTEMENT and self.departement_id:
            return f"Département : {self.departement.name}"
        return self.get_scope_display()


class ProgressEntry(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="entries")
    on = models.DateField("date de la valeur")
    value = models.DecimalField("valeur constatée", **VALUE_DIGITS)
    note = models.CharField("commentaire ou source", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="saisi par",
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "valeur constatée"
        verbose_name_plural = "valeurs constatées"
        ordering = ["measure", "on"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "on"], name="progress_entry_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {self.on:%d/%m/%Y}"


class DispositifQuerySet(models.QuerySet["Dispositif"]):
    def active_on(self, on: date) -> DispositifQuerySet:
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=on),
            Q(end_date__isnull=True) | Q(end_date__gte=on),
        )


class Dispositif(models.Model):
    kind = models.CharField("type", max_length=30, choices=DispositifKind.choices)
    name = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="dispositifs", verbose_name="commune"
    )
    qpvs = models.ManyToManyField(QPV, related_name="dispositifs", blank=True, verbose_name="QPV")
    # Contract codes as written in the source, kept even before the contract is imported;
    # `contracts` holds the ones found in the database.
    contract_codes = models.JSONField("codes des contrats", default=list, blank=True)
    contracts = models.ManyToManyField(
        Contract, related_name="dispositifs", blank=True, verbose_name="contrats"
    )
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DispositifQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif"
        ordering = ["kind", "commune__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "commune"], name="dispositif_kind_name_commune"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="dispositif_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.name}"

    def is_active_on(self, on: date) -> bool:
        started = self.start_date is None or self.start_date <= on
        return started and (self.end_date is None or self.end_date >= on)
