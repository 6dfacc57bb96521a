"""Associations (SIRET, RNA, address located in or out of a QPV), contacts, user accounts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from quartiers.geography.models import QPV, Commune
from quartiers.grants.choices import LocationSource, QpvLocation


class Association(models.Model):
    uuid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=250)
    siret = models.CharField("SIRET", max_length=14, unique=True)
    siren = models.CharField("SIREN", max_length=9, db_index=True)
    rna_number = models.CharField("numéro RNA", max_length=10, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=150, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="commune (INSEE)"
    )
    lon = models.FloatField("longitude (WGS84)", null=True, blank=True)
    lat = models.FloatField("latitude (WGS84)", null=True, blank=True)
    qpv_location = models.CharField(
        "localisation", max_length=10, choices=QpvLocation.choices, default=QpvLocation.UNKNOWN
    )
    qpv = models.ForeignKey(
        QPV,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grant_associations",
        verbose_name="QPV du siège",
    )
    qpv_generation = models.PositiveSmallIntegerField("géographie prioritaire", null=True)
    qpv_distance_m = models.FloatField("distance à la limite d'un QPV (m)", null=True)
    # Every QPV containing the seat, primary first (contours overlap), and the QPV whose
    # boundary is nearest (the one the distance refers to).
    qpv_codes = models.JSONField("QPV contenant le siège", default=list, blank=True)
    qpv_nearest_code = models.CharField("QPV le plus proche", max_length=12, blank=True)
    location_source = models.CharField(
        "origine de la position", max_length=10, choices=LocationSource.choices, blank=True
    )
    # The geocoder's answer (BAN protocol): label, score in [0, 1], type (housenumber, street,
    # locality, municipality).
    geocoded_label = models.CharField("adresse géocodée", max_length=300, blank=True)
    geocode_score = models.FloatField("score de géocodage", null=True, blank=True)
    geocode_type = models.CharField("précision du géocodage", max_length=20, blank=True)
    location_reasons = models.JSONField("raisons de l'incertitude", default=list, blank=True)
    location_notice = models.CharField("localisation impossible", max_length=300, blank=True)
    located_at = models.DateTimeField("localisée le", null=True, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_demo = models.BooleanField("association de démonstration", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "association"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_line(self) -> str:
        """The postal address on one line, as the geocoder reads it."""
        return " ".join(" ".join(p.split()) for p in (self.address, self.postcode, self.city) if p)


class AssociationContact(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=150)
    role = models.CharField("fonction", max_length=150, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_legal_representative = models.BooleanField("représentant légal", default=False)

    class Meta:
        verbose_name = "contact"
        ordering = ["-is_legal_representative", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class AssociationMembership(models.Model):
    """An association account acts for exactly one association."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="association_membership",
        verbose_name="compte",
    )
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = "compte d'association"

    def __str__(self) -> str:
        return f"{self.user} → {self.association}"
