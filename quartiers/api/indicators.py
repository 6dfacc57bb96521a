"""/api/indicateurs: the indicator catalogue and its values per territory, with source and
vintage. A value under statistical secrecy is `null` with `secret: true`, never 0."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from quartiers.api.pagination import PageParams, not_found, page_of
from quartiers.api.schemas import Error
from quartiers.indicators.models import Indicator, IndicatorValue, TerritoryKind

router = Router(tags=["Indicateurs"])


class IndicatorItem(Schema):
    code: str
    libelle: str
    libelle_court: str
    definition: str
    unite: str
    theme: str
    nature: str = Field(description="count (effectif) ou rate (taux, part…).")
    source: str
    millesime: str
    echelons: list[str] = Field(description="Types de territoire où il est disponible.")
    socle: bool = Field(description="Fait partie du socle resserré d'indicateurs clés.")
    sens: str = Field(description="Sens favorable (higher, lower ou neutral).")


class IndicatorPage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[IndicatorItem]


class ValueItem(Schema):
    indicateur: str
    territoire_type: str = Field(description="qpv, commune, epci, departement, france…")
    territoire: str = Field(description="Code du territoire.")
    generation: int | None = Field(description="Géographie prioritaire (valeurs de QPV).")
    periode: str
    valeur: float | None = Field(description="null si secret statistique ou non disponible.")
    numerateur: float | None
    denominateur: float | None
    secret: bool = Field(description="true : valeur couverte par le secret statistique.")
    source: str
    millesime: str


class ValuePage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[ValueItem]


class CatalogueFilters(PageParams):
    theme: str | None = Field(None, max_length=80, description="Thème exact.")
    socle: bool | None = Field(None, description="true : le socle d'indicateurs clés seulement.")
    echelon: TerritoryKind | None = Field(None, description="Disponibles à cet échelon.")


class ValueFilters(PageParams):
    territoire_type: TerritoryKind | None = Field(None, description="Type de territoire.")
    territoire: str | None = Field(None, max_length=20, description="Code du territoire.")
    periode: str | None = Field(None, max_length=20, description="Période, par ex. 2020.")


def _indicator(i: Indicator) -> dict:
    return {
        "code": i.code,
        "libelle": i.label,
        "libelle_court": i.short_label,
        "definition": i.definition,
        "unite": i.unit,
        "theme": i.theme,
        "nature": i.kind,
        "source": i.source,
        "millesime": i.vintage,
        "echelons": [str(level) for level in i.geography_levels or []],
        "socle": i.core_set,
        "sens": i.better,
    }


def _number(value: Decimal | None, *, secret: bool) -> float | None:
    return None if secret or value is None else float(value)


def _value(v: IndicatorValue) -> dict:
    secret = v.suppressed
    return {
        "indicateur": v.indicator.code,
        "territoire_type": v.territory_kind,
        "territoire": v.territory_code,
        "generation": v.generation,
        "periode": v.period,
        "valeur": _number(v.value, secret=secret),
        "numerateur": _number(v.numerator, secret=secret),
        "denominateur": _number(v.denominator, secret=secret),
        "secret": secret,
        "source": v.source,
        "millesime": v.vintage,
    }


@router.get(
    "/indicateurs",
    response={200: IndicatorPage, 422: Error},
    url_name="indicator_list",
    summary="Catalogue des indicateurs",
)
def indicator_list(request: HttpRequest, filters: Query[CatalogueFilters]):
    """Le catalogue des indicateurs (définition, unité, source, millésime, échelons)."""
    rows = Indicator.objects.order_by("position", "code")
    if filters.theme:
        rows = rows.filter(theme=filters.theme)
    if filters.socle is not None:
        rows = rows.filter(core_set=filters.socle)
    if filters.echelon:
        # JSON "contains" is not supported by every database: filter in Python.
        rows = [i for i in rows if str(filters.echelon) in (i.geography_levels or [])]
    return page_of(rows, params=filters, item=_indicator)


def _indicator_or_404(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first()
    if found is None:
        raise not_found("Indicateur", code)
    return found


@router.get(
    "/indicateurs/{code}",
    response={200: IndicatorItem, 404: Error, 422: Error},
    url_name="indicator",
    summary="Un indicateur",
)
def indicator_detail(request: HttpRequest, code: str):
    """Un indicateur du catalogue."""
    return _indicator(_indicator_or_404(code))


@router.get(
    "/indicateurs/{code}/valeurs",
    response={200: ValuePage, 404: Error, 422: Error},
    url_name="indicator_values",
    summary="Valeurs d'un indicateur par territoire",
)
def indicator_values(request: HttpRequest, code: str, filters: Query[ValueFilters]):
    """Les valeurs d'un indicateur, par territoire et période, avec leur source et leur
    millésime. Secret statistique : `valeur` null et `secret` true (jamais 0)."""
    indicator = _indicator_or_404(code)
    rows = IndicatorValue.objects.filter(indicator=indicator).select_related("indicator")
    if filters.territoire_type:
        rows = rows.filter(territory_kind=filters.territoire_type)
    if filters.territoire:
        rows = rows.filter(territory_code=filters.territoire)
    if filters.periode:
        rows = rows.filter(period=filters.periode)
    rows = rows.order_by("territory_kind", "territory_code", "period")
    return page_of(rows, params=filters, item=_value)
