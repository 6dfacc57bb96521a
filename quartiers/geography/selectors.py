"""Read-side queries of the geography registry (home counts, filtered lists, detail pages)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum

from quartiers.geography.models import (
    EPCI,
    QPV,
    Arrondissement,
    Commune,
    Departement,
    Generation,
    ImportRun,
    NpnruEstimate,
    NpnruStatus,
)


def departement_current() -> Departement | None:
    """The département the application is set up for (setting DEPARTEMENT), once imported."""
    return Departement.objects.filter(insee_code=settings.DEPARTEMENT).first()


def generation_resolve(*, raw: str | int | None) -> int:
    """The generation asked for (`?generation=2015`), or the default one when absent/unknown."""
    try:
        value = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return settings.QPV_GENERATION
    return value if value in Generation.values else settings.QPV_GENERATION


def text_fold(*, text: str) -> str:
    """Lower case without accents, for accent-insensitive search on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass(frozen=True)
class KeyCounts:
    generation: int
    qpv_count: int
    commune_count: int
    epci_count: int
    arrondissement_count: int
    departement_count: int
    qpv_population: int | None
    qpv_with_population: int
    population_source: str
    population_vintage: str
    npnru_national_count: int
    npnru_estimated_count: int


def key_counts(*, generation: int | None = None) -> KeyCounts:
    generation = generation or settings.QPV_GENERATION
    qpvs = QPV.objects.of_generation(generation)
    population = qpvs.aggregate(total=Sum("population"), n=Count("population"))
    with_population = qpvs.exclude(population=None)
    sources = sorted(set(with_population.values_list("population_source", flat=True)) - {""})
    vintages = sorted(set(with_population.values_list("population_vintage", flat=True)) - {""})
    return KeyCounts(
        generation=generation,
        qpv_count=qpvs.count(),
        commune_count=Commune.objects.filter(qpvs__generation=generation).distinct().count(),
        epci_count=EPCI.objects.filter(qpvs__generation=generation).distinct().count(),
        arrondissement_count=Arrondissement.objects.filter(communes__qpvs__generation=generation)
        .distinct()
        .count(),
        departement_count=Departement.objects.filter(qpvs__generation=generation)
        .distinct()
        .count(),
        qpv_population=population["total"],
        qpv_with_population=population["n"],
        population_source=", ".join(sources),
        population_vintage=", ".join(vintages),
        npnru_national_count=qpvs.filter(npnru_national_q()).count(),
        npnru_estimated_count=qpvs.filter(npnru_estimated_q()).count(),
    )


def npnru_estimated_q() -> Q:
    """QPV whose displayed NPNRU status comes from the unofficial estimate."""
    return Q(npnru_status=NpnruStatus.UNKNOWN) & ~Q(npnru_estimate="")


def npnru_national_q() -> Q:
    """Same rule as `QPV.npnru_is_national`: confirmed status first, else the estimate."""
    estimated_national = [NpnruEstimate.NATIONAL, NpnruEstimate.NATIONAL_REGIONAL]
    return Q(npnru_status=NpnruStatus.NATIONAL) | (
        Q(npnru_status=NpnruStatus.UNKNOWN) & Q(npnru_estimate__in=estimated_national)
    )


def npnru_regional_q() -> Q:
    estimated_regional = [
        NpnruEstimate.REGIONAL,
        NpnruEstimate.REGIONAL_POSSIBLE,
        NpnruEstimate.NATIONAL_REGIONAL,
    ]
    return Q(npnru_status=NpnruStatus.REGIONAL) | (
        Q(npnru_status=NpnruStatus.UNKNOWN) & Q(npnru_estimate__in=estimated_regional)
    )


def npnru_none_q() -> Q:
    return Q(npnru_status=NpnruStatus.NONE) | (
        Q(npnru_status=NpnruStatus.UNKNOWN) & Q(npnru_estimate=NpnruEstimate.NONE)
    )


NPNRU_FILTERS: dict[str, tuple[str, object]] = {
    "national": ("Intérêt national", npnru_national_q),
    "regional": ("Intérêt régional (y compris possible)", npnru_regional_q),
    "none": ("Hors NPNRU", npnru_none_q),
    "estimated": ("Statut estimé, à vérifier", npnru_estimated_q),
}


def _ids_matching(*, queryset: QuerySet[Any], query: str, fields: tuple[str, ...]) -> list[int]:
    """Primary keys whose fields contain `query`, ignoring case and accents (done in Python:
    SQLite has no unaccent; a few thousand short rows at most)."""
    needle = text_fold(text=query)
    rows = queryset.values_list("pk", *fields)
    return [row[0] for row in rows if any(needle in text_fold(text=v or "") for v in row[1:])]


def qpv_search(
    *,
    generation: int,
    query: str = "",
    commune: Commune | None = None,
    epci: EPCI | None = None,
    arrondissement: Arrondissement | None = None,
    departement: Departement | None = None,
    npnru: str = "",
) -> QuerySet[QPV]:
    qpvs = QPV.objects.of_generation(generation)
    if commune is not None:
        qpvs = qpvs.filter(communes=commune)
    if epci is not None:
        qpvs = qpvs.filter(epcis=epci)
    if arrondissement is not None:
        qpvs = qpvs.filter(communes__arrondissement=arrondissement)
    if departement is not None:
        qpvs = qpvs.filter(departement=departement)
    if npnru in NPNRU_FILTERS:
        qpvs = qpvs.filter(NPNRU_FILTERS[npnru][1]())  # type: ignore[operator]
    if query.strip():
        qpvs = qpvs.filter(
            pk__in=_ids_matching(queryset=qpvs, query=query, fields=("code", "name"))
        )
    return qpv_with_relations(queryset=qpvs.distinct())


def qpv_with_relations(*, queryset: QuerySet[QPV]) -> QuerySet[QPV]:
    communes = Commune.objects.select_related("arrondissement", "epci").order_by("name")
    return (
        queryset.select_related("departement")
        .prefetch_related(Prefetch("communes", queryset=communes), "epcis")
        .defer("contour_wkb")
        .order_by("code")
    )


def commune_search(
    *,
    generation: int,
    query: str = "",
    epci: EPCI | None = None,
    arrondissement: Arrondissement | None = None,
    with_qpv_only: bool = True,
) -> QuerySet[Commune]:
    communes = Commune.objects.all()
    if epci is not None:
        communes = communes.filter(epci=epci)
    if arrondissement is not None:
        communes = communes.filter(arrondissement=arrondissement)
    if query.strip():
        ids = _ids_matching(queryset=communes, query=query, fields=("insee_code", "name"))
        communes = communes.filter(pk__in=ids)
    communes = communes.annotate(
        qpv_count=Count("qpvs", filter=Q(qpvs__generation=generation), distinct=True),
        qpv_population=Sum("qpvs__population", filter=Q(qpvs__generation=generation)),
    )
    if with_qpv_only:
        communes = communes.filter(qpv_count__gt=0)
    return communes.select_related("epci", "arrondissement", "departement").defer("contour_wkb")


def epci_search(*, generation: int, query: str = "", with_qpv_only: bool = True) -> QuerySet[EPCI]:
    epcis = EPCI.objects.all()
    if query.strip():
        epcis = epcis.filter(
            pk__in=_ids_matching(queryset=epcis, query=query, fields=("siren", "name"))
        )
    epcis = epcis.annotate(
        qpv_count=Count("qpvs", filter=Q(qpvs__generation=generation), distinct=True),
        commune_count=Count("communes", distinct=True),
    )
    if with_qpv_only:
        epcis = epcis.filter(qpv_count__gt=0)
    return epcis.order_by("name")


def qpv_population_by_epci(*, generation: int) -> dict[int, int]:
    """Sum of QPV population per EPCI, each QPV counted once per EPCI it belongs to."""
    rows = (
        QPV.objects.of_generation(generation)
        .exclude(population=None)
        .values_list("epcis", "population")
    )
    totals: dict[int, int] = {}
    for epci_id, population in rows:
        if epci_id is not None and population is not None:
            totals[epci_id] = totals.get(epci_id, 0) + population
    return totals


def geography_fingerprint(*, generation: int) -> str:
    """Changes whenever an import is applied or QPV rows of the generation change: the key of
    the cached map payloads."""
    last_run = ImportRun.objects.filter(applied=True).aggregate(last=Max("pk"))["last"]
    qpvs = QPV.objects.of_generation(generation).aggregate(n=Count("pk"), last=Max("pk"))
    communes = Commune.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return f"{generation}-{last_run}-{qpvs['n']}-{qpvs['last']}-{communes['n']}-{communes['last']}"
