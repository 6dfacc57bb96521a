"""/api/departements, /api/arrondissements, /api/epci, /api/communes: the registry's
territories, read-only (open data); details carry their contour as GeoJSON (WGS84)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from quartiers.api.pagination import PageParams, bbox, geojson, not_found, page_of
from quartiers.api.schemas import Error
from quartiers.geography.models import EPCI, Arrondissement, Commune, Departement

router = Router(tags=["Territoires"])
LIST_ERRORS = {422: Error}
DETAIL_ERRORS = {404: Error, 422: Error}
CONTOUR = Field(None, description="Contour GeoJSON (WGS84), null s'il n'est pas importé.")


class TerritoryItem(Schema):
    code: str = Field(description="Code INSEE (SIREN pour un EPCI).")
    nom: str
    bbox: list[float] | None = Field(description="[lon min, lat min, lon max, lat max].")


class DepartementDetail(TerritoryItem):
    region: str
    contour: dict | None = CONTOUR


class ArrondissementItem(TerritoryItem):
    departement: str


class ArrondissementDetail(ArrondissementItem):
    contour: dict | None = CONTOUR


class EpciItem(Schema):
    code: str = Field(description="SIREN.")
    nom: str
    nature: str = Field(description="CC, CA, CU, METRO… (vide si inconnue).")
    population: int | None
    millesime_population: str
    communes: int = Field(description="Nombre de communes membres dans le registre.")


class CommuneItem(TerritoryItem):
    departement: str | None
    arrondissement: str | None
    epci: str | None = Field(description="SIREN de l'EPCI.")
    population: int | None
    millesime_population: str
    codes_postaux: list[str]


class CommuneDetail(CommuneItem):
    qpv: list[str] = Field(description="Codes des QPV (toutes géographies) de la commune.")
    contour: dict | None = CONTOUR


class Page(Schema):
    total: int
    page: int
    pages: int


class DepartementPage(Page):
    resultats: list[TerritoryItem]


class ArrondissementPage(Page):
    resultats: list[ArrondissementItem]


class EpciPage(Page):
    resultats: list[EpciItem]


class CommunePage(Page):
    resultats: list[CommuneItem]


class ArrondissementFilters(PageParams):
    departement: str | None = Field(None, description="Code du département, par ex. 59.")


class EpciFilters(PageParams):
    departement: str | None = Field(None, description="EPCI ayant une commune du département.")


class CommuneFilters(PageParams):
    departement: str | None = Field(None, description="Code du département, par ex. 59.")
    arrondissement: str | None = Field(None, description="Code INSEE de l'arrondissement.")
    epci: str | None = Field(None, description="SIREN de l'EPCI.")
    nom: str | None = Field(None, max_length=100, description="Début ou partie du nom.")
    avec_qpv: bool | None = Field(None, description="true : communes ayant au moins un QPV.")


def _departement(d: Departement) -> dict:
    return {"code": d.insee_code, "nom": d.name, "bbox": bbox(d)}


def _arrondissement(a: Arrondissement) -> dict:
    return {
        "code": a.insee_code,
        "nom": a.name,
        "bbox": bbox(a),
        "departement": a.departement.insee_code,
    }


def _epci(e: EPCI) -> dict:
    return {
        "code": e.siren,
        "nom": e.name,
        "nature": e.kind,
        "population": e.population,
        "millesime_population": e.population_vintage,
        "communes": e.commune_count,
    }


def _commune(c: Commune) -> dict:
    return {
        "code": c.insee_code,
        "nom": c.name,
        "bbox": bbox(c),
        "departement": c.departement.insee_code if c.departement_id else None,
        "arrondissement": c.arrondissement.insee_code if c.arrondissement_id else None,
        "epci": c.epci.siren if c.epci_id else None,
        "population": c.population,
        "millesime_population": c.population_vintage,
        "codes_postaux": [str(p) for p in c.postcodes or []],
    }


@router.get(
    "/departements",
    response={200: DepartementPage, **LIST_ERRORS},
    url_name="departement_list",
    summary="Liste des départements",
)
def departement_list(request: HttpRequest, params: Query[PageParams]):
    """Les départements du registre."""
    rows = Departement.objects.defer("contour_wkb").order_by("insee_code")
    return page_of(rows, params=params, item=_departement)


@router.get(
    "/departements/{code}",
    response={200: DepartementDetail, **DETAIL_ERRORS},
    url_name="departement",
    summary="Un département et son contour",
)
def departement_detail(request: HttpRequest, code: str):
    """Un département et son contour GeoJSON."""
    found = Departement.objects.filter(insee_code=code).first()
    if found is None:
        raise not_found("Département", code)
    return {
        **_departement(found),
        "region": found.region_code,
        "contour": geojson(found.contour_wkb),
    }


@router.get(
    "/arrondissements",
    response={200: ArrondissementPage, **LIST_ERRORS},
    url_name="arrondissement_list",
    summary="Liste des arrondissements",
)
def arrondissement_list(request: HttpRequest, filters: Query[ArrondissementFilters]):
    """Les arrondissements, filtrés par département."""
    rows = Arrondissement.objects.select_related("departement").defer("contour_wkb")
    if filters.departement:
        rows = rows.filter(departement__insee_code=filters.departement)
    return page_of(rows.order_by("insee_code"), params=filters, item=_arrondissement)


@router.get(
    "/arrondissements/{code}",
    response={200: ArrondissementDetail, **DETAIL_ERRORS},
    url_name="arrondissement",
    summary="Un arrondissement et son contour",
)
def arrondissement_detail(request: HttpRequest, code: str):
    """Un arrondissement et son contour GeoJSON."""
    found = Arrondissement.objects.select_related("departement").filter(insee_code=code).first()
    if found is None:
        raise not_found("Arrondissement", code)
    return {**_arrondissement(found), "contour": geojson(found.contour_wkb)}


def _epcis():
    from django.db.models import Count

    return EPCI.objects.annotate(commune_count=Count("communes", distinct=True))


@router.get(
    "/epci",
    response={200: EpciPage, **LIST_ERRORS},
    url_name="epci_list",
    summary="Liste des EPCI (intercommunalités)",
)
def epci_list(request: HttpRequest, filters: Query[EpciFilters]):
    """Les EPCI (intercommunalités) du registre, filtrés par département."""
    rows = _epcis()
    if filters.departement:
        rows = rows.filter(communes__departement__insee_code=filters.departement).distinct()
    return page_of(rows.order_by("siren"), params=filters, item=_epci)


@router.get(
    "/epci/{siren}", response={200: EpciItem, **DETAIL_ERRORS}, url_name="epci", summary="Un EPCI"
)
def epci_detail(request: HttpRequest, siren: str):
    """Un EPCI (les contours des communes membres sont sur /api/communes/{code})."""
    found = _epcis().filter(siren=siren).first()
    if found is None:
        raise not_found("EPCI", siren)
    return _epci(found)


def _communes():
    return Commune.objects.select_related("departement", "arrondissement", "epci").defer(
        "contour_wkb"
    )


@router.get(
    "/communes",
    response={200: CommunePage, **LIST_ERRORS},
    url_name="commune_list",
    summary="Liste des communes",
)
def commune_list(request: HttpRequest, filters: Query[CommuneFilters]):
    """Les communes, filtrées par département, arrondissement, EPCI, nom ou présence de QPV."""
    rows = _communes()
    if filters.departement:
        rows = rows.filter(departement__insee_code=filters.departement)
    if filters.arrondissement:
        rows = rows.filter(arrondissement__insee_code=filters.arrondissement)
    if filters.epci:
        rows = rows.filter(epci__siren=filters.epci)
    if filters.nom:
        rows = rows.filter(name__icontains=filters.nom)
    if filters.avec_qpv is not None:
        rows = rows.filter(qpvs__isnull=not filters.avec_qpv)
    return page_of(rows.distinct().order_by("insee_code"), params=filters, item=_commune)


@router.get(
    "/communes/{code}",
    response={200: CommuneDetail, **DETAIL_ERRORS},
    url_name="commune",
    summary="Une commune, ses QPV et son contour",
)
def commune_detail(request: HttpRequest, code: str):
    """Une commune, ses QPV et son contour GeoJSON."""
    found = Commune.objects.select_related("departement", "arrondissement", "epci").filter(
        insee_code=code
    )
    commune = found.first()
    if commune is None:
        raise not_found("Commune", code, feminine=True)
    qpvs = sorted(set(commune.qpvs.values_list("code", flat=True)))
    return {**_commune(commune), "qpv": qpvs, "contour": geojson(commune.contour_wkb)}
