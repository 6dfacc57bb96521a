"""Read-side queries: a délégué's territory page and the CONCERTO commitments table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from quartiers.contracts.access import Territory, delegate_actions_q, delegate_territory
from quartiers.contracts.models import Action, Contract, ContractQPV, Milestone
from quartiers.contracts.selectors import FOLLOW_UP_DAYS
from quartiers.geography.models import QPV
from quartiers.organisation.choices import CommitmentStatus
from quartiers.organisation.models import Commitment, PrefectDelegate


@dataclass(frozen=True)
class DelegateTerritoryPage:
    delegate: PrefectDelegate
    qpvs: list[QPV]
    contracts: list[Contract]
    actions: list[Action]
    late_milestones: list[Milestone]
    upcoming_milestones: list[Milestone]
    commitments_overdue: list[Commitment]


def delegate_territory_page(*, delegate: PrefectDelegate, today: date) -> DelegateTerritoryPage:
    territory = delegate_territory(delegate=delegate)
    actions = (
        Action.objects.filter(delegate_actions_q(territory=territory))
        .distinct()
        .select_related("contract")
        .prefetch_related("milestones", "qpvs")
        .order_by("contract__code", "-is_priority", "priority_rank", "title")
    )
    action_ids = [a.pk for a in actions]
    milestones = Milestone.objects.filter(action_id__in=action_ids).select_related(
        "action__contract"
    )
    commitments = Commitment.objects.filter(contract_id__in=territory.contract_ids).select_related(
        "organisation", "contract"
    )
    return DelegateTerritoryPage(
        delegate=delegate,
        qpvs=list(QPV.objects.filter(pk__in=territory.qpv_ids).order_by("code")),
        contracts=list(Contract.objects.filter(pk__in=territory.contract_ids).order_by("code")),
        actions=list(actions),
        late_milestones=list(milestones.late(today=today).order_by("due_on")),
        upcoming_milestones=list(
            milestones.due_within(today=today, days=FOLLOW_UP_DAYS).order_by("due_on")
        ),
        commitments_overdue=[c for c in commitments if c.is_overdue(today)],
    )


@dataclass(frozen=True)
class DelegateRow:
    """A line of the délégués' list: the territory as the access policy computes it (assigned
    QPV + QPV of the assigned contracts; assigned contracts + contracts covering a QPV)."""

    delegate: PrefectDelegate
    assigned_contracts: list[str]
    territory: Territory

    @property
    def qpv_count(self) -> int:
        return len(self.territory.qpv_ids)

    @property
    def contract_count(self) -> int:
        return len(self.territory.contract_ids)


def delegate_rows() -> list[DelegateRow]:
    """Every délégué with their territory, in 4 queries whatever their number (the rule of
    `quartiers.core.territory.delegate_territory`, applied to all of them at once)."""
    delegates = list(PrefectDelegate.objects.select_related("user").order_by("name", "pk"))
    explicit: dict[int, set[int]] = defaultdict(set)
    codes: dict[int, list[str]] = defaultdict(list)
    for delegate_id, contract_id, code in PrefectDelegate.contracts.through.objects.values_list(
        "prefectdelegate_id", "contract_id", "contract__code"
    ).order_by("contract__code"):
        explicit[delegate_id].add(contract_id)
        codes[delegate_id].append(code)
    assigned: dict[int, set[int]] = defaultdict(set)
    for delegate_id, qpv_id in PrefectDelegate.qpvs.through.objects.values_list(
        "prefectdelegate_id", "qpv_id"
    ):
        assigned[delegate_id].add(qpv_id)
    qpvs_of: dict[int, set[int]] = defaultdict(set)
    contracts_of: dict[int, set[int]] = defaultdict(set)
    for contract_id, qpv_id in ContractQPV.objects.values_list("contract_id", "qpv_id"):
        qpvs_of[contract_id].add(qpv_id)
        contracts_of[qpv_id].add(contract_id)
    rows = []
    for d in delegates:
        mine, qpvs = explicit[d.pk], assigned[d.pk]
        territory = Territory(
            contract_ids=frozenset(mine | {c for q in qpvs for c in contracts_of[q]}),
            explicit_contract_ids=frozenset(mine),
            qpv_ids=frozenset(qpvs | {q for c in mine for q in qpvs_of[c]}),
        )
        rows.append(DelegateRow(delegate=d, assigned_contracts=codes[d.pk], territory=territory))
    return rows


@dataclass(frozen=True)
class CommitmentFilters:
    contract: Contract | None = None
    organisation_id: int | None = None
    theme: str = ""
    status: str = ""
    progress_min: int | None = None
    progress_max: int | None = None
    overdue_only: bool = False


def commitments_filtered(*, filters: CommitmentFilters, today: date) -> QuerySet[Commitment]:
    qs = Commitment.objects.select_related("organisation", "contract")
    if filters.contract is not None:
        qs = qs.filter(contract=filters.contract)
    if filters.organisation_id is not None:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.progress_min is not None:
        qs = qs.filter(progress__gte=filters.progress_min)
    if filters.progress_max is not None:
        qs = qs.filter(progress__lte=filters.progress_max)
    if filters.overdue_only:
        closed = [CommitmentStatus.ACHIEVED, CommitmentStatus.ABANDONED]
        qs = qs.filter(Q(deadline__lt=today) & ~Q(status__in=closed))
    return qs.order_by("contract__code", "organisation__acronym", "theme", "title")
