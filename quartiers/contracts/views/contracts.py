"""Contract pages: list, detail (signatories, QPV, documents, history), calendar, iCal."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.contracts.choices import CONTRACT_TRANSITIONS, ContractStatus
from quartiers.contracts.forms import (
    DocumentForm,
    SignatoryAddForm,
    SignatoryStatusForm,
    ThemesForm,
    TransitionForm,
)
from quartiers.contracts.ical import CalendarEvent, calendar_ics
from quartiers.contracts.models import Contract, ContractDocument, Signatory
from quartiers.contracts.permissions import can_edit, can_view_internal, edit_required
from quartiers.contracts.selectors import (
    calendar_contracts,
    contract_detail,
    contract_list,
    contract_predecessors,
    contract_uncertain_qpvs,
)
from quartiers.contracts.services import (
    ContractRuleError,
    DocumentRefused,
    contract_signing_missing,
    contract_themes_set,
    contract_transition,
    document_upload,
    signatory_add,
    signatory_status_set,
)
from quartiers.contracts.tables import CONTRACT_COLUMNS, contract_rows
from quartiers.core.audit import audit_for
from quartiers.core.pagecache import public_page
from quartiers.core.site import site_identity
from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.geography.selectors import departement_current
from quartiers.shared.exports import table_response
from quartiers.shared.sorting import SortColumn, sort_from

LIST_TITLE = "Contrats de ville « quartiers 2030 »"


def _generation(request: HttpRequest) -> int:
    return 2015 if request.GET.get("generation") == "2015" else 2024


CONTRACT_SORT = (
    SortColumn("code", value=lambda c: c.code),
    SortColumn("nom", value=lambda c: c.name),
    SortColumn("statut", value=lambda c: c.get_status_display()),
    SortColumn("signature", value=lambda c: c.signed_on or c.signing_planned_on),
    SortColumn("qpv", value=lambda c: c.qpv_count),
)


@public_page(params=("tri",))
def contract_list_view(request: HttpRequest) -> HttpResponse:
    generation = _generation(request)
    sort = sort_from(request.GET, CONTRACT_SORT, default="code", anchor="contract-table")
    contracts = sort.rows(contract_list(generation=generation))
    return render(
        request,
        "contracts/contract_list.html",
        {
            "title": LIST_TITLE if generation == 2024 else "Contrats de ville 2015–2023",
            "breadcrumb": [("Contrats", None)],
            "contracts": contracts,
            "sort": sort,
            "generation": generation,
            "shared_total": sum(1 for c in contracts if c.uncertain_count),
            "uncertain_qpvs": contract_uncertain_qpvs(generation=generation),
            "departement": departement_current(),
            "exports": [
                {
                    "label": label,
                    "url": reverse("contracts:contract_export", args=[fmt])
                    + f"?generation={generation}",
                }
                for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"))
            ],
        },
    )


def contract_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format d'export inconnu.")
    generation = _generation(request)
    return table_response(
        fmt=fmt,
        columns=CONTRACT_COLUMNS,
        rows=contract_rows(contract_list(generation=generation)),
        filename_stem=f"contrats-{generation}",
        sheet_title="Contrats",
    )


def _contract(code: str) -> Contract:
    return get_object_or_404(contract_detail(code=code))


def contract_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(code)
    links = list(contract.qpv_links.all())
    for link in links:
        link.other_contracts = [
            other.contract
            for other in link.qpv.contract_links.all()
            if other.contract_id != contract.pk
        ]
    signatories = list(contract.signatories.all())
    documents = list(contract.documents.all())
    actions = list(
        contract.actions.prefetch_related("milestones").order_by(
            "-is_priority", "priority_rank", "title"
        )
    )
    editable = can_edit(request.user, contract)
    internal = can_view_internal(request.user, contract)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "title": str(contract),
            "breadcrumb": [("Contrats", reverse("contracts:contract_list")), (contract.code, None)],
            "contract": contract,
            "links": links,
            "uncertain_links": [link for link in links if link.is_uncertain],
            "signatories": signatories,
            "missing": contract_signing_missing(contract=contract),
            "priority_actions": [a for a in actions if a.is_priority],
            "other_actions": [a for a in actions if not a.is_priority],
            "documents": documents,
            "predecessors": contract_predecessors(contract=contract),
            "audit": audit_for(objects=[contract, *signatories, *documents])[:50]
            if internal
            else [],
            "internal": internal,
            "can_edit": editable,
            "next_statuses": [
                ContractStatus(s) for s in sorted(CONTRACT_TRANSITIONS[contract.status])
            ],
            "transition_form": TransitionForm(initial={"on": timezone.localdate()})
            if editable
            else None,
            "document_form": DocumentForm() if editable else None,
            "themes_form": ThemesForm(initial={"themes": contract.themes}) if editable else None,
            "signatory_form": SignatoryAddForm() if editable else None,
            "today": timezone.localdate(),
        },
    )


@require_POST
def transition_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(code)
    if (denied := edit_required(request, contract)) is not None:
        return denied
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Changement de statut refusé : " + _errors(form))
    else:
        try:
            contract_transition(
                contract=contract,
                to_status=form.cleaned_data["to_status"],
                on=form.cleaned_data["on"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"Statut du contrat : {contract.get_status_display()}.")
        except ContractRuleError as exc:
            messages.error(request, str(exc))
    return redirect("contracts:contract_detail", code=contract.code)


@require_POST
def signatory_status_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contract = _contract(code)
    signatory = get_object_or_404(Signatory, pk=pk, contract=contract)
    if (denied := edit_required(request, signatory)) is not None:
        return denied
    form = SignatoryStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Signataire non modifié : " + _errors(form))
    else:
        try:
            signatory_status_set(
                signatory=signatory,
                status=form.cleaned_data["status"],
                signed_on=form.cleaned_data["signed_on"],
                user=request.user,
            )
            messages.success(request, f"{signatory.name} : {signatory.get_status_display()}.")
        except ContractRuleError as exc:
            messages.error(request, str(exc))
    return redirect(reverse("contracts:contract_detail", args=[contract.code]) + "#signataires")


@require_POST
def themes_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(code)
    if (denied := edit_required(request, contract)) is not None:
        return denied
    form = ThemesForm(request.POST)
    if form.is_valid():
        contract_themes_set(
            contract=contract, themes=form.cleaned_data["themes"], user=request.user
        )
        messages.success(request, "Thématiques enregistrées.")
    else:
        messages.error(request, "Thématiques refusées : " + _errors(form))
    return redirect("contracts:contract_detail", code=contract.code)


@require_POST
def signatory_add_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(code)
    if (denied := edit_required(request, contract)) is not None:
        return denied
    form = SignatoryAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Signataire refusé : " + _errors(form))
    elif contract.signatories.filter(
        category=form.cleaned_data["category"], name=form.cleaned_data["name"]
    ).exists():
        messages.error(request, "Ce signataire figure déjà au contrat.")
    else:
        signatory_add(
            contract=contract,
            user=request.user,
            order=contract.signatories.count() + 1,
            **form.cleaned_data,
        )
        messages.success(request, "Signataire ajouté.")
    return redirect(reverse("contracts:contract_detail", args=[contract.code]) + "#signataires")


@upload_limit("CONTRACT_DOCUMENT_MAX_BYTES")
@require_POST
def document_upload_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(code)
    if (denied := edit_required(request, contract)) is not None:
        return denied
    form = DocumentForm(request.POST, request.FILES)
    if refused := upload_refusal(request):
        messages.error(request, f"Document refusé : {refused}")
    elif not form.is_valid():
        messages.error(request, "Document refusé : " + _errors(form))
    else:
        try:
            document_upload(
                contract=contract,
                user=request.user,
                title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"],
            )
            messages.success(request, "Document enregistré.")
        except DocumentRefused as exc:
            messages.error(request, f"Document refusé : {exc}")
    return redirect(reverse("contracts:contract_detail", args=[contract.code]) + "#documents")


def document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    document = get_object_or_404(ContractDocument, pk=pk, contract__code=code)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable.") from exc
    return FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{document.contract.code}-{document.pk}.pdf",
    )


def calendar_page(request: HttpRequest) -> HttpResponse:
    contracts = calendar_contracts()
    undated = Contract.objects.filter(generation=2024, signing_planned_on__isnull=True)
    return render(
        request,
        "contracts/calendar.html",
        {
            "title": "Calendrier de signature des contrats « quartiers 2030 »",
            "breadcrumb": [
                ("Contrats", reverse("contracts:contract_list")),
                ("Calendrier de signature", None),
            ],
            "contracts": contracts,
            "undated": undated,
        },
    )


def calendar_ics_view(request: HttpRequest) -> HttpResponse:
    events = [
        CalendarEvent(
            uid=f"signature-{c.code}@quartiers2030.nord",
            day=c.signing_planned_on,
            summary=f"Signature du {c.signing_label or c.name}",
            description=f"Contrat « quartiers 2030 » {c.code} — {c.name}. Statut : "
            f"{c.get_status_display()}.",
            url=request.build_absolute_uri(reverse("contracts:contract_detail", args=[c.code])),
        )
        for c in calendar_contracts()
    ]
    name = f"Signature des contrats quartiers 2030 — {site_identity().departement.name}"
    body = calendar_ics(events=events, name=name)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendrier-contrats.ics"'
    return response


def _errors(form) -> str:
    errors = []
    for field, messages_ in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        errors += [f"{label} : {m}" if label else m for m in messages_]
    return " ".join(errors)
