"""Decisions (arrêté, convention, CPO with yearly tranches), payments, financial reports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from quartiers.grants.choices import DecisionKind, PaymentKind
from quartiers.grants.models.applications import Application
from quartiers.grants.models.associations import Association


class Agreement(models.Model):
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="agreements"
    )
    kind = models.CharField("acte", max_length=12, choices=DecisionKind.choices)
    reference = models.CharField("référence", max_length=60, unique=True)
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    signed_on = models.DateField("signé le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "acte attributif"
        ordering = ["-first_year", "reference"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_multi_year(self) -> bool:
        return self.kind == DecisionKind.CPO


class Tranche(models.Model):
    """Year k of a CPO (or the single year of an annual act) and its planned amount."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    rank = models.PositiveSmallIntegerField("année n°")
    year = models.PositiveSmallIntegerField("année")
    planned_amount = models.DecimalField("montant prévu (€)", max_digits=12, decimal_places=2)
    application = models.OneToOneField(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="tranche"
    )

    class Meta:
        verbose_name = "tranche annuelle"
        ordering = ["agreement", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "rank"], name="grants_one_tranche_rank")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — année {self.rank} ({self.year})"


class Payment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField("versement", max_length=8, choices=PaymentKind.choices)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    paid_on = models.DateField("payé le")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "paiement"
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} € le {self.paid_on:%d/%m/%Y}"


class FinancialReport(models.Model):
    """The CERFA 15059 « compte rendu financier » of one funded year."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="financial_report"
    )
    received_on = models.DateField("reçu le")
    expenses_realised = models.DecimalField(
        "dépenses réalisées (€)", max_digits=12, decimal_places=2
    )
    comment = models.TextField("commentaire", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "compte rendu financier"

    def __str__(self) -> str:
        return f"Bilan {self.application.reference}"
