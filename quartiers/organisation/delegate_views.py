"""Préfecture screens for the délégués du préfet: create one, link their account, assign QPV
and contracts (instead of /admin/). Agents and administrators only; every change is audited
(`quartiers.organisation.services.delegate_save`); CSRF by Django's middleware."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from quartiers.core.access import is_prefecture
from quartiers.core.audit import audit_for
from quartiers.organisation.forms import DelegateForm
from quartiers.organisation.models import PrefectDelegate
from quartiers.organisation.services import delegate_save

PREFECTURE_ONLY = "L'attribution des territoires des délégués est réservée à la préfecture."


def _prefecture_check(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_prefecture(request.user):
        raise PermissionDenied(PREFECTURE_ONLY)
    return None


def _initial(delegate: PrefectDelegate | None) -> dict[str, object]:
    if delegate is None:
        return {}
    return {
        "name": delegate.name,
        "email": delegate.email,
        "account": delegate.user_id,
        "qpvs": list(delegate.qpvs.values_list("pk", flat=True)),
        "contracts": list(delegate.contracts.values_list("pk", flat=True)),
    }


def delegate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if (denied := _prefecture_check(request)) is not None:
        return denied
    delegate = get_object_or_404(PrefectDelegate, pk=pk) if pk is not None else None
    form = DelegateForm(request.POST or None, initial=_initial(delegate))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delegate = delegate_save(
                delegate=delegate,
                user=request.user,
                name=data["name"],
                email=data["email"],
                account=data["account"],
                qpvs=data["qpvs"],
                contracts=data["contracts"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Territoire de « {delegate.name} » enregistré.")
            return redirect("organisation:delegate_detail", pk=delegate.pk)
    title = "Nouveau délégué du préfet" if delegate is None else f"Modifier « {delegate.name} »"
    return render(
        request,
        "organisation/delegate_form.html",
        {
            "title": title,
            "breadcrumb": [
                ("Délégués du préfet", reverse("organisation:delegate_list")),
                (title, None),
            ],
            "form": form,
            "delegate": delegate,
            "audit": audit_for(objects=[delegate])[:30] if delegate else [],
        },
        status=400 if form.is_bound else 200,
    )
