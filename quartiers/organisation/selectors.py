"""Read-side queries: a délégué's territory page and the CONCERTO commitments table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from quartiers.contracts.access import delegate_actions_q, delegate_territory
from quartiers.contracts.models import Action, Contract, Milestone
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


def delegate_list() -> QuerySet[PrefectDelegate]:
    return PrefectDelegate.objects.select_related("user").prefetch_related("qpvs", "contracts")


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
