"""Pages: measures by programme (status, gauges), one measure (entries, chart, entry form),
dispositifs with filters and coverage gauges; CSV / XLSX exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.core.access import Perm, user_can
from quartiers.core.permissions import permission_check
from quartiers.programmes import tables
from quartiers.programmes.choices import NOT_PROVIDED, PRESS_KIT_DECLARED
from quartiers.programmes.coverage import coverage_compute, scope_qpvs_default
from quartiers.programmes.forms import DispositifFilterForm, ProgressEntryForm
from quartiers.programmes.gauges import coverage_gauge, measure_chart, measure_gauge
from quartiers.programmes.models import Dispositif, Measure, Programme
from quartiers.programmes.selectors import dispositif_search, measure_row, measures_by_programme
from quartiers.programmes.services import progress_entry_add
from quartiers.programmes.svg import trajectory_svg
from quartiers.shared.exports import table_response
from quartiers.shared.sorting import SortColumn, sort_from

TABLE_FORMATS = ("csv", "xlsx")


def _exports(url_name: str, request: HttpRequest) -> list[dict[str, str]]:
    query = request.GET.urlencode()
    return [
        {
            "label": label,
            "url": reverse(f"programmes:{url_name}", args=[fmt]) + (f"?{query}" if query else ""),
        }
        for fmt, label in (("csv", "CSV (Excel)"), ("xlsx", "XLSX"))
    ]


def _coverages(today, *, compact: bool = False):
    """Coverage gauges of the programmes made of dispositifs."""
    items = []
    for programme in Programme.objects.exclude(dispositif_kind=""):
        coverage = coverage_compute(kind=programme.dispositif_kind, on=today)
        items.append(
            {
                "programme": programme,
                "coverage": coverage,
                "svg": coverage_gauge(coverage=coverage, compact=compact),
            }
        )
    return items


# "ordre" (the programme's own order, the default) has no header: no column shows as sorted.
MEASURE_SORT = (
    SortColumn("ordre", value=lambda row: row.measure.order),
    SortColumn("mesure", value=lambda row: row.measure.label),
    SortColumn("depart", value=lambda row: row.measure.baseline_value),
    SortColumn("objectif", value=lambda row: row.target),
    SortColumn("echeance", value=lambda row: row.measure.deadline),
    SortColumn("derniere", value=lambda row: row.latest.value if row.latest else None),
    SortColumn("statut", value=lambda row: row.result.label),
)


def measure_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = []
    for programme, rows in measures_by_programme(today=today):
        # One table per programme, each sorted the same way; its links come back to it.
        anchor = f"programme-{programme.code}"
        sort = sort_from(request.GET, MEASURE_SORT, default="ordre", anchor=anchor)
        gauges = [(row, measure_gauge(row=row, compact=True)) for row in sort.rows(rows)]
        groups.append((programme, gauges, sort))
    return render(
        request,
        "programmes/measure_list.html",
        {
            "title": "Programmes et objectifs",
            "breadcrumb": [("Programmes et objectifs", None)],
            "groups": groups,
            "coverages": [c for c in _coverages(today) if c["programme"].measures.exists()],
            "today": today,
            "not_provided": NOT_PROVIDED,
            "exports": _exports("measure_export", request),
        },
    )


def _detail_context(request: HttpRequest, measure: Measure, form: ProgressEntryForm | None):
    today = timezone.localdate()
    row = measure_row(measure=measure, today=today)
    chart = measure_chart(row=row, today=today)
    can_edit = user_can(request.user, Perm.EDIT, measure)
    if can_edit and form is None:
        form = ProgressEntryForm(measure=measure, initial={"on": today})
    return {
        "title": measure.label,
        "breadcrumb": [
            ("Programmes et objectifs", reverse("programmes:measure_list")),
            (measure.label[:60], None),
        ],
        "measure": measure,
        "row": row,
        "gauge": measure_gauge(row=row),
        "coverage_gauge": coverage_gauge(coverage=row.coverage) if row.coverage else None,
        "chart_svg": trajectory_svg(chart) if chart else None,
        "entries": measure.entries.select_related("recorded_by").order_by("-on"),
        "form": form if can_edit else None,
        # Who entered a value is internal (agents' names are not published).
        "internal": user_can(request.user, Perm.VIEW_INTERNAL),
        "not_provided": NOT_PROVIDED,
        "today": today,
        "tolerance_percent": measure.tolerance * 100,
    }


def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(
        Measure.objects.select_related("programme", "contract", "departement"), code=code
    )
    return render(
        request, "programmes/measure_detail.html", _detail_context(request, measure, None)
    )


@login_required
@require_POST
def progress_entry_create(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure, code=code)
    if (denied := permission_check(request, Perm.EDIT, measure)) is not None:
        return denied  # préfecture staff only (quartiers.core.access)
    form = ProgressEntryForm(request.POST, measure=measure)
    if not form.is_valid():
        context = _detail_context(request, measure, form)
        return render(request, "programmes/measure_detail.html", context, status=400)
    progress_entry_add(measure=measure, user=request.user, **form.cleaned_data)
    messages.success(request, "Valeur enregistrée.")
    return redirect("programmes:measure_detail", code=measure.code)


def measure_trajectory_svg(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure, code=code)
    today = timezone.localdate()
    chart = measure_chart(row=measure_row(measure=measure, today=today), today=today)
    if chart is None:
        raise Http404("Pas de trajectoire pour cette mesure.")
    response = HttpResponse(trajectory_svg(chart), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.slug}.svg"'
    return response


def measure_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in TABLE_FORMATS:
        raise Http404("Format inconnu.")
    rows = [row for _, rows in measures_by_programme(today=timezone.localdate()) for row in rows]
    return table_response(
        fmt=fmt,
        columns=tables.MEASURE_COLUMNS,
        rows=(tables.measure_cells(row=row) for row in rows),
        filename_stem="mesures-programmes",
        sheet_title="Mesures",
    )


def _dispositifs_filtered(request: HttpRequest):
    qpvs = scope_qpvs_default()
    form = DispositifFilterForm(request.GET or None, qpvs=qpvs)
    data = form.cleaned()
    dispositifs = dispositif_search(
        kind=data.get("kind") or "", commune=data.get("commune"), qpv=data.get("qpv")
    )
    return form, dispositifs


DISPOSITIF_SORT = (
    SortColumn("type", value=lambda d: d.get_kind_display()),
    SortColumn("nom", value=lambda d: d.name),
    SortColumn("commune", value=lambda d: d.commune.name),
    SortColumn("periode", value=lambda d: d.start_date),
)


def dispositif_list(request: HttpRequest) -> HttpResponse:
    form, dispositifs = _dispositifs_filtered(request)
    today = timezone.localdate()
    sort = sort_from(request.GET, DISPOSITIF_SORT, default="type", anchor="dispositif-table")
    return render(
        request,
        "programmes/dispositif_list.html",
        {
            "title": "Dispositifs sur le terrain",
            "breadcrumb": [
                ("Programmes et objectifs", reverse("programmes:measure_list")),
                ("Dispositifs", None),
            ],
            "form": form,
            "dispositifs": sort.rows(dispositifs),
            "sort": sort,
            "coverages": _coverages(today, compact=True),
            "today": today,
            "declared_label": PRESS_KIT_DECLARED,
            "not_provided": NOT_PROVIDED,
            "exports": _exports("dispositif_export", request),
            "can_edit": user_can(request.user, Perm.EDIT, Dispositif()),
        },
    )


def dispositif_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in TABLE_FORMATS:
        raise Http404("Format inconnu.")
    _, dispositifs = _dispositifs_filtered(request)
    today = timezone.localdate()
    return table_response(
        fmt=fmt,
        columns=tables.DISPOSITIF_COLUMNS,
        rows=(tables.dispositif_cells(dispositif=d, today=today) for d in dispositifs),
        filename_stem="dispositifs",
        sheet_title="Dispositifs",
    )
