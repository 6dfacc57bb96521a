"""Tables sortable by column, on the server: `?tri=<column>` ascending, `?tri=-<column>`
descending (no JavaScript needed; a paginated list is sorted as a whole, not page by page).

A view declares its sortable columns (`SortColumn`: the database fields of a queryset, or a
key function for a list built in Python), reads the request's order with `sort_from`, sorts
with `Sort.queryset` or `Sort.rows`, and passes the `Sort` to its template, whose headers use
`{% sort_th sort "key" "Label" %}` (quartiers/core/templatetags/sort_tags.py). Empty values
(None, "") always come last, whichever the direction. Text is compared without case or accents
(« Étoile » between « Eclair » and « Fontaine »).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet

PARAMETER = "tri"


@dataclass(frozen=True)
class SortColumn:
    key: str  # the value of ?tri= (ASCII, stable: it goes in URLs)
    fields: tuple[str, ...] = ()  # database fields, for querysets
    value: Callable[[Any], Any] | None = None  # the sort key of one row, for lists


@dataclass(frozen=True)
class SortHeader:
    """What a column header shows: its link to the other order and its `aria-sort`."""

    url: str
    aria_sort: str  # "ascending", "descending" or "" (not the sorted column)
    next_label: str  # what the link does, for screen readers


def text_key(value: Any) -> Any:
    """Case- and accent-insensitive key for text; other values unchanged."""
    if not isinstance(value, str):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Sort:
    columns: Mapping[str, SortColumn]
    key: str
    descending: bool
    query: Mapping[str, list[str]]  # the request's other parameters, kept in the links
    anchor: str = ""

    @property
    def column(self) -> SortColumn:
        return self.columns[self.key]

    def queryset(self, queryset: QuerySet) -> QuerySet:
        """Ordered by the column's fields (empty values last), then by primary key."""
        order = [
            F(name).desc(nulls_last=True) if self.descending else F(name).asc(nulls_last=True)
            for name in self.column.fields
        ]
        return queryset.order_by(*order, "pk")

    def apply(self, items: Any) -> Any:
        """A queryset ordered in the database when the column names fields, else the rows
        sorted in Python (text without case or accents, which SQLite cannot)."""
        if self.column.fields and isinstance(items, QuerySet):
            return self.queryset(items)
        return self.rows(items)

    def rows(self, rows: Iterable[Any]) -> list[Any]:
        """A list sorted by the column's key function (stable; empty values last)."""
        value = self.column.value
        if value is None:
            raise ValueError(f"La colonne « {self.key} » ne trie pas une liste.")
        keyed = [(text_key(value(row)), row) for row in rows]
        present = [pair for pair in keyed if pair[0] not in (None, "")]
        empty = [row for key, row in keyed if key in (None, "")]
        present.sort(key=lambda pair: pair[0], reverse=self.descending)
        return [row for _, row in present] + empty

    def header(self, key: str, label: str) -> SortHeader | None:
        """The header of column `key`, None when it is not sortable."""
        if key not in self.columns:
            return None
        active = key == self.key
        descending_next = active and not self.descending
        query = {k: v for k, v in self.query.items() if k not in (PARAMETER, "page")}
        query[PARAMETER] = [f"-{key}" if descending_next else key]
        url = "?" + urlencode(query, doseq=True) + (f"#{self.anchor}" if self.anchor else "")
        direction = "décroissant" if descending_next else "croissant"
        return SortHeader(
            url=url,
            aria_sort=("descending" if self.descending else "ascending") if active else "",
            next_label=f"trier par « {label} », ordre {direction}",
        )


def sort_from(
    query: Mapping[str, Any],
    columns: Iterable[SortColumn],
    *,
    default: str,
    anchor: str = "",
) -> Sort:
    """The order asked by `query` (a request's GET), or `default` (`-key`: descending) when it
    names no sortable column."""
    by_key = {column.key: column for column in columns}
    asked = str(query.get(PARAMETER) or default)
    descending = asked.startswith("-")
    key = asked.removeprefix("-")
    if key not in by_key:
        descending = default.startswith("-")
        key = default.removeprefix("-")
    lists = query.lists() if hasattr(query, "lists") else ((k, [v]) for k, v in query.items())
    return Sort(
        columns=by_key,
        key=key,
        descending=descending,
        query={k: list(v) for k, v in lists},
        anchor=anchor,
    )
