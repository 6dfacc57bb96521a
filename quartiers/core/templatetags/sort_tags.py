"""`{% sort_th sort "key" "Label" %}`: a column header of a sortable table
(quartiers/shared/sorting.py). The sorted column carries `aria-sort`; every sortable header
holds a link (keyboard: Tab, Enter) to the table in the other order, whose accessible name says
what it does. Without a `Sort` (or for a column it does not sort), a plain header."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from quartiers.shared.sorting import Sort

register = template.Library()

ARROWS = {"ascending": "▲", "descending": "▼", "": "↕"}


@register.simple_tag
def sort_th(sort: Any, key: str, label: str, css: str = "") -> str:
    header = sort.header(key, label) if isinstance(sort, Sort) else None
    classes = format_html(' class="{}"', css) if css else ""
    if header is None:
        return format_html('<th scope="col"{}>{}</th>', classes, label)
    aria = format_html(' aria-sort="{}"', header.aria_sort) if header.aria_sort else ""
    return format_html(
        '<th scope="col"{}{} data-sort-key="{}"><a class="q-sort" href="{}">{}'
        '<span class="q-sort__arrow" aria-hidden="true">{}</span>'
        '<span class="fr-sr-only"> ({})</span></a></th>',
        classes,
        aria,
        key,
        header.url,
        label,
        ARROWS[header.aria_sort],
        header.next_label,
    )
