"""Read-side queries of the geography registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum

from quartiers.geography.models import EPCI, QPV, Commune, Departement


@dataclass(frozen=True)
class KeyCounts:
    qpv_count: int
    commune_count: int
    epci_count: int
    departement_count: int
    qpv_population: int | None
    population_source: str


def key_counts(*, generation: int | None = None) -> KeyCounts:
    generation = generation or settings.QPV_GENERATION
    qpvs = QPV.objects.of_generation(generation)
    population = qpvs.aggregate(total=Sum("population"))["total"]
    sources = sorted(
        set(qpvs.exclude(population_source="").values_list("population_source", flat=True))
    )
    return KeyCounts(
        qpv_count=qpvs.count(),
        commune_count=Commune.objects.filter(qpvs__generation=generation).distinct().count(),
        epci_count=EPCI.objects.filter(qpvs__generation=generation).distinct().count(),
        departement_count=Departement.objects.annotate(n=Count("qpvs")).filter(n__gt=0).count(),
        qpv_population=population,
        population_source=", ".join(sources),
    )
