"""State-funded posts in associations: adultes-relais and FONJEP posts (PROVENANCE A2).

A post is funded year after year under three-year agreements that are renewed; the ANCT files
give, per year, the post's identifier, its employer and the contract it serves (not the QPV:
the QPV is set when the contract covers a single one, else left to the préfecture).
"""

from __future__ import annotations

from django.db import models

from quartiers.contracts.models import Contract
from quartiers.geography.models import QPV, ImportRun

AGREEMENT_YEARS = 3  # adulte-relais and FONJEP posts: three-year agreements, renewable


class PostScheme(models.TextChoices):
    ADULTE_RELAIS = "adulte_relais", "Adulte-relais"
    FONJEP = "fonjep", "Poste FONJEP"


class FundedPost(models.Model):
    scheme = models.CharField("dispositif", max_length=20, choices=PostScheme.choices)
    post_id = models.CharField("identifiant du poste", max_length=20)
    employer_name = models.CharField("employeur", max_length=200)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)
    qpv = models.ForeignKey(
        QPV,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_posts",
        verbose_name="QPV desservi",
    )

    class Meta:
        verbose_name = "poste financé"
        verbose_name_plural = "postes financés"
        ordering = ["scheme", "post_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "post_id"], name="grants_post_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.post_id} — {self.employer_name}"


class PostYear(models.Model):
    """One funded year of a post: the amount paid and the contract served that year."""

    post = models.ForeignKey(FundedPost, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("année")
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    contract = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funded_post_years",
        verbose_name="contrat de ville",
    )
    contract_code = models.CharField("code du contrat (source)", max_length=10)
    source_rows = models.PositiveSmallIntegerField("lignes de la source", default=1)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "année de financement d'un poste"
        ordering = ["post", "year"]
        constraints = [
            models.UniqueConstraint(fields=["post", "year"], name="grants_post_one_year")
        ]

    def __str__(self) -> str:
        return f"{self.post.post_id} {self.year} : {self.amount} €"
