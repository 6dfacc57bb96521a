"""/api/qpv: the registry's priority neighbourhoods, read-only (open data)."""

from __future__ import annotations

import math

import shapely
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from quartiers.api.schemas import Error
from quartiers.geography.models import QPV, Generation

router = Router(tags=["Quartiers prioritaires"])
MAX_PAGE_SIZE = 500


class QpvFilters(Schema):
    generation: int | None = Field(None, description="Géographie prioritaire (défaut : 2024).")
    departement: str | None = Field(None, description="Code du département, par ex. 59.")
    commune: str | None = Field(None, description="Code INSEE d'une commune, par ex. 59350.")
    epci: str | None = Field(None, description="SIREN d'un EPCI.")
    page: int = Field(1, ge=1, le=1_000_000, description="Numéro de page, à partir de 1.")
    taille: int = Field(100, ge=1, le=MAX_PAGE_SIZE, description="QPV par page (500 au plus).")


class QpvItem(Schema):
    code: str
    nom: str
    generation: int
    departement: str
    communes: list[str] = Field(description="Codes INSEE des communes.")
    epci: list[str] = Field(description="SIREN des EPCI.")
    population: int | None
    npnru: str = Field(description="Statut NPNRU confirmé (unknown : inconnu).")
    bbox: list[float] = Field(description="[lon min, lat min, lon max, lat max] (WGS84).")
    url: str


class QpvPage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[QpvItem]


class QpvDetail(QpvItem):
    contour: dict = Field(description="Géométrie GeoJSON (MultiPolygon, WGS84).")


def _generation(value: int | None) -> int:
    generation = int(settings.QPV_GENERATION) if value is None else value
    if generation not in Generation.values:
        known = ", ".join(str(v) for v in Generation.values)
        raise HttpError(400, f"géographie prioritaire {generation} inconnue (prévues : {known}).")
    return generation


def _item(qpv: QPV) -> dict:
    return {
        "code": qpv.code,
        "nom": qpv.name,
        "generation": qpv.generation,
        "departement": qpv.departement_code,
        "communes": list(qpv.commune_codes),
        "epci": list(qpv.epci_sirens),
        "population": qpv.population,
        "npnru": qpv.npnru_status,
        "bbox": [qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat],
        "url": reverse("geography:qpv_detail", args=[qpv.code]) + f"?generation={qpv.generation}",
    }


@router.get(
    "",
    response={200: QpvPage, 400: Error, 422: Error},
    url_name="qpv_list",
    summary="Liste des quartiers prioritaires (QPV)",
)
def qpv_list(request: HttpRequest, filters: Query[QpvFilters]):
    """Les QPV d'une géographie, par pages, filtrés par département, commune ou EPCI."""
    qpvs = QPV.objects.of_generation(_generation(filters.generation)).defer("contour_wkb")
    if filters.departement:
        qpvs = qpvs.filter(departement_code=filters.departement)
    if filters.commune:
        qpvs = qpvs.filter(communes__insee_code=filters.commune)
    if filters.epci:
        qpvs = qpvs.filter(epcis__siren=filters.epci)
    qpvs = qpvs.distinct().order_by("code")
    total = qpvs.count()
    start = (filters.page - 1) * filters.taille
    page = qpvs[start : start + filters.taille]
    return {
        "total": total,
        "page": filters.page,
        "pages": max(math.ceil(total / filters.taille), 1),
        "resultats": [_item(qpv) for qpv in page],
    }


@router.get(
    "/{code}",
    response={200: QpvDetail, 400: Error, 404: Error, 422: Error},
    url_name="qpv",
    summary="Un quartier prioritaire et son contour",
)
def qpv_detail(request: HttpRequest, code: str, generation: int | None = None):
    """Un QPV, avec son contour GeoJSON exact (tel qu'enregistré)."""
    qpv = QPV.objects.filter(code=code, generation=_generation(generation)).first()
    if qpv is None:
        raise HttpError(404, f"QPV « {code[:20]} » inconnu dans cette géographie.")
    geometry = shapely.from_wkb(bytes(qpv.contour_wkb))
    return {**_item(qpv), "contour": shapely.geometry.mapping(geometry)}
