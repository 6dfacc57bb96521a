"""The priority geography registry: départements, arrondissements, EPCI, communes, QPV.

Contours are stored as WKB (exact, WGS84 lon/lat) with indexed bounding-box columns; no
GeoDjango. The exact point-in-polygon test lives in `quartiers.georef`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Generation(models.IntegerChoices):
    """Official priority geography in force (décret n° 2014-1750 / n° 2023-1314)."""

    G2015 = 2015, "Géographie 2015"
    G2024 = 2024, "Géographie 2024"


class NpnruStatus(models.TextChoices):
    NATIONAL = "national", "Intérêt national"
    REGIONAL = "regional", "Intérêt régional"
    NONE = "none", "Hors NPNRU"
    UNKNOWN = "unknown", "Inconnu"


class NpnruEstimate(models.TextChoices):
    """Values of `statut_npnru_derive` in the unofficial estimate (see PROVENANCE.md §7)."""

    NATIONAL = "national", "Intérêt national (estimé)"
    NATIONAL_REGIONAL = "national+regional", "Intérêt national et régional (estimé)"
    REGIONAL = "regional", "Intérêt régional (estimé)"
    REGIONAL_POSSIBLE = "regional_possible", "Intérêt régional possible (estimé)"
    NONE = "none", "Hors NPNRU (estimé)"
    MISSING = "", "Pas d'estimation"


class EpciKind(models.TextChoices):
    METRO = "METRO", "Métropole"
    CU = "CU", "Communauté urbaine"
    CA = "CA", "Communauté d'agglomération"
    CC = "CC", "Communauté de communes"
    OTHER = "", "Autre"


class BBoxMixin(models.Model):
    """Bounding box in WGS84 degrees, indexed for cheap prefilters."""

    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    class Meta:
        abstract = True


class Departement(BBoxMixin):
    insee_code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region_code = models.CharField("code région", max_length=3, blank=True)
    contour_wkb = models.BinaryField("contour (WKB, WGS84)", null=True, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["insee_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class Arrondissement(BBoxMixin):
    # COG code: département + one digit, e.g. "592" (the 2018 contours write it "59002").
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="arrondissements"
    )
    contour_wkb = models.BinaryField("contour (WKB, WGS84)", null=True, blank=True)

    class Meta:
        verbose_name = "arrondissement"
        ordering = ["insee_code"]

    def __str__(self) -> str:
        return self.name


class EPCI(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=10, choices=EpciKind.choices, blank=True)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_vintage = models.CharField("millésime de population", max_length=20, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(BBoxMixin):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", null=True, blank=True
    )
    arrondissement = models.ForeignKey(
        Arrondissement, on_delete=models.SET_NULL, related_name="communes", null=True, blank=True
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, related_name="communes", null=True, blank=True
    )
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_vintage = models.CharField("millésime de population", max_length=20, blank=True)
    postcodes = models.JSONField("codes postaux", default=list, blank=True)
    contour_wkb = models.BinaryField("contour (WKB, WGS84)", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class QPVQuerySet(models.QuerySet["QPV"]):
    def of_generation(self, generation: int) -> QPVQuerySet:
        return self.filter(generation=generation)


class QPV(BBoxMixin):
    code = models.CharField("code QPV", max_length=10)
    generation = models.PositiveSmallIntegerField(
        "géographie", choices=Generation.choices, default=Generation.G2024
    )
    name = models.CharField("nom", max_length=250)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="qpvs", null=True, blank=True
    )
    # Department code as written in the source, kept even when the département row is absent
    # (national file: overseas territories…).
    departement_code = models.CharField("code département", max_length=3, db_index=True)
    communes = models.ManyToManyField(Commune, related_name="qpvs", blank=True)
    # Commune codes and EPCI SIRENs as given by the contour file (lists), kept even when the
    # referential has no such row yet.
    commune_codes = models.JSONField("codes communes (source)", default=list, blank=True)
    epci_sirens = models.JSONField("SIREN des EPCI (source)", default=list, blank=True)
    epcis = models.ManyToManyField(EPCI, related_name="qpvs", blank=True)

    population = models.PositiveIntegerField("population", null=True, blank=True)
    population_source = models.CharField("source de la population", max_length=200, blank=True)
    population_vintage = models.CharField("millésime de la population", max_length=20, blank=True)

    # Confirmed status (official list); the estimate is kept apart and always labelled as such.
    npnru_status = models.CharField(
        "statut NPNRU", max_length=20, choices=NpnruStatus.choices, default=NpnruStatus.UNKNOWN
    )
    npnru_estimate = models.CharField(
        "statut NPNRU estimé (à vérifier)",
        max_length=20,
        choices=NpnruEstimate.choices,
        blank=True,
        default="",
    )
    npnru_estimate_note = models.TextField("motif de l'estimation", blank=True)

    contour_wkb = models.BinaryField("contour (WKB, WGS84)")
    contour_repaired = models.BooleanField("contour réparé à l'import", default=False)

    objects = QPVQuerySet.as_manager()

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "generation"], name="qpv_code_generation")
        ]
        indexes = [
            models.Index(fields=["generation", "min_lon", "max_lon"]),
            models.Index(fields=["generation", "min_lat", "max_lat"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def npnru_is_national(self) -> bool:
        """Confirmed status wins; otherwise the estimate decides (and is shown as such)."""
        if self.npnru_status != NpnruStatus.UNKNOWN:
            return self.npnru_status == NpnruStatus.NATIONAL
        return self.npnru_estimate in {NpnruEstimate.NATIONAL, NpnruEstimate.NATIONAL_REGIONAL}

    @property
    def npnru_label(self) -> str:
        if self.npnru_status != NpnruStatus.UNKNOWN:
            return self.get_npnru_status_display()
        if self.npnru_estimate:
            return f"{self.get_npnru_estimate_display()} — estimé, à vérifier"
        return NpnruStatus.UNKNOWN.label


class ImportRun(models.Model):
    """Provenance of every import, applied or dry-run."""

    kind = models.CharField("type d'import", max_length=40)
    source = models.TextField("source (fichier ou URL)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    started_at = models.DateTimeField("début", auto_now_add=True)
    applied = models.BooleanField("appliqué", default=False)
    generation = models.PositiveSmallIntegerField(null=True, blank=True)
    counts = models.JSONField("décomptes", default=dict)
    warnings = models.JSONField("avertissements", default=list)
    # Who applied it from the import screen (empty for a management command or the demo).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name="appliqué par",
    )

    class Meta:
        verbose_name = "import"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} — {self.started_at:%d/%m/%Y %H:%M}"
