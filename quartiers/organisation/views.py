"""Pages: « mon territoire » and the délégués' territories (internal), the CONCERTO
commitments table (public) with its exports, and the commitment forms (rights checked by
`quartiers.core.access`, rules in `quartiers.organisation.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from quartiers.contracts.access import delegate_of, territory_of
from quartiers.contracts.models import Contract
from quartiers.core.access import Perm, is_prefecture, scope, user_can
from quartiers.core.audit import audit_for
from quartiers.core.permissions import permission_check
from quartiers.organisation.forms import CommitmentFilterForm, CommitmentForm
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate
from quartiers.organisation.selectors import (
    CommitmentFilters,
    commitments_filtered,
    delegate_rows,
    delegate_territory_page,
)
from quartiers.organisation.services import (
    CommitmentConflict,
    commitment_create,
    commitment_update,
)
from quartiers.organisation.tables import COMMITMENT_COLUMNS, commitment_rows
from quartiers.shared.exports import table_response
from quartiers.shared.sorting import SortColumn, sort_from

CONCERTO = "Mission CONCERTO"


def _territory_page(request: HttpRequest, delegate: PrefectDelegate, *, own: bool):
    page = delegate_territory_page(delegate=delegate, today=timezone.localdate())
    crumbs = (
        [("Mon territoire", None)]
        if own
        else [
            ("Délégués du préfet", reverse("organisation:delegate_list")),
            (delegate.name, None),
        ]
    )
    return render(
        request,
        "organisation/territory.html",
        {
            "title": "Mon territoire" if own else f"Territoire de {delegate.name}",
            "breadcrumb": crumbs,
            "page": page,
            "own": own,
            "can_assign": is_prefecture(request.user),
            "today": timezone.localdate(),
        },
    )


DELEGATES_ONLY = "Réservé à la préfecture et aux délégués du préfet."


def my_territory(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_prefecture(request.user):
        return redirect("organisation:delegate_list")
    if not user_can(request.user, Perm.VIEW_INTERNAL, PrefectDelegate):
        raise PermissionDenied("« Mon territoire » est la page des délégués du préfet.")
    delegate = delegate_of(request.user)
    if delegate is None:
        raise Http404("Aucun territoire n'est encore attribué à votre compte.")
    return _territory_page(request, delegate, own=True)


DELEGATE_SORT = (
    SortColumn("delegue", value=lambda r: r.delegate.name),
    SortColumn("courriel", value=lambda r: r.delegate.email),
    SortColumn("contrats", value=lambda r: r.contract_count),
    SortColumn("qpv", value=lambda r: r.qpv_count),
    SortColumn("compte", value=lambda r: r.delegate.user.username if r.delegate.user else None),
)


def delegate_list_view(request: HttpRequest) -> HttpResponse:
    if (denied := permission_check(request, Perm.VIEW_INTERNAL, PrefectDelegate)) is not None:
        return denied
    sort = sort_from(request.GET, DELEGATE_SORT, default="delegue", anchor="delegate-table")
    return render(
        request,
        "organisation/delegate_list.html",
        {
            "title": "Les délégués du préfet",
            "breadcrumb": [("Délégués du préfet", None)],
            "rows": sort.rows(delegate_rows()),
            "sort": sort,
            "can_assign": is_prefecture(request.user),
        },
    )


def delegate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (denied := permission_check(request, Perm.VIEW_INTERNAL, PrefectDelegate)) is not None:
        return denied
    delegate = get_object_or_404(PrefectDelegate, pk=pk)
    return _territory_page(request, delegate, own=delegate.user_id == request.user.pk)


def _filters(request: HttpRequest) -> tuple[CommitmentFilterForm, CommitmentFilters]:
    form = CommitmentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    organisation = data.get("membre")
    return form, CommitmentFilters(
        contract=data.get("contrat"),
        organisation_id=organisation.pk if organisation else None,
        theme=data.get("thematique") or "",
        status=data.get("statut") or "",
        progress_min=data.get("avancement_min"),
        progress_max=data.get("avancement_max"),
        overdue_only=bool(data.get("echeance_depassee")),
    )


COMMITMENT_SORT = (
    SortColumn("contrat", value=lambda c: c.contract.code),
    SortColumn("membre", value=lambda c: c.organisation.acronym),
    SortColumn("thematique", value=lambda c: c.get_theme_display()),
    SortColumn("engagement", value=lambda c: c.title),
    SortColumn("echeance", value=lambda c: c.deadline),
    SortColumn("statut", value=lambda c: c.get_status_display()),
    SortColumn("avancement", value=lambda c: c.progress),
)


def commitment_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    today = timezone.localdate()
    sort = sort_from(request.GET, COMMITMENT_SORT, default="contrat", anchor="commitment-table")
    commitments = sort.rows(commitments_filtered(filters=filters, today=today))
    editable = (
        set(
            scope(
                request.user,
                Perm.EDIT,
                Commitment.objects.filter(pk__in=[c.pk for c in commitments]),
            ).values_list("pk", flat=True)
        )
        if request.user.is_authenticated
        else set()
    )
    query = request.GET.urlencode()
    return render(
        request,
        "organisation/commitment_list.html",
        {
            "title": "Mission CONCERTO : engagements des services et opérateurs",
            "breadcrumb": [(CONCERTO, None)],
            "form": form,
            "commitments": commitments,
            "sort": sort,
            "editable_ids": editable,
            "can_create": user_can(request.user, Perm.EDIT),
            "members": Organisation.objects.filter(concerto_member=True),
            "today": today,
            "exports": [
                {
                    "label": label,
                    "url": reverse("organisation:commitment_export", args=[fmt])
                    + (f"?{query}" if query else ""),
                }
                for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"))
            ],
        },
    )


def commitment_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Public: commitments carry no personal data."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format d'export inconnu.")
    _, filters = _filters(request)
    today = timezone.localdate()
    return table_response(
        fmt=fmt,
        columns=COMMITMENT_COLUMNS,
        rows=commitment_rows(commitments_filtered(filters=filters, today=today), today=today),
        filename_stem="engagements-concerto",
        sheet_title="Engagements",
    )


def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(
        Commitment.objects.select_related("organisation", "contract"), pk=pk
    )
    internal = user_can(request.user, Perm.VIEW_INTERNAL, commitment)
    return render(
        request,
        "organisation/commitment_detail.html",
        {
            "title": commitment.title,
            "breadcrumb": [
                (CONCERTO, reverse("organisation:commitment_list")),
                (commitment.title[:60], None),
            ],
            "commitment": commitment,
            "overdue": commitment.is_overdue(timezone.localdate()),
            "can_edit": user_can(request.user, Perm.EDIT, commitment),
            "internal": internal,
            "audit": audit_for(objects=[commitment])[:50] if internal else [],
        },
    )


def _choices(request: HttpRequest) -> tuple[QuerySet, QuerySet]:
    """The organisations and contracts the user may pick in a commitment form."""
    organisations = Organisation.objects.filter(concerto_member=True)
    contracts = Contract.objects.filter(generation=2024).order_by("code")
    if is_prefecture(request.user):
        return organisations, contracts
    territory = territory_of(request.user)
    contracts = contracts.filter(pk__in=territory.contract_ids)
    if territory.organisation_id is not None:  # a partner: its own organisation
        return organisations.filter(pk=territory.organisation_id), contracts
    return organisations, contracts


def _form_page(request, *, form, commitment=None, conflict=None, status=200):
    title = "Nouvel engagement" if commitment is None else f"Modifier « {commitment.title} »"
    return render(
        request,
        "organisation/commitment_form.html",
        {
            "title": title,
            "breadcrumb": [(CONCERTO, reverse("organisation:commitment_list")), (title, None)],
            "form": form,
            "commitment": commitment,
            "conflict": conflict,
        },
        status=status,
    )


def _refuse_out_of_scope(request: HttpRequest, form: CommitmentForm) -> bool:
    """The saved values must stay within the user's rights (organisation, territory)."""
    candidate = Commitment(
        organisation=form.cleaned_data["organisation"], contract=form.cleaned_data["contract"]
    )
    if user_can(request.user, Perm.EDIT, candidate):
        return False
    form.add_error(None, "Cet engagement sortirait de votre organisme ou de votre territoire.")
    return True


def commitment_create_view(request: HttpRequest) -> HttpResponse:
    if (denied := permission_check(request, Perm.EDIT)) is not None:
        return denied
    organisations, contracts = _choices(request)
    form = CommitmentForm(request.POST or None, organisations=organisations, contracts=contracts)
    if request.method == "POST" and form.is_valid() and not _refuse_out_of_scope(request, form):
        try:
            commitment = commitment_create(user=request.user, values=form.service_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Engagement créé.")
            return redirect("organisation:commitment_detail", pk=commitment.pk)
    return _form_page(request, form=form, status=400 if form.is_bound else 200)


def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment, pk=pk)
    if (denied := permission_check(request, Perm.EDIT, commitment)) is not None:
        return denied
    organisations, contracts = _choices(request)
    if request.method != "POST":
        form = CommitmentForm(
            instance=commitment,
            organisations=organisations,
            contracts=contracts,
            initial={"version": commitment.version},
        )
        return _form_page(request, form=form, commitment=commitment)
    form = CommitmentForm(
        request.POST,
        instance=Commitment.objects.get(pk=pk),
        organisations=organisations,
        contracts=contracts,
    )
    if form.is_valid() and not _refuse_out_of_scope(request, form):
        try:
            commitment_update(
                commitment=commitment,
                user=request.user,
                values=form.service_values(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except CommitmentConflict as exc:
            data = request.POST.copy()
            data["version"] = exc.commitment.version
            form = CommitmentForm(
                data, instance=exc.commitment, organisations=organisations, contracts=contracts
            )
            form.is_valid()
            return _form_page(
                request, form=form, commitment=exc.commitment, conflict=exc, status=409
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Engagement enregistré.")
            return redirect("organisation:commitment_detail", pk=commitment.pk)
    return _form_page(request, form=form, commitment=commitment, status=400)
