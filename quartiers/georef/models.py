"""Georeferencing data kept in the database."""

from __future__ import annotations

from django.db import models


class GeocodeCache(models.Model):
    """One geocoding answer per normalised address and service, so that an address is never
    geocoded twice. Deliberately linked to no user, file or job: it tells nobody who asked."""

    # sha256 of "service\nnormalised address|postcode|citycode" (see geocoder/cache.py).
    key = models.CharField("clé", max_length=64, unique=True)
    service = models.CharField("service de géocodage", max_length=200)
    found = models.BooleanField("trouvée")
    label = models.CharField("libellé", max_length=300, blank=True)
    score = models.FloatField("score", null=True, blank=True)
    score_next = models.FloatField("score du deuxième candidat", null=True, blank=True)
    result_type = models.CharField("type de résultat", max_length=20, blank=True)
    citycode = models.CharField("code INSEE", max_length=5, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    lon = models.FloatField("longitude", null=True, blank=True)
    lat = models.FloatField("latitude", null=True, blank=True)
    created_at = models.DateTimeField("géocodée le", auto_now_add=True)

    class Meta:
        verbose_name = "adresse géocodée (cache)"
        verbose_name_plural = "adresses géocodées (cache)"

    def __str__(self) -> str:
        return self.label or "(non trouvée)"


# Batch jobs live in their own module (owned by the batch work); imported here so Django sees them.
from quartiers.georef.job_models import GeorefJob, JobStatus  # noqa: E402

__all__ = ["GeocodeCache", "GeorefJob", "JobStatus"]
