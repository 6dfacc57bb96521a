"""Template helpers of the report: a value with its unit, a target status as a badge class."""

from __future__ import annotations

from decimal import Decimal

from django import template

from quartiers.programmes.svg import value_unit

register = template.Library()

STATUS_BADGES = {
    "reached": "fr-badge--success",
    "on_track": "fr-badge--info",
    "at_risk": "fr-badge--warning",
    "late": "fr-badge--error",
    "no_data": "",
}


@register.simple_tag
def with_unit(value: Decimal | None, unit: str) -> str:
    return value_unit(value, unit)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(str(status), "")
