"""Calls for projects (per year and contract, with their calendar) and budget envelopes."""

from __future__ import annotations

from django.db import models

from quartiers.contracts.models import Contract
from quartiers.grants.choices import Fund


class CallForProjects(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="grant_calls")
    year = models.PositiveSmallIntegerField("année")
    title = models.CharField("intitulé", max_length=250)
    opens_on = models.DateField("ouverture")
    pre_application_deadline = models.DateField("date limite des pré-dossiers")
    closes_on = models.DateField("clôture des dépôts", null=True, blank=True)
    themes = models.JSONField("thématiques prioritaires", default=list, blank=True)

    class Meta:
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        ordering = ["-year", "contract__code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="grants_one_call_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def theme_labels(self) -> list[str]:
        from quartiers.contracts.choices import Theme

        return [Theme(t).label if t in Theme.values else t for t in self.themes]


class CommitteeMeeting(models.Model):
    call = models.ForeignKey(CallForProjects, on_delete=models.CASCADE, related_name="committees")
    meets_on = models.DateField("date du comité")
    label = models.CharField("intitulé", max_length=200, default="Comité de programmation")

    class Meta:
        verbose_name = "comité de programmation"
        ordering = ["meets_on"]

    def __str__(self) -> str:
        return f"{self.label} du {self.meets_on:%d/%m/%Y}"


class Envelope(models.Model):
    """Credits available for a year: BOP 147 per contract; Fonds vert for the département
    (contract empty) — the denominator of the 15 % in QPV target."""

    year = models.PositiveSmallIntegerField("année")
    fund = models.CharField("crédits", max_length=12, choices=Fund.choices)
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="grant_envelopes"
    )
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    note = models.CharField("commentaire", max_length=250, blank=True)

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["-year", "fund", "contract__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "fund", "contract"],
                condition=models.Q(contract__isnull=False),
                name="grants_one_envelope_per_contract",
            ),
            models.UniqueConstraint(
                fields=["year", "fund"],
                condition=models.Q(contract__isnull=True),
                name="grants_one_departement_envelope",
            ),
        ]

    def __str__(self) -> str:
        where = self.contract.code if self.contract_id else "département"
        return f"{self.get_fund_display()} {self.year} — {where}"
