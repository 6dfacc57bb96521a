"""Partner organisations (members of the mission CONCERTO and other signatories), the
délégués du préfet with their territory, and the CONCERTO commitments per contract and theme.

Writes go through `quartiers.organisation.services` (audit trail); rights are decided in
`quartiers.contracts.access`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from quartiers.contracts.choices import SignatoryCategory, Theme
from quartiers.organisation.choices import CommitmentStatus, OrganisationKind


class Organisation(models.Model):
    """A State service, operator, agency or social security body (mission CONCERTO), or
    another partner. Partner accounts belong to one (`User.partner_organisation`)."""

    code = models.SlugField("code", max_length=40, unique=True)
    acronym = models.CharField("sigle", max_length=40)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=20, choices=OrganisationKind.choices)
    # How the organisation appears among a contract's signatories: a partner "signs" a
    # contract when one of its signatories has this category (or exactly this name).
    signatory_category = models.CharField(
        "catégorie de signataire", max_length=30, choices=SignatoryCategory.choices, blank=True
    )
    concerto_member = models.BooleanField("membre de la mission CONCERTO", default=True)

    class Meta:
        verbose_name = "organisme partenaire"
        verbose_name_plural = "organismes partenaires"
        ordering = ["acronym"]

    def __str__(self) -> str:
        return self.acronym if self.acronym == self.name else f"{self.acronym} — {self.name}"


class PrefectDelegate(models.Model):
    """One of the 15 délégués du préfet. Territory = assigned QPV + assigned contracts (and,
    through them, the QPV of those contracts); see `quartiers.contracts.access`."""

    name = models.CharField("nom", max_length=150)
    email = models.EmailField("courriel", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegate_profile",
        verbose_name="compte",
    )
    qpvs = models.ManyToManyField(
        "geography.QPV", blank=True, related_name="delegates", verbose_name="QPV suivis"
    )
    contracts = models.ManyToManyField(
        "contracts.Contract", blank=True, related_name="delegates", verbose_name="contrats suivis"
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)

    class Meta:
        verbose_name = "délégué du préfet"
        verbose_name_plural = "délégués du préfet"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """A commitment of a CONCERTO member in one contract, on one theme."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commitments", verbose_name="membre"
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name="contrat",
    )
    theme = models.CharField("thématique", max_length=20, choices=Theme.choices)
    title = models.CharField("engagement", max_length=300)
    target = models.CharField("cible", max_length=200, blank=True)
    deadline = models.DateField("échéance", null=True, blank=True)
    indicator = models.CharField("indicateur de suivi", max_length=200, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    class Meta:
        verbose_name = "engagement CONCERTO"
        verbose_name_plural = "engagements CONCERTO"
        ordering = ["contract__code", "organisation__acronym", "theme", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="commitment_progress_range"
            ),
            models.UniqueConstraint(
                fields=["organisation", "contract", "title"], name="commitment_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.acronym} — {self.title}"

    def is_overdue(self, today: date | None = None) -> bool:
        open_ = self.status not in {CommitmentStatus.ACHIEVED, CommitmentStatus.ABANDONED}
        return bool(open_ and self.deadline and self.deadline < (today or timezone.localdate()))
