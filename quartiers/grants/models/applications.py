"""Grant applications with the CERFA 12156 content, their budget lines, documents, history."""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from quartiers.contracts.choices import Theme
from quartiers.geography.models import QPV
from quartiers.grants.choices import (
    FUND_FUNDER,
    REPORT_DELAY_MONTHS,
    AidForm,
    ApplicationStatus,
    BudgetAccount,
    BudgetSide,
    DelegateOpinion,
    DocumentKind,
    Fund,
    Funder,
    ObjectKind,
    PeriodKind,
    RequestKind,
)
from quartiers.grants.models.associations import Association
from quartiers.grants.models.calls import CallForProjects
from quartiers.grants.services.money import money_sum

ZERO = Decimal("0.00")


def months_after_end(day: date, months: int) -> date:
    """The last day of the month `months` after `day`'s month (31/12/N + 6 → 30/06/N+1)."""
    month = day.month + months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


class Application(models.Model):
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField("numéro de dossier", max_length=30, unique=True)
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="applications"
    )
    call = models.ForeignKey(CallForProjects, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        "statut", max_length=15, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    # CERFA 12156 — the request
    aid_form = models.CharField("forme de l'aide", max_length=10, choices=AidForm.choices)
    request_kind = models.CharField("type de demande", max_length=15, choices=RequestKind.choices)
    object_kind = models.CharField("objet de la demande", max_length=15, choices=ObjectKind.choices)
    period_kind = models.CharField("période", max_length=15, choices=PeriodKind.choices)
    fund = models.CharField(
        "crédits de l'État", max_length=12, choices=Fund.choices, default=Fund.BOP147
    )
    # CERFA 12156 — the action
    action_title = models.CharField("intitulé de l'action", max_length=250)
    action_description = models.TextField("description")
    objectives = models.TextField("objectifs")
    target_public = models.TextField("public visé")
    theme = models.CharField("thématique", max_length=20, choices=Theme.choices)
    qpvs = models.ManyToManyField(
        QPV, blank=True, related_name="grant_applications", verbose_name="QPV concernés"
    )
    starts_on = models.DateField("début de l'action")
    ends_on = models.DateField("fin de l'action")
    # CERFA 12156 — the association (section 3: budget and human resources), as declared
    # with this request
    association_budget = models.DecimalField(
        "budget annuel de l'association (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    staff_members = models.PositiveIntegerField("adhérents", null=True, blank=True)
    staff_volunteers = models.PositiveIntegerField("bénévoles", null=True, blank=True)
    staff_civic_volunteers = models.PositiveIntegerField(
        "volontaires (service civique)", null=True, blank=True
    )
    staff_employees = models.PositiveIntegerField("salariés", null=True, blank=True)
    staff_fte = models.DecimalField(
        "salariés en ETPT", max_digits=7, decimal_places=2, null=True, blank=True
    )
    # CERFA 12156 — attestation sur l'honneur by the legal representative, given when filing
    attestation_name = models.CharField(
        "représentant légal signataire de l'attestation", max_length=150, blank=True
    )
    attestation_role = models.CharField("qualité du signataire", max_length=150, blank=True)
    attestation_at = models.DateTimeField(
        "attestation sur l'honneur signée le", null=True, blank=True
    )
    # Instruction and decision
    complement_request = models.TextField("compléments demandés", blank=True)
    delegate_opinion = models.CharField(
        "avis du délégué", max_length=12, choices=DelegateOpinion.choices, blank=True
    )
    delegate_comment = models.TextField("commentaire du délégué", blank=True)
    committee_on = models.DateField("date du comité", null=True, blank=True)
    amount_granted = models.DecimalField(
        "montant accordé (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    agreement = models.ForeignKey(
        "grants.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="acte attributif",
    )
    renewal_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals"
    )
    late_report_flag = models.TextField("bilans en retard au dépôt", blank=True)
    dauphin_number = models.CharField("numéro Dauphin", max_length=30, blank=True, db_index=True)
    # QPV targeting measured from the beneficiaries' file: aggregates only, never addresses.
    # rows = located (in_qpv + out) + invalid + not_geocoded; uncertain is a part of located.
    beneficiaries_rows = models.PositiveIntegerField("lignes du fichier", null=True)
    beneficiaries_total = models.PositiveIntegerField("bénéficiaires localisés", null=True)
    beneficiaries_in_qpv = models.PositiveIntegerField("bénéficiaires en QPV", null=True)
    beneficiaries_out = models.PositiveIntegerField("bénéficiaires hors QPV", null=True)
    beneficiaries_uncertain = models.PositiveIntegerField(
        "bénéficiaires localisés avec incertitude", null=True
    )
    beneficiaries_invalid = models.PositiveIntegerField("positions invalides", null=True)
    # Address files only (None for a file of coordinates).
    beneficiaries_geocoded = models.PositiveIntegerField("adresses géocodées", null=True)
    beneficiaries_not_geocoded = models.PositiveIntegerField("adresses non géocodées", null=True)
    beneficiaries_by_qpv = models.JSONField("bénéficiaires par QPV", default=dict, blank=True)
    targeting_generation = models.PositiveSmallIntegerField(null=True, blank=True)
    targeting_measured_at = models.DateTimeField("ciblage mesuré le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    filed_at = models.DateTimeField("déposée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de subvention"
        verbose_name_plural = "demandes de subvention"
        ordering = ["-call__year", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.action_title}"

    @property
    def year(self) -> int:
        return self.call.year

    def _lines_total(self, **filters: str) -> Decimal:
        """Sum of the budget lines matching `filters` (field → value); from the prefetched
        lines when the list prefetched them (`prefetch_related("budget_lines")`: one query
        for a whole table instead of one per row and column)."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("budget_lines")
        if prefetched is not None:
            return money_sum(
                line.amount
                for line in prefetched
                if all(getattr(line, name) == value for name, value in filters.items())
            )
        return money_sum(self.budget_lines.filter(**filters).values_list("amount", flat=True))

    @property
    def expenses_total(self) -> Decimal:
        return self._lines_total(side=BudgetSide.EXPENSE)

    @property
    def income_total(self) -> Decimal:
        return self._lines_total(side=BudgetSide.INCOME)

    @property
    def amount_requested(self) -> Decimal:
        """What is asked of the State on this application's fund (BOP 147 or Fonds vert)."""
        return self._lines_total(side=BudgetSide.INCOME, funder=FUND_FUNDER[Fund(self.fund)])

    @property
    def amount_paid(self) -> Decimal:
        return money_sum(self.payments.values_list("amount", flat=True))

    @property
    def report_due_on(self) -> date:
        return months_after_end(self.ends_on, REPORT_DELAY_MONTHS)

    @property
    def targeting_share(self) -> Decimal | None:
        if not self.beneficiaries_total:
            return None
        return Decimal(self.beneficiaries_in_qpv) / Decimal(self.beneficiaries_total)


class BudgetLine(models.Model):
    """One line of the action's provisional budget; account 74 lines name their funder."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    side = models.CharField("nature", max_length=8, choices=BudgetSide.choices)
    account = models.CharField("compte", max_length=2, choices=BudgetAccount.choices)
    funder = models.CharField("financeur", max_length=20, choices=Funder.choices, blank=True)
    label = models.CharField("libellé", max_length=250)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["side", "account", "pk"]

    def __str__(self) -> str:
        return f"{self.account} {self.label} : {self.amount} €"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    return f"grants/{instance.application.uuid}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("pièce", max_length=10, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier PDF", upload_to=_document_path, max_length=300)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """Every step of the workflow, dated and attributed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(
        "statut précédent", max_length=15, choices=ApplicationStatus.choices
    )
    to_status = models.CharField("nouveau statut", max_length=15, choices=ApplicationStatus.choices)
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "étape"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
