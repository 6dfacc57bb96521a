"""The public report « Engagements Quartiers 2030 »: HTML page and A4 PDF, for a chosen date."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from quartiers.portal.pdf import report_pdf_filename, report_pdf_render
from quartiers.portal.pdf_cache import report_pdf_get
from quartiers.portal.report import report_build

EARLIEST = date(2014, 1, 1)


def report_date_parse(raw: str | None) -> tuple[date, str]:
    """The `?date=YYYY-MM-DD` asked for, else today (with a French message when refused)."""
    today = timezone.localdate()
    if not raw:
        return today, ""
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        return (
            today,
            f"Date « {raw[:20]} » non reconnue (format AAAA-MM-JJ) : date du jour utilisée.",
        )
    if not EARLIEST <= on <= date(today.year + 10, 12, 31):
        return today, "Date hors de la période couverte : date du jour utilisée."
    return on, ""


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    on, error = report_date_parse(request.GET.get("date"))
    data = report_build(on=on)
    return render(
        request,
        "portal/report.html",
        {
            "report": data,
            "date_error": error,
            "title": "Rapport Engagements Quartiers 2030",
            "breadcrumb": [("Rapport", None)],
        },
    )


PREPARING = "Le rapport PDF est en cours de préparation : réessayez dans quelques secondes."
RETRY_SECONDS = 10


@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The PDF, from the shared cache while the data is unchanged (quartiers/portal/pdf_cache)."""
    on, _error = report_date_parse(request.GET.get("date"))

    def build() -> tuple[bytes, str]:
        data = report_build(on=on)
        filename = report_pdf_filename(on=on, departement_code=data.departement_code)
        return report_pdf_render(report=data), filename

    cached = report_pdf_get(on=on, build=build)
    if cached is None:
        response = HttpResponse(PREPARING, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    response = HttpResponse(cached.content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cached.filename}"'
    response["X-Report-Cache"] = cached.state
    return response
