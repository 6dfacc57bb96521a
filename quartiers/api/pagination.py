"""Shared pagination of the API's lists: `page` (from 1) and `taille` (at most 500), and the
answer `{"total", "page", "pages", "resultats"}` (same shape as /api/qpv)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import shapely
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Numéro de page, à partir de 1.")
    taille: int = Field(100, ge=1, le=MAX_PAGE_SIZE, description="Éléments par page (500 au plus).")


def page_of(rows: Any, *, params: PageParams, item: Callable[[Any], dict]) -> dict:
    """One page of a queryset (or list): total, page, pages and the items of the page."""
    total = rows.count() if hasattr(rows, "count") and not isinstance(rows, Sequence) else len(rows)
    start = (params.page - 1) * params.taille
    return {
        "total": total,
        "page": params.page,
        "pages": max(math.ceil(total / params.taille), 1),
        "resultats": [item(row) for row in rows[start : start + params.taille]],
    }


def not_found(what: str, code: str, *, feminine: bool = False) -> HttpError:
    """The 404 of an unknown code, its text cut so that a hostile code is not echoed whole."""
    return HttpError(404, f"{what} « {str(code)[:30]} » inconnu{'e' if feminine else ''}.")


def geojson(wkb: bytes | memoryview | None) -> dict | None:
    """A stored WKB contour as a GeoJSON geometry (WGS84)."""
    if wkb is None:
        return None
    return shapely.geometry.mapping(shapely.from_wkb(bytes(wkb)))


def bbox(obj: Any) -> list[float] | None:
    values = [obj.min_lon, obj.min_lat, obj.max_lon, obj.max_lat]
    return None if any(v is None for v in values) else values
