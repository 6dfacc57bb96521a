"""Helpers shared by the geography views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from quartiers.geography.selectors import generation_resolve

PAGE_SIZE = 50


def request_generation(request: HttpRequest) -> int:
    return generation_resolve(raw=request.GET.get("generation"))


def page_get(
    request: HttpRequest, queryset: QuerySet | Sequence[Any], per_page: int = PAGE_SIZE
) -> Page:
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # Read by the dsfr pagination template ("…" marks the elided ranges).
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for export links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def map_layer(
    *, layer_id: str, label: str, url: str, visible: bool = True, fit: bool = False
) -> dict[str, object]:
    """One entry of a map's `data-layers` attribute (read by static/js/map.js); `fit`: the
    initial view frames this layer."""
    return {"id": layer_id, "label": label, "url": url, "visible": visible, "fit": fit}
