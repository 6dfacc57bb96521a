"""Calls for projects, agreements, budget views, reports, targeting per contract, import."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from quartiers.core.access import Perm
from quartiers.core.permissions import permission_check
from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.grants.access import Steering
from quartiers.grants.forms import UploadForm
from quartiers.grants.models import Agreement, CallForProjects, Envelope
from quartiers.grants.posts import posts_anomalies
from quartiers.grants.selectors import (
    POST_GROUPS,
    bop147_outside_qpv_share,
    budget_table,
    fonds_vert_share,
    multi_year_agreements_share,
    multi_year_share,
    reports_expected,
    reports_late,
    scope_applications,
    targeting_by_contract,
)
from quartiers.grants.services.dauphin import dauphin_import as dauphin_import_service
from quartiers.grants.tables import (
    AGREEMENT_COLUMNS,
    CALL_COLUMNS,
    MONEY_COLUMNS,
    REPORT_COLUMNS,
    TARGETING_COLUMNS,
    agreement_rows,
    call_rows,
    money_rows,
    report_rows,
    targeting_rows,
)
from quartiers.grants.views.common import (
    PREFECTURE_DENIED,
    export,
    exports_for,
    funding_check,
    steering_check,
)
from quartiers.shared.imports import ImportRefused
from quartiers.shared.sorting import SortColumn, sort_from

GROUPS = {
    "contract": "Par contrat",
    "qpv": "Par QPV",
    "theme": "Par thématique",
    "association": "Par association",
}


def _year(request: HttpRequest) -> int:
    value = request.GET.get("annee", "")
    return int(value) if value.isdigit() and len(value) == 4 else timezone.localdate().year


def _calls():
    return CallForProjects.objects.select_related("contract").prefetch_related("committees")


def call_list(request: HttpRequest) -> HttpResponse:
    if (denied := funding_check(request, CallForProjects)) is not None:
        return denied
    return render(
        request,
        "grants/call_list.html",
        {
            "title": "Appels à projets",
            "calls": _calls(),
            "exports": exports_for("grants:call_export"),
        },
    )


def call_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := funding_check(request, CallForProjects)) is not None:
        return denied
    return export(
        fmt, columns=CALL_COLUMNS, rows=call_rows(_calls()), stem="appels-a-projets", title="Appels"
    )


def _agreements(request: HttpRequest):
    ids = scope_applications(request.user).values("agreement_id")
    return (
        Agreement.objects.filter(pk__in=ids)
        .select_related("association")
        .prefetch_related("tranches")
    )


AGREEMENT_SORT = (
    SortColumn("reference", value=lambda g: g.reference),
    SortColumn("acte", value=lambda g: g.get_kind_display()),
    SortColumn("association", value=lambda g: g.association.name),
    SortColumn("annees", value=lambda g: (g.first_year, g.last_year)),
)


def agreement_list(request: HttpRequest) -> HttpResponse:
    if (denied := steering_check(request, Agreement)) is not None:
        return denied
    year = _year(request)
    # The model's order (newest first year, then reference) is the default, kept for ties.
    sort = sort_from(request.GET, AGREEMENT_SORT, default="-annees", anchor="agreement-table")
    return render(
        request,
        "grants/agreement_list.html",
        {
            "title": "Actes attributifs et conventions",
            "agreements": sort.rows(_agreements(request)),
            "sort": sort,
            "year": year,
            "share": multi_year_share(year=year),
            "exports": exports_for("grants:agreement_export"),
        },
    )


def agreement_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := steering_check(request, Agreement)) is not None:
        return denied
    return export(
        fmt,
        columns=AGREEMENT_COLUMNS,
        rows=agreement_rows(_agreements(request)),
        stem="conventions",
        title="Conventions",
    )


def budget(request: HttpRequest) -> HttpResponse:
    if (denied := steering_check(request, Envelope)) is not None:
        return denied
    year = _year(request)
    tables = [(key, label, budget_table(year=year, by=key)) for key, label in GROUPS.items()]
    return render(
        request,
        "grants/budget.html",
        {
            "title": f"Crédits BOP 147 — {year}",
            "year": year,
            "tables": tables,
            "multi_year": multi_year_share(year=year),
            "multi_year_agreements": multi_year_agreements_share(year=year),
            "fonds_vert": fonds_vert_share(year=year),
            "outside_qpv": bop147_outside_qpv_share(year=year),
            "post_groups": POST_GROUPS,
            "posts_anomalies": posts_anomalies(),
            "exports": {
                key: exports_for("grants:budget_export", f"annee={year}&vue={key}")
                for key in GROUPS
            },
        },
    )


def budget_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := steering_check(request, Envelope)) is not None:
        return denied
    year = _year(request)
    by = request.GET.get("vue", "contract")
    by = by if by in GROUPS else "contract"
    return export(
        fmt,
        columns=MONEY_COLUMNS,
        rows=money_rows(budget_table(year=year, by=by)),
        stem=f"bop147-{year}-{by}",
        title=f"BOP 147 {year}",
    )


def _reports(request: HttpRequest):
    applications = reports_expected(queryset=scope_applications(request.user))
    late = {a.pk for a in reports_late(today=timezone.localdate(), queryset=applications)}
    return applications, late


REPORT_STATES = {"received": "reçu", "late": "en retard", "due": "à venir"}


def _report_state(application, late: set[int]) -> str:
    if application.status == "bilan_recu":
        return "received"
    return "late" if application.pk in late else "due"


def _report_sort(request: HttpRequest, late: set[int]):
    columns = (
        SortColumn("dossier", value=lambda a: a.reference),
        SortColumn("association", value=lambda a: a.association.name),
        SortColumn("annee", value=lambda a: a.call.year),
        SortColumn("attendu", value=lambda a: a.report_due_on),
        SortColumn("etat", value=lambda a: REPORT_STATES[_report_state(a, late)]),
    )
    return sort_from(request.GET, columns, default="-annee", anchor="report-table")


def report_list(request: HttpRequest) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    applications, late = _reports(request)
    sort = _report_sort(request, late)
    return render(
        request,
        "grants/report_list.html",
        {
            "title": "Comptes rendus financiers (CERFA 15059)",
            "applications": sort.rows(applications),
            "sort": sort,
            "late": late,
            "exports": exports_for("grants:report_export"),
        },
    )


def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    applications, late = _reports(request)
    return export(
        fmt,
        columns=REPORT_COLUMNS,
        rows=report_rows(applications, late),
        stem="bilans",
        title="Bilans",
    )


def targeting(request: HttpRequest) -> HttpResponse:
    if (denied := steering_check(request)) is not None:
        return denied
    return render(
        request,
        "grants/targeting.html",
        {
            "title": "Ciblage QPV mesuré, par contrat",
            "rows": targeting_by_contract(queryset=scope_applications(request.user)),
            "exports": exports_for("grants:targeting_export"),
        },
    )


def targeting_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := steering_check(request)) is not None:
        return denied
    rows = targeting_rows(targeting_by_contract(queryset=scope_applications(request.user)))
    return export(fmt, columns=TARGETING_COLUMNS, rows=rows, stem="ciblage-qpv", title="Ciblage")


@upload_limit("DAUPHIN_MAX_UPLOAD_BYTES")
def dauphin_import(request: HttpRequest) -> HttpResponse:
    denied = permission_check(request, Perm.EDIT, Steering, PREFECTURE_DENIED)
    if denied is not None:
        return denied
    refused = upload_refusal(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    summary = None
    if refused:
        form = UploadForm(request.POST, request.FILES)
        form.is_valid()
        form.errors.clear()
        form.add_error(None, refused)
    elif request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:  # read where the upload handler streamed it, once
            summary = dauphin_import_service(
                path=Path(uploaded.temporary_file_path()),
                apply=form.cleaned_data["apply"],
                name=uploaded.name,
                user=request.user,
            )
        except ImportRefused as exc:
            form.add_error(None, str(exc))
        finally:
            uploaded.close()
    return render(
        request,
        "grants/import.html",
        {
            "title": "Importer un extrait Dauphin",
            "form": form,
            "summary": summary,
        },
        status=400 if form.errors else 200,
    )
