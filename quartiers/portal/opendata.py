"""Public open data page: the grants above 23,000 € in the SCDL « subventions » format."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quartiers.grants.choices import CONVENTION_THRESHOLD
from quartiers.grants.opendata import (
    SCDL_VERSION,
    OpenDataUnavailable,
    scdl_csv,
    scdl_filename,
    scdl_rows,
)


@require_GET
def subsidies(request: HttpRequest) -> HttpResponse:
    try:
        count, unavailable = len(scdl_rows()), ""
    except OpenDataUnavailable as exc:
        count, unavailable = 0, str(exc)
    return render(
        request,
        "portal/subsidies.html",
        {
            "title": "Données ouvertes : subventions",
            "breadcrumb": [("Données ouvertes", None)],
            "count": count,
            "unavailable": unavailable,
            "threshold": CONVENTION_THRESHOLD,
            "version": SCDL_VERSION,
            "filename": scdl_filename(),
        },
    )


@require_GET
def subsidies_csv(request: HttpRequest) -> HttpResponse:
    try:
        content = scdl_csv()
    except OpenDataUnavailable as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scdl_filename()}"'
    return response
