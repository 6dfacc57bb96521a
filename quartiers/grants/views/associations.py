"""Association pages: list, detail (applications, agreements, targeting), creation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.core.access import Perm, user_can
from quartiers.core.audit import audit_for
from quartiers.core.permissions import permission_check
from quartiers.grants.access import association_of
from quartiers.grants.forms import AssociationForm
from quartiers.grants.models import Application, Association
from quartiers.grants.selectors import (
    reports_late,
    scope_applications,
    scope_associations,
    targeting_of_association,
)
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.associations import association_create as association_create_service
from quartiers.grants.services.location import association_location_text, association_relocate
from quartiers.grants.tables import ASSOCIATION_COLUMNS, association_rows
from quartiers.grants.views.common import (
    export,
    exports_for,
    forbid,
    funding_check,
    steering_check,
)
from quartiers.shared.sorting import SortColumn, sort_from

LOCATE_DENIED = "Seule la préfecture relocalise une association."


ASSOCIATION_SORT = (
    SortColumn("nom", value=lambda a: a.name),
    SortColumn("siret", value=lambda a: a.siret),
    SortColumn("commune", value=lambda a: a.city),
    SortColumn("siege", value=lambda a: a.get_qpv_location_display()),
)


def association_list(request: HttpRequest) -> HttpResponse:
    if (denied := steering_check(request, Association)) is not None:
        return denied
    sort = sort_from(request.GET, ASSOCIATION_SORT, default="nom", anchor="association-table")
    return render(
        request,
        "grants/association_list.html",
        {
            "title": "Associations",
            "associations": sort.rows(scope_associations(request.user).select_related("qpv")),
            "sort": sort,
            "can_create": user_can(request.user, Perm.EDIT, Association),
            "exports": exports_for("grants:association_export"),
        },
    )


def association_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := steering_check(request, Association)) is not None:
        return denied
    rows = association_rows(scope_associations(request.user).select_related("qpv"))
    return export(
        fmt, columns=ASSOCIATION_COLUMNS, rows=rows, stem="associations", title="Associations"
    )


def association_detail(request: HttpRequest, uuid: object) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    association = get_object_or_404(
        scope_associations(request.user).select_related("qpv", "commune"), uuid=uuid
    )
    applications = (
        scope_applications(request.user)
        .filter(association=association)
        .select_related("call__contract")
    )
    late = reports_late(today=timezone.localdate(), queryset=association.applications.all())
    return render(
        request,
        "grants/association_detail.html",
        {
            "title": association.name,
            "association": association,
            "applications": applications,
            "agreements": association.agreements.prefetch_related("tranches"),
            "contacts": association.contacts.all(),
            "late": late,
            "targeting": targeting_of_association(association=association),
            "location": association_location_text(association=association),
            "manages": user_can(request.user, Perm.EDIT, association),
            "files_for_it": user_can(request.user, Perm.EDIT, Application)
            and association_of(request.user) is None,
            "audit": audit_for(objects=[association])[:20],
        },
    )


def my_association(request: HttpRequest) -> HttpResponse:
    if (denied := funding_check(request)) is not None:
        return denied
    association = association_of(request.user)
    if association is None:
        if user_can(request.user, Perm.VIEW_INTERNAL, Association):
            return redirect("grants:association_list")
        raise Http404("Ce compte n'est rattaché à aucune association.")
    return redirect("grants:association_detail", uuid=association.uuid)


def association_create(request: HttpRequest) -> HttpResponse:
    denied = permission_check(
        request, Perm.EDIT, Association, "Seule la préfecture enregistre une association."
    )
    if denied is not None:
        return denied
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association = association_create_service(values=form.cleaned_data, user=request.user)
        except GrantRefused as exc:
            form.add_error(None, str(exc))
        else:
            _location_message(request, association, "Association enregistrée")
            return redirect("grants:association_detail", uuid=association.uuid)
    return render(
        request,
        "grants/simple_form.html",
        {"title": "Nouvelle association", "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def association_locate(request: HttpRequest, uuid: object) -> HttpResponse:
    """Locate the seat again (the geocoder was unavailable, or the address changed)."""
    if (denied := funding_check(request)) is not None:
        return denied
    association = get_object_or_404(scope_associations(request.user), uuid=uuid)
    forbid(user_can(request.user, Perm.EDIT, association), LOCATE_DENIED)
    association_relocate(association=association, user=request.user)
    _location_message(request, association, "Localisation du siège mise à jour")
    return redirect("grants:association_detail", uuid=association.uuid)


def _location_message(request: HttpRequest, association: object, prefix: str) -> None:
    text = association_location_text(association=association).status
    if association.location_notice:
        messages.warning(request, f"{prefix}. {text}")
    else:
        messages.success(request, f"{prefix}. {text}")
