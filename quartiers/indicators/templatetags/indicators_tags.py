"""Template helpers: French figures, « secret statistique », the core sets of a QPV and of a
contract, the contracts of a QPV."""

from __future__ import annotations

from decimal import Decimal

from django import template

from quartiers.contracts.models import Contract
from quartiers.contracts.selectors import qpv_contracts
from quartiers.core.datamemo import data_memo
from quartiers.geography.models import QPV
from quartiers.indicators.aggregation import Aggregate
from quartiers.indicators.contract_sets import SHARED_RULE, contract_core_indicators
from quartiers.indicators.evaluation import Evolution
from quartiers.indicators.selectors import qpv_core_indicators
from quartiers.shared.formatting import number_fr, rank_fr, value_fr

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
    rows = data_memo(f"qpv-core-set:{qpv.pk}", lambda: qpv_core_indicators(qpv=qpv))
    return {"qpv": qpv, "core_rows": rows}


@register.simple_tag
def aggregate_value(aggregate: Aggregate) -> str:
    """« au moins 1 234 habitants », « 48,2 % » or « non calculé : <reason> »."""
    if aggregate.value is None:
        return f"non calculé : {aggregate.reason}"
    unit = aggregate.indicator.unit
    text = value_fr(aggregate.value, unit=unit, max_decimals=1)
    if unit and unit != "%":
        text = f"{text} {unit}"
    return f"au moins {text}" if aggregate.lower_bound else text


@register.simple_tag
def evolution_label(evolution: Evolution | None, unit: str = "") -> str:
    """« +3,4 points (2019 → 2024) », or the French reason it was not computed."""
    if evolution is None or evolution.absolute is None:
        return ""
    sign = "+" if evolution.absolute > 0 else ""
    amount = number_fr(evolution.absolute, max_decimals=1)
    what = " points" if unit == "%" else (f" {unit}" if unit else "")
    return f"{sign}{amount}{what} ({evolution.start.period} → {evolution.end.period})"


@register.inclusion_tag("indicators/_contract_core_set.html")
def contract_core_set(contract: Contract) -> dict[str, object]:
    """`{% load indicators_tags %}{% contract_core_set contract %}` on the contract page."""
    core = data_memo(
        f"contract-core-set:{contract.pk}", lambda: contract_core_indicators(contract=contract)
    )
    return {"core": core, "shared_rule": SHARED_RULE}


@register.inclusion_tag("indicators/_qpv_contracts.html")
def qpv_contract_links(qpv: QPV) -> dict[str, object]:
    """`{% qpv_contract_links qpv %}`: the contract(s) covering a QPV, uncertain links flagged."""
    return {"qpv": qpv, "links": qpv_contracts(qpv=qpv)}
