"""The préfecture's screens to enter and edit dispositifs on the ground (instead of /admin/):
rights by `quartiers.core.territory` (préfecture only for programmes), audited writes."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from quartiers.core.access import Perm
from quartiers.core.audit import audit_for
from quartiers.core.permissions import permission_check
from quartiers.programmes.forms import DispositifForm
from quartiers.programmes.models import Dispositif
from quartiers.programmes.services import dispositif_save


def dispositif_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    dispositif = get_object_or_404(Dispositif, pk=pk) if pk is not None else None
    if (denied := permission_check(request, Perm.EDIT, dispositif or Dispositif())) is not None:
        return denied
    # The form gets its own copy: validating it writes into its instance, and the service
    # compares with the stored values for the audit trail.
    copy = Dispositif.objects.get(pk=pk) if dispositif is not None else None
    form = DispositifForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        try:
            saved = dispositif_save(
                dispositif=dispositif,
                values={name: form.cleaned_data[name] for name in form.Meta.fields},
                user=request.user,
            )
        except IntegrityError:
            form.add_error(None, "Un dispositif de ce type porte déjà ce nom dans cette commune.")
        else:
            messages.success(request, f"Dispositif « {saved.name} » enregistré.")
            return redirect("programmes:dispositif_list")
    title = "Nouveau dispositif" if dispositif is None else f"Modifier « {dispositif.name} »"
    return render(
        request,
        "programmes/dispositif_form.html",
        {
            "title": title,
            "breadcrumb": [
                ("Dispositifs", reverse("programmes:dispositif_list")),
                (title, None),
            ],
            "form": form,
            "dispositif": dispositif,
            "audit": audit_for(objects=[dispositif])[:30] if dispositif else [],
        },
        status=400 if form.is_bound else 200,
    )
