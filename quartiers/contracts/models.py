"""Contracts « quartiers 2030 » (and their 2015 predecessors), signatories, QPV links,
documents, actions (3 priority ones at most per contract), milestones and follow-up notes.

Every write goes through `quartiers.contracts.services` (audit trail, rules); models hold
fields, constraints and cheap derived properties only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from quartiers.contracts.choices import (
    MAX_PRIORITY_ACTIONS,
    ActionStatus,
    CarrierKind,
    ContractStatus,
    LinkStatus,
    SignatoryCategory,
    SignatoryStatus,
    Theme,
)
from quartiers.core.audit import AuditEntry  # noqa: F401  (registers the shared audit model)
from quartiers.geography.models import EPCI, QPV, Commune


class Contract(models.Model):
    # ANCT code: CN + département on 3 characters + 2 digits + letter (2024), CVnnn (2015).
    code = models.CharField("code du contrat", max_length=10, unique=True)
    generation = models.PositiveSmallIntegerField("génération", db_index=True)
    name = models.CharField("nom", max_length=200)
    source_label = models.CharField("libellé source (ANCT)", max_length=250, blank=True)
    carrier_kind = models.CharField("type de porteur", max_length=10, choices=CarrierKind.choices)
    # SIREN (EPCI, 9 digits) or INSEE code (commune, 5 digits) as written in the source, kept
    # even when the referential no longer has it (2015 SIRENs of MEL and CA de Cambrai).
    carrier_code = models.CharField("code du porteur (source)", max_length=9)
    carrier_epci = models.ForeignKey(
        EPCI,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name="EPCI porteur",
    )
    carrier_commune = models.ForeignKey(
        Commune,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name="commune porteuse",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ContractStatus.choices, default=ContractStatus.PREPARATION
    )
    signed_on = models.DateField("date de signature", null=True, blank=True)
    amendment_count = models.PositiveSmallIntegerField("nombre d'avenants", default=0)
    # The press kit's signing calendar (date and wording), kept apart from the real signature.
    signing_planned_on = models.DateField("date prévue de signature", null=True, blank=True)
    signing_label = models.CharField("intitulé au calendrier", max_length=200, blank=True)
    themes = models.JSONField("thématiques", default=list, blank=True)
    qpvs = models.ManyToManyField(QPV, through="ContractQPV", related_name="contracts")
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        ordering = ["-generation", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(carrier_kind__in=CarrierKind.values), name="contract_carrier_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def carrier(self) -> EPCI | Commune | None:
        return self.carrier_epci if self.carrier_kind == CarrierKind.EPCI else self.carrier_commune

    @property
    def theme_labels(self) -> list[tuple[str, str, bool]]:
        from quartiers.contracts.choices import TRANSVERSAL_THEMES

        return [(t, Theme(t).label, t in TRANSVERSAL_THEMES) for t in self.themes if t in Theme]


class ContractStatusChange(models.Model):
    """One dated step of the workflow (en préparation → signé → avenant(s) → évalué)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("statut précédent", max_length=20, choices=ContractStatus)
    to_status = models.CharField("nouveau statut", max_length=20, choices=ContractStatus)
    on = models.DateField("date d'effet")
    note = models.CharField("commentaire", max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()} ({self.on})"


class ContractQPV(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="qpv_links")
    # PROTECT: a QPV still in a contract's perimeter is never removed silently (an import
    # refuses, geography/importers/removals.py; --force-removals deletes these links first).
    qpv = models.ForeignKey(QPV, on_delete=models.PROTECT, related_name="contract_links")
    link_status = models.CharField(
        "rattachement", max_length=20, choices=LinkStatus.choices, default=LinkStatus.CERTAIN
    )
    # How many contracts the source links this QPV to (nb_contrats_qp).
    source_contract_count = models.PositiveSmallIntegerField("contrats possibles", default=1)

    class Meta:
        verbose_name = "QPV du contrat"
        verbose_name_plural = "QPV des contrats"
        ordering = ["qpv__code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "qpv"], name="contract_qpv_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} — {self.qpv.code}"

    @property
    def is_uncertain(self) -> bool:
        return self.link_status == LinkStatus.UNCERTAIN


class Signatory(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatories")
    category = models.CharField("catégorie", max_length=30, choices=SignatoryCategory.choices)
    name = models.CharField("signataire", max_length=200)
    required = models.BooleanField("signature requise", default=False)
    status = models.CharField(
        "statut", max_length=10, choices=SignatoryStatus.choices, default=SignatoryStatus.PENDING
    )
    signed_on = models.DateField("date de signature", null=True, blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "signataire"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "category", "name"], name="signatory_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="signed", signed_on__isnull=False) | ~Q(status="signed"),
                name="signatory_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"


def _document_path(instance: ContractDocument, filename: str) -> str:
    return f"contrats/{instance.contract.code}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier PDF", upload_to=_document_path, max_length=300)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    """An action of a contract. Priority ones (at most 3 per contract, « suivi renforcé »)
    carry a rank 1–3: the unique (contract, rank) constraint enforces the limit in the
    database too; ordinary actions have no rank and are tracked the same way."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("intitulé", max_length=250)
    objective = models.TextField("objectif", blank=True)
    theme = models.CharField("thématique", max_length=20, choices=Theme.choices)
    qpvs = models.ManyToManyField(QPV, blank=True, related_name="actions", verbose_name="QPV")
    is_priority = models.BooleanField("action prioritaire", default=False)
    priority_rank = models.PositiveSmallIntegerField(
        "rang de priorité", null=True, blank=True, editable=False
    )
    lead_name = models.CharField("chef de projet", max_length=150, blank=True)
    lead_organisation = models.CharField("organisme du chef de projet", max_length=200, blank=True)
    lead_email = models.EmailField("courriel du chef de projet", blank=True)
    # The partner organisation that leads the action (its partner accounts may edit it when
    # it signs the contract, see quartiers/contracts/access.py); explicit, never guessed.
    lead_partner = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name="organisme partenaire pilote",
    )
    budget = models.DecimalField(
        "budget (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        "statut", max_length=20, choices=ActionStatus.choices, default=ActionStatus.TO_START
    )
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_example = models.BooleanField("exemple du dossier de presse", default=False)
    example_source = models.CharField("source de l'exemple", max_length=200, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    class Meta:
        verbose_name = "action"
        ordering = ["contract__code", "-is_priority", "priority_rank", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "priority_rank"], name="action_priority_rank_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        is_priority=True,
                        priority_rank__gte=1,
                        priority_rank__lte=MAX_PRIORITY_ACTIONS,
                    )
                    | Q(is_priority=False, priority_rank__isnull=True)
                ),
                name="action_priority_rank_range",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="action_progress_range"
            ),
            # A priority action names its chef de projet (« suivi renforcé »).
            models.CheckConstraint(
                condition=Q(is_priority=False) | ~Q(lead_name=""),
                name="action_priority_lead_required",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneQuerySet(models.QuerySet["Milestone"]):
    def late(self, *, today: date) -> MilestoneQuerySet:
        return self.filter(done_on__isnull=True, due_on__lt=today)

    def due_within(self, *, today: date, days: int) -> MilestoneQuerySet:
        from datetime import timedelta

        return self.filter(
            done_on__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=days)
        )


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField("jalon", max_length=250)
    due_on = models.DateField("échéance")
    done_on = models.DateField("réalisé le", null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "jalon"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.due_on:%d/%m/%Y})"

    def is_late(self, today: date | None = None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class FollowUpNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField("date")
    text = models.TextField("note de suivi")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="auteur",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"
        ordering = ["-written_on", "-pk"]

    def __str__(self) -> str:
        return f"Note du {self.written_on:%d/%m/%Y}"
