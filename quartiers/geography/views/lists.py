"""Lists of QPV, communes and EPCI, with filters and CSV / XLSX / GeoJSON exports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from quartiers.core.pagecache import public_page
from quartiers.geography import tables
from quartiers.geography.forms import CommuneFilterForm, EPCIFilterForm, QPVFilterForm
from quartiers.geography.mapdata import epci_geometry, geometry_load, geometry_to_geojson
from quartiers.geography.selectors import (
    commune_search,
    epci_search,
    qpv_population_by_epci,
    qpv_search,
)
from quartiers.geography.views.common import page_get, query_without_page, request_generation
from quartiers.shared.exports import EXPORT_FORMATS, geojson_response, table_response
from quartiers.shared.sorting import SortColumn, sort_from


def _export_links(request: HttpRequest, url_name: str) -> list[dict[str, str]]:
    query = query_without_page(request)
    labels = {"csv": "CSV (Excel)", "xlsx": "XLSX", "geojson": "GeoJSON (contours)"}
    return [
        {
            "label": labels[fmt],
            "url": reverse(f"geography:{url_name}", args=[fmt]) + (f"?{query}" if query else ""),
        }
        for fmt in EXPORT_FORMATS
    ]


def _geojson_features(columns: list[str], rows, geometries) -> list[dict]:
    return [
        {
            "type": "Feature",
            "properties": tables.geojson_properties(columns, row),
            "geometry": geometry_to_geojson(geometry=geometry),
        }
        for row, geometry in zip(rows, geometries, strict=True)
    ]


def _caption(label: str, page) -> str:
    if page.paginator.num_pages > 1:
        return f"{label} (page {page.number} sur {page.paginator.num_pages})"
    return label


# QPV ---------------------------------------------------------------------------------------


def _qpv_filtered(request: HttpRequest) -> tuple[QPVFilterForm, int, QuerySet]:
    form = QPVFilterForm(request.GET or None)
    data = form.cleaned()
    generation = request_generation(request)
    qpvs = qpv_search(
        generation=generation,
        query=data.get("q") or "",
        commune=data.get("commune"),
        epci=data.get("epci"),
        arrondissement=data.get("arrondissement"),
        npnru=data.get("npnru") or "",
    )
    return form, generation, qpvs


QPV_SORT = (
    SortColumn("code", fields=("code",)),
    SortColumn("nom", value=lambda qpv: qpv.name),
    SortColumn("population", fields=("population",)),
)


@public_page(params=("q", "commune", "epci", "arrondissement", "npnru", "page", "tri"))
def qpv_list(request: HttpRequest) -> HttpResponse:
    form, generation, qpvs = _qpv_filtered(request)
    sort = sort_from(request.GET, QPV_SORT, default="code", anchor="qpv-table")
    page = page_get(request, sort.apply(qpvs))
    return render(
        request,
        "geography/qpv_list.html",
        {
            "title": "Quartiers prioritaires",
            "breadcrumb": [("Quartiers prioritaires", None)],
            "form": form,
            "generation": generation,
            "page_obj": page,
            "total": page.paginator.count,
            "table_caption": _caption("Quartiers prioritaires", page),
            "exports": _export_links(request, "qpv_export"),
            "filtered": any(form.cleaned().values()),
            "sort": sort,
        },
    )


def qpv_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    _form, generation, qpvs = _qpv_filtered(request)
    stem = f"qpv-{generation}"
    if fmt == "geojson":
        qpvs = qpvs.defer(None)  # the contours are needed here
        rows = list(tables.qpv_rows(qpvs))
        geometries = [geometry_load(wkb=q.contour_wkb) for q in qpvs]
        return geojson_response(
            features=_geojson_features(tables.QPV_COLUMNS, rows, geometries),
            filename=f"{stem}.geojson",
            name=stem,
        )
    return table_response(
        fmt=fmt,
        columns=tables.QPV_COLUMNS,
        rows=tables.qpv_rows(qpvs),
        filename_stem=stem,
        sheet_title=f"QPV {generation}",
    )


# Communes ----------------------------------------------------------------------------------


def _commune_filtered(request: HttpRequest) -> tuple[CommuneFilterForm, int, QuerySet]:
    form = CommuneFilterForm(request.GET or None)
    data = form.cleaned()
    generation = request_generation(request)
    communes = commune_search(
        generation=generation,
        query=data.get("q") or "",
        epci=data.get("epci"),
        arrondissement=data.get("arrondissement"),
        with_qpv_only=not data.get("toutes"),
    ).order_by("name", "insee_code")
    return form, generation, communes


COMMUNE_SORT = (
    SortColumn("code", fields=("insee_code",)),
    SortColumn("nom", value=lambda commune: commune.name),
    SortColumn("population", fields=("population",)),
    SortColumn("qpv", fields=("qpv_count",)),
    SortColumn("population-qpv", fields=("qpv_population",)),
)


def commune_list(request: HttpRequest) -> HttpResponse:
    form, generation, communes = _commune_filtered(request)
    sort = sort_from(request.GET, COMMUNE_SORT, default="nom", anchor="commune-table")
    page = page_get(request, sort.apply(communes))
    return render(
        request,
        "geography/commune_list.html",
        {
            "title": "Communes",
            "breadcrumb": [("Communes", None)],
            "form": form,
            "generation": generation,
            "page_obj": page,
            "total": page.paginator.count,
            "exports": _export_links(request, "commune_export"),
            "sort": sort,
        },
    )


def commune_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    _form, generation, communes = _commune_filtered(request)
    stem = f"communes-qpv-{generation}"
    if fmt == "geojson":
        communes = list(communes.defer(None))
        rows = list(tables.commune_rows(communes))
        geometries = [geometry_load(wkb=c.contour_wkb) for c in communes]
        return geojson_response(
            features=_geojson_features(tables.COMMUNE_COLUMNS, rows, geometries),
            filename=f"{stem}.geojson",
            name=stem,
        )
    return table_response(
        fmt=fmt,
        columns=tables.COMMUNE_COLUMNS,
        rows=tables.commune_rows(communes),
        filename_stem=stem,
        sheet_title="Communes",
    )


# EPCI --------------------------------------------------------------------------------------


def _epci_filtered(request: HttpRequest) -> tuple[EPCIFilterForm, int, QuerySet]:
    form = EPCIFilterForm(request.GET or None)
    data = form.cleaned()
    generation = request_generation(request)
    epcis = epci_search(
        generation=generation, query=data.get("q") or "", with_qpv_only=not data.get("toutes")
    )
    return form, generation, epcis


EPCI_SORT = (
    SortColumn("siren", value=lambda epci: epci.siren),
    SortColumn("nom", value=lambda epci: epci.name),
    SortColumn("nature", value=lambda epci: epci.get_kind_display()),
    SortColumn("communes", value=lambda epci: epci.commune_count),
    SortColumn("population", value=lambda epci: epci.population),
    SortColumn("qpv", value=lambda epci: epci.qpv_count),
    SortColumn("population-qpv", value=lambda epci: epci.qpv_population),
)


def epci_list(request: HttpRequest) -> HttpResponse:
    form, generation, epcis = _epci_filtered(request)
    population = qpv_population_by_epci(generation=generation)
    listed = list(epcis)  # a few hundred at most, sorted in Python (their QPV population)
    for epci in listed:
        epci.qpv_population = population.get(epci.pk)
    sort = sort_from(request.GET, EPCI_SORT, default="nom", anchor="epci-table")
    page = page_get(request, sort.rows(listed))
    rows = [(epci, epci.qpv_population) for epci in page.object_list]
    return render(
        request,
        "geography/epci_list.html",
        {
            "title": "EPCI",
            "breadcrumb": [("EPCI", None)],
            "form": form,
            "generation": generation,
            "page_obj": page,
            "rows": rows,
            "total": page.paginator.count,
            "exports": _export_links(request, "epci_export"),
            "sort": sort,
        },
    )


def epci_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    _form, generation, epcis = _epci_filtered(request)
    population = qpv_population_by_epci(generation=generation)
    stem = f"epci-qpv-{generation}"
    if fmt == "geojson":
        epcis = list(epcis)
        rows = list(tables.epci_rows(epcis, population))
        geometries = [epci_geometry(epci=e) for e in epcis]
        return geojson_response(
            features=_geojson_features(tables.EPCI_COLUMNS, rows, geometries),
            filename=f"{stem}.geojson",
            name=stem,
        )
    return table_response(
        fmt=fmt,
        columns=tables.EPCI_COLUMNS,
        rows=tables.epci_rows(epcis, population),
        filename_stem=stem,
        sheet_title="EPCI",
    )
