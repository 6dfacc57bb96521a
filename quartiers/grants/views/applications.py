"""Application pages: list, create, detail, edit, budget lines, documents."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.core.access import Perm
from quartiers.core.audit import audit_for
from quartiers.core.permissions import permission_check
from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.grants.access import (
    association_of,
    can_act_as_owner,
    can_decide,
    can_edit_content,
    can_transition,
    is_owner,
)
from quartiers.grants.choices import TRANSITIONS, ApplicationStatus, BudgetSide
from quartiers.grants.forms import (
    AgreementForm,
    ApplicationForm,
    BudgetLineForm,
    DocumentForm,
    PaymentForm,
    ReportForm,
    TransitionForm,
)
from quartiers.grants.models import Application, Association
from quartiers.grants.selectors import scope_applications
from quartiers.grants.services import GrantRefused
from quartiers.grants.services import applications as application_services
from quartiers.grants.tables import APPLICATION_COLUMNS, application_rows
from quartiers.grants.views.common import (
    application_get,
    export,
    exports_for,
    forbid,
    funding_check,
)
from quartiers.shared.sorting import SortColumn, sort_from

APPLICATION_SORT = (
    SortColumn("numero", value=lambda a: a.reference),
    SortColumn("action", value=lambda a: a.action_title),
    SortColumn("association", value=lambda a: a.association.name),
    SortColumn("contrat", value=lambda a: a.call.contract.code),
    SortColumn("statut", value=lambda a: a.get_status_display()),
    SortColumn("demande", value=lambda a: a.amount_requested),
    SortColumn("accorde", value=lambda a: a.amount_granted),
)
EDIT_DENIED = "Cette demande n'est plus modifiable par vous (déposée, ou hors de vos droits)."


def _applications(request: HttpRequest):
    queryset = scope_applications(request.user).select_related("association", "call__contract")
    status = request.GET.get("statut", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    year = request.GET.get("annee", "")
    if year.isdigit():
        queryset = queryset.filter(call__year=int(year))
    return queryset.prefetch_related("qpvs", "budget_lines")


def application_list(request: HttpRequest) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    sort = sort_from(request.GET, APPLICATION_SORT, default="numero", anchor="application-table")
    return render(
        request,
        "grants/application_list.html",
        {
            "title": "Demandes de subvention",
            "applications": sort.rows(_applications(request)),
            "sort": sort,
            "statuses": ApplicationStatus.choices,
            "association": association_of(request.user),
            "exports": exports_for("grants:application_export", request.GET.urlencode()),
        },
    )


def application_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    return export(
        fmt,
        columns=APPLICATION_COLUMNS,
        rows=application_rows(_applications(request)),
        stem="demandes-subvention",
        title="Demandes",
    )


def application_create(request: HttpRequest) -> HttpResponse:
    denied = permission_check(
        request,
        Perm.EDIT,
        Application,
        "Seules une association ou la préfecture créent une demande.",
    )
    if denied is not None:
        return denied
    association = association_of(request.user)
    if association is None:  # the préfecture files for the association it picks
        chosen = request.GET.get("association") or request.POST.get("association")
        if not chosen:
            messages.info(request, "Choisissez l'association pour laquelle saisir la demande.")
            return redirect("grants:association_list")
        try:
            association = get_object_or_404(Association, uuid=uuid_module.UUID(str(chosen)))
        except ValueError as exc:
            raise Http404("Association inconnue.") from exc
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        call = values.pop("call")
        try:
            application = application_services.application_create(
                association=association, call=call, values=values, user=request.user
            )
        except GrantRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Brouillon enregistré : complétez le budget prévisionnel puis déposez la demande.",
            )
            return redirect("grants:application_detail", uuid=application.uuid)
    return render(
        request,
        "grants/application_form.html",
        {
            "title": "Nouvelle demande de subvention (CERFA 12156)",
            "form": form,
            "association": association,
        },
        status=400 if form.errors else 200,
    )


def application_detail(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    user = request.user
    next_steps = [
        {
            "value": s,
            "label": ApplicationStatus(s).label,
            "form": TransitionForm(auto_id=f"etape-{s}-%s"),
        }
        for s in TRANSITIONS[application.status]
        if can_transition(user, application, s)
        and s not in ("conventionnee", "payee", "bilan_recu")
    ]
    lines = list(application.budget_lines.all())
    return render(
        request,
        "grants/application_detail.html",
        {
            "title": application.action_title,
            "a": application,
            "expenses": [line for line in lines if line.side == BudgetSide.EXPENSE],
            "incomes": [line for line in lines if line.side == BudgetSide.INCOME],
            "problems": application_services.budget_problems(application=application)
            if application.status == "brouillon"
            else [],
            "editable": can_edit_content(user, application),
            "next_steps": next_steps,
            "line_form": BudgetLineForm(auto_id="budget-%s"),
            "document_form": DocumentForm(auto_id="piece-%s"),
            "agreement_form": AgreementForm(initial={"years": 1}, auto_id="acte-%s"),
            "payment_form": PaymentForm(auto_id="paiement-%s"),
            "report_form": ReportForm(auto_id="bilan-%s"),
            "decides": can_decide(user),
            "owner": is_owner(user, application),
            "acts_as_owner": can_act_as_owner(user, application),
            "steps": application.steps.select_related("by"),
            "payments": application.payments.all(),
            "report": getattr(application, "financial_report", None),
            "today": timezone.localdate(),
            "audit": audit_for(objects=[application])[:50],
        },
    )


def application_edit(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_edit_content(request.user, application), EDIT_DENIED)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            application_services.application_update(
                application=application, values=form.cleaned_data, user=request.user
            )
        except GrantRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Demande mise à jour.")
            return redirect("grants:application_detail", uuid=application.uuid)
    return render(
        request,
        "grants/application_form.html",
        {
            "title": f"Modifier la demande {application.reference}",
            "form": form,
            "a": application,
            "association": application.association,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def budget_line_add(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_edit_content(request.user, application), EDIT_DENIED)
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            application_services.budget_line_add(
                application=application, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Ligne de budget ajoutée.")
        except GrantRefused as exc:
            messages.error(request, str(exc))
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[k].label} : {' '.join(v)}" for k, v in form.errors.items()),
        )
    return redirect(f"{application_url(application)}#budget")


@require_POST
def budget_line_delete(request: HttpRequest, uuid: object, pk: int) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_edit_content(request.user, application), EDIT_DENIED)
    line = get_object_or_404(application.budget_lines, pk=pk)
    application_services.budget_line_delete(line=line, user=request.user)
    messages.success(request, "Ligne de budget supprimée.")
    return redirect(f"{application_url(application)}#budget")


@upload_limit("CONTRACT_DOCUMENT_MAX_BYTES")
@require_POST
def document_upload(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_act_as_owner(request.user, application), EDIT_DENIED)
    form = DocumentForm(request.POST, request.FILES)
    if refused := upload_refusal(request):
        messages.error(request, refused)
    elif form.is_valid():
        try:
            application_services.document_add(
                application=application,
                user=request.user,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
            )
            messages.success(request, "Pièce jointe enregistrée.")
        except GrantRefused as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Choisissez un fichier PDF.")
    return redirect(f"{application_url(application)}#documents")


def document_download(request: HttpRequest, uuid: object, pk: int) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    document = get_object_or_404(application.documents, pk=pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.title}.pdf",
        content_type="application/pdf",
    )


def application_url(application) -> str:
    from django.urls import reverse

    return reverse("grants:application_detail", args=[application.uuid])
