"""Reads of the funding domain: who sees what (scopes), budget views, shares, late reports.

Scopes (rules: quartiers/grants/access.py): préfecture (admin, agent) sees everything; a
délégué sees the applications on their territory (the same rule as actions); an association
account sees its own association only; anybody else sees nothing. Objects outside a scope
answer 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db.models import Q, QuerySet

from quartiers.contracts.choices import Theme
from quartiers.contracts.models import Contract
from quartiers.core.access import Perm, scope
from quartiers.grants.choices import (
    BOP147_OUTSIDE_QPV_MAX,
    COMMITTED_STATUSES,
    FONDS_VERT_QPV_TARGET,
    GRANTED_STATUSES,
    MULTI_YEAR_TARGET,
    DecisionKind,
    Fund,
    PeriodKind,
)
from quartiers.grants.models import (
    Agreement,
    Application,
    Association,
    Envelope,
    Payment,
    Tranche,
)
from quartiers.grants.posts import posts_add
from quartiers.grants.services.money import money_sum

ZERO = Decimal("0.00")
OUTSIDE_QPV = "hors-qpv"
POST_GROUPS = ("contract", "qpv")


def scope_applications(
    user: Any, queryset: QuerySet[Application] | None = None
) -> QuerySet[Application]:
    """The applications `user` may read (rule: quartiers/grants/access.py)."""
    queryset = Application.objects.all() if queryset is None else queryset
    return scope(user, Perm.VIEW_INTERNAL, queryset)


def scope_associations(
    user: Any, queryset: QuerySet[Association] | None = None
) -> QuerySet[Association]:
    """The associations `user` may read (rule: quartiers/grants/access.py)."""
    queryset = Association.objects.all() if queryset is None else queryset
    return scope(user, Perm.VIEW_INTERNAL, queryset)


# --- Money ----------------------------------------------------------------------------------


@dataclass
class MoneyRow:
    key: str
    label: str
    envelope: Decimal | None = None
    programmed: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    count: int = 0
    # Part of `programmed`: later tranches of running CPO whose year's application is not
    # granted yet (the CPO already programs them).
    cpo_tranches: Decimal = ZERO
    # Posts paid on the same programme (BOP 147) that year, beside the grants.
    adultes_relais: Decimal = ZERO
    fonjep: Decimal = ZERO

    @property
    def state_total(self) -> Decimal:
        return self.programmed + self.adultes_relais + self.fonjep

    @property
    def remaining(self) -> Decimal | None:
        return None if self.envelope is None else self.envelope - self.programmed


@dataclass
class MoneyTable:
    rows: list[MoneyRow] = field(default_factory=list)

    @property
    def total(self) -> MoneyRow:
        envelopes = [r.envelope for r in self.rows if r.envelope is not None]
        return MoneyRow(
            key="total",
            label="Total",
            envelope=sum(envelopes, ZERO) if envelopes else None,
            programmed=sum((r.programmed for r in self.rows), ZERO),
            committed=sum((r.committed for r in self.rows), ZERO),
            paid=sum((r.paid for r in self.rows), ZERO),
            count=sum(r.count for r in self.rows),
            cpo_tranches=sum((r.cpo_tranches for r in self.rows), ZERO),
            adultes_relais=sum((r.adultes_relais for r in self.rows), ZERO),
            fonjep=sum((r.fonjep for r in self.rows), ZERO),
        )


def granted_applications(*, year: int, fund: str = Fund.BOP147) -> QuerySet[Application]:
    return (
        Application.objects.filter(call__year=year, fund=fund, status__in=GRANTED_STATUSES)
        .select_related("call__contract", "association", "agreement")
        .prefetch_related("qpvs")
    )


def _paid_by_application(applications: QuerySet[Application]) -> dict[int, Decimal]:
    paid: dict[int, list[Decimal]] = defaultdict(list)
    rows = Payment.objects.filter(application__in=applications).values_list(
        "application_id", "amount"
    )
    for application_id, amount in rows:
        paid[application_id].append(amount)
    return {key: money_sum(values) for key, values in paid.items()}


def budget_table(*, year: int, by: str, fund: str = Fund.BOP147) -> MoneyTable:
    """Programmed (granted), committed (act signed), paid, remaining — grouped by contract,
    theme or association. Every grouping sums the same applications, so totals agree."""
    applications = granted_applications(year=year, fund=fund)
    paid = _paid_by_application(applications)
    rows: dict[str, MoneyRow] = {}
    for application in applications:
        key, label = _group(application, by)
        row = rows.setdefault(key, MoneyRow(key=key, label=label))
        row.programmed += application.amount_granted or ZERO
        if application.status in COMMITTED_STATUSES:
            row.committed += application.amount_granted or ZERO
        row.paid += paid.get(application.pk, ZERO)
        row.count += 1
    for tranche, first in cpo_tranches_pending(year=year, fund=fund):
        key, label = _group(first, by)
        row = rows.setdefault(key, MoneyRow(key=key, label=label))
        row.programmed += tranche.planned_amount
        row.cpo_tranches += tranche.planned_amount
        row.count += 1
    if by in POST_GROUPS:
        posts_add(
            rows=rows, year=year, by=by, row_new=lambda k, label: MoneyRow(key=k, label=label)
        )
    if by == "contract":
        envelopes = Envelope.objects.filter(
            year=year, fund=fund, contract__isnull=False
        ).select_related("contract")
        for envelope in envelopes:
            contract = cast(Contract, envelope.contract)  # contract__isnull=False
            row = rows.setdefault(
                contract.code,
                MoneyRow(key=contract.code, label=f"{contract.code} — {contract.name}"),
            )
            row.envelope = envelope.amount
    return MoneyTable(rows=sorted(rows.values(), key=lambda r: r.label))


def cpo_tranches_pending(
    *, year: int, fund: str = Fund.BOP147
) -> list[tuple[Tranche, Application]]:
    """(tranche, the CPO's first-year application) for the `year` tranches of running CPO
    whose own application is missing or not granted yet: the CPO programs them already."""
    pending = (
        Tranche.objects.filter(year=year, rank__gt=1, agreement__kind=DecisionKind.CPO)
        .filter(Q(application__isnull=True) | ~Q(application__status__in=GRANTED_STATUSES))
        .select_related("agreement")
    )
    firsts = {
        t.agreement_id: t.application
        for t in Tranche.objects.filter(
            rank=1, agreement__in={t.agreement_id for t in pending}, application__fund=fund
        ).select_related("application__call__contract", "application__association")
    }
    return [
        (t, first)
        for t in pending
        if t.agreement_id in firsts and (first := firsts[t.agreement_id]) is not None
    ]


def _group(application: Application, by: str) -> tuple[str, str]:
    if by == "contract":
        contract = application.call.contract
        return contract.code, f"{contract.code} — {contract.name}"
    if by == "theme":
        return application.theme, Theme(application.theme).label
    if by == "association":
        return str(application.association.uuid), application.association.name
    if by == "qpv":
        qpvs = sorted(application.qpvs.all(), key=lambda q: q.code)
        if not qpvs:
            return OUTSIDE_QPV, "Hors QPV (action rattachée à aucun QPV)"
        if len(qpvs) == 1:
            return qpvs[0].code, f"{qpvs[0].code} — {qpvs[0].name}"
        return "+".join(q.code for q in qpvs), "Plusieurs QPV : " + ", ".join(q.code for q in qpvs)
    raise ValueError(f"Regroupement inconnu : {by}")


@dataclass
class Share:
    part: Decimal
    whole: Decimal
    target: Decimal
    maximum: bool = False  # the target is a ceiling (« au plus »), not a floor
    counted: bool = False  # part and whole count acts, not euros

    @property
    def ratio(self) -> Decimal | None:
        return None if not self.whole else (self.part / self.whole)

    @property
    def percent(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))

    @property
    def reached(self) -> bool:
        if self.ratio is None:
            return False
        return self.ratio <= self.target if self.maximum else self.ratio >= self.target


def multi_year_share(*, year: int) -> Share:
    """Credits programmed under a CPO (or asked as multi-year) among all programmed credits."""
    applications = granted_applications(year=year)
    whole = money_sum(applications.values_list("amount_granted", flat=True))
    multi = applications.filter(
        Q(agreement__kind=DecisionKind.CPO)
        | Q(agreement__isnull=True, period_kind=PeriodKind.MULTI_YEAR)
    )
    part = money_sum(multi.values_list("amount_granted", flat=True))
    return Share(part=part, whole=whole, target=MULTI_YEAR_TARGET)


def fonds_vert_share(*, year: int) -> Share:
    """Fonds vert credits for actions in QPV against the département's Fonds vert total
    (its envelope when recorded, else everything programmed on the Fonds vert)."""
    applications = granted_applications(year=year, fund=Fund.FONDS_VERT)
    in_qpv = applications.filter(qpvs__isnull=False).distinct()
    part = money_sum(a.amount_granted for a in in_qpv)
    envelope = Envelope.objects.filter(
        year=year, fund=Fund.FONDS_VERT, contract__isnull=True
    ).first()
    whole = (
        envelope.amount
        if envelope
        else money_sum(applications.values_list("amount_granted", flat=True))
    )
    return Share(part=part, whole=whole, target=FONDS_VERT_QPV_TARGET)


def multi_year_agreements_share(*, year: int) -> Share:
    """Conventions with associations in force in `year` that are multi-year (CPO), counted
    (circular: at least half of them)."""
    in_force = Agreement.objects.filter(
        first_year__lte=year,
        last_year__gte=year,
        kind__in=[DecisionKind.CONVENTION, DecisionKind.CPO],
    )
    return Share(
        part=Decimal(in_force.filter(kind=DecisionKind.CPO).count()),
        whole=Decimal(in_force.count()),
        target=MULTI_YEAR_TARGET,
        counted=True,
    )


def bop147_outside_qpv_share(*, year: int) -> Share:
    """BOP 147 credits for actions attached to no QPV against the département's envelope
    (recorded without contract; else the contracts' envelopes; else all programmed)."""
    applications = granted_applications(year=year)
    outside = applications.filter(qpvs__isnull=True)
    part = money_sum(outside.values_list("amount_granted", flat=True))
    pending = cpo_tranches_pending(year=year)
    part += money_sum(t.planned_amount for t, first in pending if not first.qpvs.exists())
    envelopes = Envelope.objects.filter(year=year, fund=Fund.BOP147)
    departement = envelopes.filter(contract__isnull=True).first()
    if departement is not None:
        whole = departement.amount
    elif envelopes.exists():
        whole = money_sum(envelopes.values_list("amount", flat=True))
    else:
        whole = money_sum(applications.values_list("amount_granted", flat=True))
        whole += money_sum(t.planned_amount for t, _ in pending)
    return Share(part=part, whole=whole, target=BOP147_OUTSIDE_QPV_MAX, maximum=True)


def reports_late(
    *, today: date, queryset: QuerySet[Application] | None = None
) -> list[Application]:
    """Funded years whose CERFA 15059 report is past due (6 months after the year) and missing."""
    queryset = Application.objects.all() if queryset is None else queryset
    candidates = queryset.filter(
        status__in=[s for s in GRANTED_STATUSES if s != "bilan_recu"], ends_on__lt=today
    ).select_related("association", "call__contract")
    return [a for a in candidates if a.report_due_on < today]


def reports_expected(*, queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.filter(status__in=GRANTED_STATUSES).select_related(
        "association", "call__contract"
    )


@dataclass
class TargetingRow:
    label: str
    applications: int = 0
    total: int = 0
    in_qpv: int = 0

    @property
    def percent(self) -> Decimal | None:
        return (
            None
            if not self.total
            else (Decimal(self.in_qpv) * 100 / self.total).quantize(Decimal("0.1"))
        )


def targeting_by_contract(*, queryset: QuerySet[Application]) -> list[TargetingRow]:
    rows: dict[str, TargetingRow] = defaultdict(lambda: TargetingRow(label=""))
    measured = queryset.filter(targeting_measured_at__isnull=False).select_related("call__contract")
    for application in measured:
        contract = application.call.contract
        row = rows[contract.code]
        row.label = f"{contract.code} — {contract.name}"
        row.applications += 1
        row.total += application.beneficiaries_total or 0
        row.in_qpv += application.beneficiaries_in_qpv or 0
    return sorted(rows.values(), key=lambda r: r.label)


def targeting_of_association(*, association: Association) -> TargetingRow:
    row = TargetingRow(label=association.name)
    for application in association.applications.filter(targeting_measured_at__isnull=False):
        row.applications += 1
        row.total += application.beneficiaries_total or 0
        row.in_qpv += application.beneficiaries_in_qpv or 0
    return row
