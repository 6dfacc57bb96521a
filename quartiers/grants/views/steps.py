"""Workflow steps of an application: transitions, act, payments, report, renewal, targeting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.grants.access import can_act_as_owner, can_decide, can_transition
from quartiers.grants.forms import (
    AgreementForm,
    PaymentForm,
    ReportForm,
    TrancheForm,
    TransitionForm,
)
from quartiers.grants.selectors import scope_applications
from quartiers.grants.services import GrantRefused, workflow
from quartiers.grants.services import agreements as agreement_services
from quartiers.grants.services.targeting import beneficiaries_measure
from quartiers.grants.views.applications import application_url
from quartiers.grants.views.common import application_get, forbid, funding_check

PREFECTURE_ONLY = "Cette étape est réservée aux agents de la préfecture."
OWNER_ONLY = "Seules l'association qui dépose la demande et la préfecture peuvent faire cela."


def _errors(form) -> str:
    return " ".join(
        f"{form.fields[k].label if k in form.fields else ''} : {' '.join(v)}"
        for k, v in form.errors.items()
    )


@require_POST
def application_transition(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(application_url(application))
    data = dict(form.cleaned_data)
    to_status = data.pop("to_status")
    forbid(
        can_transition(request.user, application, to_status),
        "Vous ne pouvez pas faire avancer cette demande à cette étape.",
    )
    try:
        workflow.application_transition(
            application=application, to_status=to_status, user=request.user, **data
        )
        messages.success(
            request, f"Demande passée à l'étape « {application.get_status_display()} »."
        )
    except GrantRefused as exc:
        messages.error(request, str(exc))
    return redirect(application_url(application))


@require_POST
def agreement_sign(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_decide(request.user), PREFECTURE_ONLY)
    renewal = application.agreement_id is not None and hasattr(application, "tranche")
    form = (TrancheForm if renewal else AgreementForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(f"{application_url(application)}#decision")
    try:
        if renewal:
            agreement_services.tranche_confirm(
                application=application, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Année de CPO confirmée : demande conventionnée.")
        else:
            agreement_services.agreement_sign(
                application=application, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Acte attributif enregistré : demande conventionnée.")
    except GrantRefused as exc:
        messages.error(request, str(exc))
    return redirect(f"{application_url(application)}#decision")


def _prefecture_step(
    request: HttpRequest,
    uuid: object,
    *,
    form_class: type,
    service: Callable[..., object],
    success: str,
    anchor: str,
) -> HttpResponse:
    """A préfecture-only POST on an application: validate the form, call the service."""
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_decide(request.user), PREFECTURE_ONLY)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(application=application, user=request.user, **form.cleaned_data)
            messages.success(request, success)
        except GrantRefused as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _errors(form))
    return redirect(f"{application_url(application)}#{anchor}")


@require_POST
def payment_add(request: HttpRequest, uuid: object) -> HttpResponse:
    return _prefecture_step(
        request,
        uuid,
        form_class=PaymentForm,
        service=agreement_services.payment_add,
        success="Paiement enregistré.",
        anchor="paiements",
    )


@require_POST
def report_receive(request: HttpRequest, uuid: object) -> HttpResponse:
    return _prefecture_step(
        request,
        uuid,
        form_class=ReportForm,
        service=agreement_services.report_receive,
        success="Compte rendu financier enregistré.",
        anchor="paiements",
    )


@require_POST
def application_renew(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(can_act_as_owner(request.user, application), OWNER_ONLY)
    if application.agreement is None:
        messages.error(request, "Cette demande ne relève d'aucune convention pluriannuelle.")
        return redirect(application_url(application))
    try:
        renewal = agreement_services.application_renew(
            agreement=application.agreement, user=request.user
        )
    except GrantRefused as exc:
        messages.error(request, str(exc))
        return redirect(application_url(application))
    messages.success(
        request, "Renouvellement créé à partir de l'année précédente : vérifiez-le puis déposez-le."
    )
    if scope_applications(request.user).filter(pk=renewal.pk).exists():
        return redirect(application_url(renewal))
    return redirect(application_url(application))


@upload_limit("BENEFICIARIES_MAX_UPLOAD_BYTES")
@require_POST
def beneficiaries_upload(request: HttpRequest, uuid: object) -> HttpResponse:
    """The file is read where the upload handler streamed it (the private upload-temp
    directory), measured once, and deleted (try/finally; a killed process leaves it to the
    purge at the next start: core/uploads/tempfiles.py)."""
    if (denied := funding_check(request)) is not None:
        return denied
    application = application_get(request, uuid)
    forbid(
        can_act_as_owner(request.user, application),
        "Vous ne pouvez pas mesurer le ciblage de cette action.",
    )
    anchor = f"{application_url(application)}#ciblage"
    if refused := upload_refusal(request):
        messages.error(request, f"{refused} Le fichier a été supprimé.")
        return redirect(anchor)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, "Choisissez le fichier des bénéficiaires (CSV ou XLSX).")
        return redirect(anchor)
    try:
        beneficiaries_measure(
            application=application,
            path=Path(uploaded.temporary_file_path()),
            user=request.user,
            name=uploaded.name,
        )
        messages.success(request, "Ciblage mesuré ; le fichier des bénéficiaires a été supprimé.")
    except GrantRefused as exc:
        messages.error(request, f"{exc} Le fichier a été supprimé.")
    finally:
        uploaded.close()  # deletes the temporary file (if the measure has not already)
    return redirect(anchor)
