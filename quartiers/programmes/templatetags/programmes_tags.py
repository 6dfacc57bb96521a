"""`{{ value|quantity:unit }}` → « 70 000 personnes », « 15 % », « non renseigné »."""

from __future__ import annotations

from django import template

from quartiers.programmes.svg import value_unit

register = template.Library()


@register.filter
def quantity(value, unit: str) -> str:
    return value_unit(value, unit)
