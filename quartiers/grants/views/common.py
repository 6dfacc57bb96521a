"""Helpers shared by the funding views: scoped lookups (404 outside the scope), exports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from quartiers.core.access import Perm
from quartiers.core.permissions import permission_check
from quartiers.grants.access import Steering
from quartiers.grants.models import Application
from quartiers.grants.selectors import scope_applications
from quartiers.shared.exports import table_response

EXPORT_LABELS = (("csv", "CSV (Excel)"), ("xlsx", "XLSX"))
DENIED = (
    "Les financements sont réservés aux agents de la préfecture, aux délégués du préfet et "
    "aux associations."
)
STEERING_DENIED = "Page réservée à la préfecture et aux délégués du préfet."
PREFECTURE_DENIED = "Page réservée à la préfecture."


def funding_check(request: HttpRequest, target: object = Application) -> HttpResponse | None:
    """The funding pages (applications, calls, reports): the readers of applications."""
    return permission_check(request, Perm.VIEW_INTERNAL, target, DENIED)


def steering_check(request: HttpRequest, target: object = Steering) -> HttpResponse | None:
    """Steering pages (budget, posts, targeting; lists of associations and agreements)."""
    return permission_check(request, Perm.VIEW_INTERNAL, target, STEERING_DENIED)


def application_get(request: HttpRequest, uuid: object) -> Application:
    """The application if it is in the user's scope; 404 otherwise (never 403: ids leak)."""
    queryset = scope_applications(request.user).select_related(
        "association", "call__contract", "agreement"
    )
    return get_object_or_404(queryset, uuid=uuid)


def forbid(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def exports_for(name: str, query: str = "") -> list[dict[str, str]]:
    suffix = f"?{query}" if query else ""
    return [
        {"url": reverse(name, args=[fmt]) + suffix, "label": label} for fmt, label in EXPORT_LABELS
    ]


def export(fmt: str, *, columns: list[str], rows: object, stem: str, title: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu.")
    return table_response(
        fmt=fmt, columns=columns, rows=rows, filename_stem=stem, sheet_title=title
    )
