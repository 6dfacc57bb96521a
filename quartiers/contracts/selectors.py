"""Read-side queries of the contracts domain (lists, dashboard, calendar, exports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from quartiers.contracts.access import delegate_actions_q, delegate_territory
from quartiers.contracts.choices import LinkStatus
from quartiers.contracts.models import Action, Contract, ContractQPV, Milestone
from quartiers.geography.models import QPV

FOLLOW_UP_DAYS = 30


def contract_list(*, generation: int = 2024) -> QuerySet[Contract]:
    return (
        Contract.objects.filter(generation=generation)
        .select_related("carrier_epci", "carrier_commune")
        .annotate(
            qpv_count=Count("qpv_links", distinct=True),
            uncertain_count=Count(
                "qpv_links", filter=Q(qpv_links__link_status=LinkStatus.UNCERTAIN), distinct=True
            ),
            priority_count=Count("actions", filter=Q(actions__is_priority=True), distinct=True),
        )
        .order_by("code")
    )


def contract_uncertain_qpvs(*, generation: int = 2024) -> list[tuple[str, str, list[str]]]:
    """(QPV code, QPV name, codes of its contracts) for each QPV linked to several contracts."""
    found: dict[str, tuple[str, list[str]]] = {}
    links = ContractQPV.objects.filter(
        contract__generation=generation, link_status=LinkStatus.UNCERTAIN
    ).values_list("qpv__code", "qpv__name", "contract__code")
    for code, name, contract in links.order_by("qpv__code", "contract__code"):
        found.setdefault(code, (name, []))[1].append(contract)
    return [(code, name, contracts) for code, (name, contracts) in found.items()]


def contract_detail(*, code: str) -> QuerySet[Contract]:
    links = (
        ContractQPV.objects.select_related("qpv")
        .defer("qpv__contour_wkb")  # the page lists the QPV: their outlines weigh the most
        .prefetch_related("qpv__contract_links__contract")
    )
    return (
        Contract.objects.filter(code=code)
        .select_related("carrier_epci", "carrier_commune", "carrier_commune__epci")
        .prefetch_related(
            Prefetch("qpv_links", queryset=links), "signatories", "documents", "transitions"
        )
    )


def contract_predecessors(*, contract: Contract) -> list[Contract]:
    """2015 contracts of the same carrier EPCI (for a commune-carried contract: its EPCI)."""
    if contract.generation != 2024:
        return []
    epci = contract.carrier_epci or (
        contract.carrier_commune.epci if contract.carrier_commune else None
    )
    if epci is None:
        return []
    return list(Contract.objects.filter(generation=2015, carrier_epci=epci))


def calendar_contracts() -> list[Contract]:
    """The press kit's signing calendar, chronological."""
    return list(
        Contract.objects.filter(signing_planned_on__isnull=False)
        .select_related("carrier_epci", "carrier_commune")
        .order_by("signing_planned_on", "code")
    )


@dataclass(frozen=True)
class ActionFilters:
    contract: Contract | None = None
    theme: str = ""
    lead: str = ""
    include_ordinary: bool = False
    delegate: Any = None  # a PrefectDelegate (organisation), read through its links


def actions_followed(*, filters: ActionFilters) -> QuerySet[Action]:
    actions = Action.objects.select_related("contract").prefetch_related("milestones", "qpvs")
    if not filters.include_ordinary:
        actions = actions.filter(is_priority=True)
    if filters.contract is not None:
        actions = actions.filter(contract=filters.contract)
    if filters.theme:
        actions = actions.filter(theme=filters.theme)
    if filters.lead:
        actions = actions.filter(
            Q(lead_name__icontains=filters.lead) | Q(lead_organisation__icontains=filters.lead)
        )
    if filters.delegate is not None:
        territory = delegate_territory(delegate=filters.delegate)
        ids = Action.objects.filter(delegate_actions_q(territory=territory)).values("pk")
        actions = actions.filter(pk__in=ids)
    return actions.order_by("contract__code", "-is_priority", "priority_rank", "title")


def milestones_watch(
    *, actions: QuerySet[Action], today: date, days: int = FOLLOW_UP_DAYS
) -> tuple[list[Milestone], list[Milestone]]:
    """(late milestones, milestones due in the next `days` days) of `actions`."""
    base = Milestone.objects.filter(action__in=actions).select_related("action__contract")
    return (
        list(base.late(today=today).order_by("due_on")),
        list(base.due_within(today=today, days=days).order_by("due_on")),
    )


@dataclass(frozen=True)
class GanttBar:
    action: Action
    start: date
    end: date
    left_pct: float
    width_pct: float
    marks: list[tuple[float, Milestone, bool]]  # (position %, milestone, late)


def gantt(
    *, actions: list[Action], today: date
) -> tuple[list[GanttBar], list[tuple[float, date]], float | None]:
    """Bars from each action's first to last milestone, on a shared time axis (months)."""
    spans = []
    for action in actions:
        dates = [m.due_on for m in action.milestones.all()] + [
            m.done_on for m in action.milestones.all() if m.done_on
        ]
        if dates:
            spans.append((action, min(dates), max(dates)))
    if not spans:
        return [], [], None
    axis_start = min(s for _, s, _ in spans).replace(day=1)
    axis_end = max(e for _, _, e in spans) + timedelta(days=31)
    axis_end = axis_end.replace(day=1)
    total = (axis_end - axis_start).days or 1

    def pct(day: date) -> float:
        return round(100 * (day - axis_start).days / total, 2)

    bars = [
        GanttBar(
            action=action,
            start=start,
            end=end,
            left_pct=pct(start),
            width_pct=max(pct(end) - pct(start), 0.8),
            marks=[(pct(m.due_on), m, m.is_late(today)) for m in action.milestones.all()],
        )
        for action, start, end in spans
    ]
    months, cursor = [], axis_start
    while cursor < axis_end:
        months.append((pct(cursor), cursor))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    today_pct = pct(today) if axis_start <= today <= axis_end else None
    return bars, months, today_pct


def qpv_contracts(*, qpv: QPV) -> list[ContractQPV]:
    """The contract links of one QPV (2024 contracts first), with their « rattachement »."""
    return list(
        ContractQPV.objects.filter(qpv=qpv)
        .select_related("contract")
        .order_by("-contract__generation", "contract__code")
    )
