"""Template helpers: French figures, « secret statistique », the core set of a QPV."""

from __future__ import annotations

from decimal import Decimal

from django import template

from quartiers.geography.models import QPV
from quartiers.indicators.formatting import number_fr, rank_fr, value_fr
from quartiers.indicators.selectors import qpv_core_indicators

register = template.Library()


@register.filter
def fr_number(value: Decimal | None, decimals: int = 2) -> str:
    return number_fr(value, max_decimals=int(decimals))


@register.simple_tag
def indicator_value(
    value: Decimal | None, unit: str = "", suppressed: bool = False, decimals: int = 2
) -> str:
    """`{% indicator_value row.value indicator.unit row.suppressed %}`."""
    return value_fr(value, unit=unit, suppressed=suppressed, max_decimals=decimals)


@register.simple_tag
def rank_label(rank: int | None, total: int) -> str:
    return rank_fr(rank, total)


@register.inclusion_tag("indicators/_qpv_core_set.html")
def qpv_core_set(qpv: QPV) -> dict[str, object]:
    """`{% load indicators_tags %}{% qpv_core_set qpv %}` on the QPV page."""
    return {"qpv": qpv, "core_rows": qpv_core_indicators(qpv=qpv)}
