"""One page per territory: QPV, commune, EPCI, arrondissement, département."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from quartiers.core.pagecache import public_page
from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune, Departement
from quartiers.geography.selectors import (
    npnru_estimated_q,
    npnru_national_q,
    qpv_search,
    qpv_with_relations,
)
from quartiers.geography.tables import qpv_arrondissements
from quartiers.geography.views.common import map_layer, request_generation


def _small_map(kind: str, code: str, generation: int, label: str) -> list[dict[str, object]]:
    url = reverse("geography:area_geojson", args=[kind, code]) + f"?generation={generation}"
    return [map_layer(layer_id=kind, label=label, url=url)]


def _qpv_summary(qpvs) -> dict[str, object]:
    """Counts shown on the area pages, from a QPV queryset."""
    ids = list(qpvs.values_list("pk", flat=True))
    base = QPV.objects.filter(pk__in=ids)
    return {
        "qpv_count": len(ids),
        "qpv_population": base.aggregate(total=Sum("population"))["total"],
        "npnru_national_count": base.filter(npnru_national_q()).count(),
        "npnru_estimated_count": base.filter(npnru_estimated_q()).count(),
    }


@public_page()
def qpv_detail(request: HttpRequest, code: str) -> HttpResponse:
    generation = request_generation(request)
    qpv = get_object_or_404(
        qpv_with_relations(queryset=QPV.objects.filter(generation=generation)), code=code
    )
    communes = list(qpv.communes.all())
    missing_communes = sorted(set(qpv.commune_codes) - {c.insee_code for c in communes})
    return render(
        request,
        "geography/qpv_detail.html",
        {
            "title": f"{qpv.name} ({qpv.code})",
            "breadcrumb": [
                ("Quartiers prioritaires", reverse("geography:qpv_list")),
                (qpv.name, None),
            ],
            "qpv": qpv,
            "communes": communes,
            "missing_communes": missing_communes,
            "epcis": sorted(qpv.epcis.all(), key=lambda e: e.name.casefold()),
            "arrondissements": qpv_arrondissements(qpv),
            "npnru_estimated": qpv.npnru_status == "unknown" and bool(qpv.npnru_estimate),
            "map_layers": _small_map("qpv", qpv.code, generation, "Contour du quartier"),
            "generation": generation,
        },
    )


def commune_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    generation = request_generation(request)
    commune = get_object_or_404(
        Commune.objects.select_related("epci", "arrondissement", "departement"),
        insee_code=insee_code,
    )
    qpvs = qpv_search(generation=generation, commune=commune)
    return render(
        request,
        "geography/commune_detail.html",
        {
            "title": f"{commune.name} ({commune.insee_code})",
            "breadcrumb": [("Communes", reverse("geography:commune_list")), (commune.name, None)],
            "commune": commune,
            "qpvs": qpvs,
            "summary": _qpv_summary(qpvs),
            "map_layers": _small_map(
                "commune", commune.insee_code, generation, "Commune et ses quartiers"
            ),
            "generation": generation,
        },
    )


def epci_detail(request: HttpRequest, siren: str) -> HttpResponse:
    generation = request_generation(request)
    epci = get_object_or_404(EPCI, siren=siren)
    qpvs = qpv_search(generation=generation, epci=epci)
    communes = (
        epci.communes.annotate(
            qpv_count=Count("qpvs", filter=Q(qpvs__generation=generation), distinct=True)
        )
        .filter(qpv_count__gt=0)
        .select_related("arrondissement")
        .defer("contour_wkb")
        .order_by("name")
    )
    return render(
        request,
        "geography/epci_detail.html",
        {
            "title": epci.name,
            "breadcrumb": [("EPCI", reverse("geography:epci_list")), (epci.name, None)],
            "epci": epci,
            "qpvs": qpvs,
            "communes_with_qpv": communes,
            "commune_count": epci.communes.count(),
            "summary": _qpv_summary(qpvs),
            "map_layers": _small_map("epci", epci.siren, generation, "EPCI et ses quartiers"),
            "generation": generation,
        },
    )


def arrondissement_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    generation = request_generation(request)
    arrondissement = get_object_or_404(
        Arrondissement.objects.select_related("departement"), insee_code=insee_code
    )
    qpvs = qpv_search(generation=generation, arrondissement=arrondissement)
    communes = arrondissement.communes.all()
    return render(
        request,
        "geography/area_detail.html",
        {
            "title": f"Arrondissement de {arrondissement.name}",
            "breadcrumb": [
                (
                    arrondissement.departement.name,
                    reverse(
                        "geography:departement_detail", args=[arrondissement.departement.insee_code]
                    ),
                ),
                (f"Arrondissement de {arrondissement.name}", None),
            ],
            "area": arrondissement,
            "area_kind": "arrondissement",
            "qpvs": qpvs,
            "summary": _qpv_summary(qpvs),
            "commune_count": communes.count(),
            "commune_with_qpv_count": communes.filter(qpvs__generation=generation)
            .distinct()
            .count(),
            "map_layers": _small_map(
                "arrondissement", arrondissement.insee_code, generation, "Arrondissement"
            ),
            "generation": generation,
        },
    )


def departement_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    generation = request_generation(request)
    departement = get_object_or_404(Departement, insee_code=insee_code)
    qpvs = qpv_search(generation=generation, departement=departement)
    arrondissements = departement.arrondissements.annotate(
        qpv_count=Count(
            "communes__qpvs", filter=Q(communes__qpvs__generation=generation), distinct=True
        )
    ).order_by("insee_code")
    communes = departement.communes.all()
    return render(
        request,
        "geography/area_detail.html",
        {
            "title": f"Département : {departement.name}",
            "breadcrumb": [(f"Département : {departement.name}", None)],
            "area": departement,
            "area_kind": "departement",
            "arrondissements": arrondissements,
            "qpvs": qpvs,
            "summary": _qpv_summary(qpvs),
            "commune_count": communes.count(),
            "commune_with_qpv_count": communes.filter(qpvs__generation=generation)
            .distinct()
            .count(),
            "map_layers": _small_map(
                "departement", departement.insee_code, generation, "Département"
            ),
            "generation": generation,
        },
    )
