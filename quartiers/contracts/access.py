"""The territory of a délégué or a partner, and the rules on contracts, actions, milestones,
notes, signatories and documents (registered in `quartiers.core.access` by ContractsConfig).

Territory of a délégué (`PrefectDelegate`, reached as `user.delegate_profile`): the contracts
assigned to them, plus the contracts covering a QPV assigned to them; its QPV are the assigned
QPV plus those of the assigned contracts. An object placed by a contract and QPV (an action,
a funding application) is on the territory when its contract is assigned to the délégué, when
it concerns one of their QPV, or when it names no QPV and its contract is on their territory
(`Territory.covers`, `Territory.q`: the same rule in Python and in SQL).

A partner (`user.partner_organisation`) works on the contracts its organisation signs and
edits the actions it leads (`Action.lead_partner`) there.

After the write: a délégué may not add to an action a QPV outside their territory (unless the
contract is assigned to them), nor move it off their territory; a partner may not hand an
action to another organisation. Services build the action as it will be (`action_after`) and
call `access_require` on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from quartiers.contracts.choices import SignatoryStatus
from quartiers.contracts.models import (
    Action,
    Contract,
    ContractDocument,
    ContractQPV,
    FollowUpNote,
    Milestone,
    Signatory,
)
from quartiers.core.access import (
    PREFECTURE,
    Perm,
    role_of,
    rule_register,
    scope_register,
)
from quartiers.core.models import Role

# Signatory categories naming one body in the département: a partner organisation of such a
# category signs every contract listing a signatory of that category. Other categories
# (commune, EPCI, bailleur) are matched on the signatory's exact name.
SINGLE_BODY_CATEGORIES = frozenset(
    {
        "etat",
        "france_travail",
        "ars",
        "cpam",
        "caf",
        "departement",
        "region",
        "procureur",
        "bpifrance",
        "banque_territoires",
    }
)


@dataclass(frozen=True)
class Territory:
    """The ids a délégué or a partner works on (computed once per request)."""

    contract_ids: frozenset[int]
    explicit_contract_ids: frozenset[int] = frozenset()
    qpv_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None

    def covers(self, *, contract_id: int | None, qpv_ids: Iterable[int]) -> bool:
        """Is an object of this contract and these QPV on the territory (rule above)?"""
        if contract_id in self.explicit_contract_ids:
            return True
        qpv_ids = set(qpv_ids)
        if qpv_ids:
            return bool(qpv_ids & self.qpv_ids)
        return contract_id in self.contract_ids

    def q(self, *, contract: str = "contract_id", qpvs: str = "qpvs") -> Q:
        """`covers` as a filter; `contract` and `qpvs` name the lookups (use `.distinct()`)."""
        return (
            Q(**{f"{contract}__in": self.explicit_contract_ids})
            | Q(**{f"{qpvs}__in": self.qpv_ids})
            | Q(**{f"{qpvs}__isnull": True, f"{contract}__in": self.contract_ids})
        )


NOWHERE = Territory(contract_ids=frozenset())


def delegate_of(user: Any) -> Any:
    """The user's `PrefectDelegate` record (délégués only), None when there is none."""
    if role_of(user) != Role.DELEGATE:
        return None
    return getattr(user, "delegate_profile", None)


def delegate_territory(*, delegate: Any) -> Territory:
    if delegate is None:
        return NOWHERE
    explicit = frozenset(delegate.contracts.values_list("pk", flat=True))
    assigned_qpv = set(delegate.qpvs.values_list("pk", flat=True))
    links = list(
        ContractQPV.objects.filter(
            Q(contract_id__in=explicit) | Q(qpv_id__in=assigned_qpv)
        ).values_list("contract_id", "qpv_id")
    )
    qpv_ids = assigned_qpv | {q for c, q in links if c in explicit}
    via_qpv = {c for c, q in links if q in assigned_qpv}
    return Territory(
        contract_ids=explicit | frozenset(via_qpv),
        explicit_contract_ids=explicit,
        qpv_ids=frozenset(qpv_ids),
    )


def delegate_actions_q(*, territory: Territory) -> Q:
    """The actions on a délégué's territory, as a filter on Action."""
    return territory.q()


def partner_contract_ids(*, organisation: Any) -> frozenset[int]:
    """Contracts whose signatories include the organisation (a refusal does not count)."""
    if organisation is None:
        return frozenset()
    match = Q(name__iexact=organisation.name)
    if organisation.signatory_category in SINGLE_BODY_CATEGORIES:
        match |= Q(category=organisation.signatory_category)
    signatories = Signatory.objects.filter(match).exclude(status=SignatoryStatus.REFUSED)
    return frozenset(signatories.values_list("contract_id", flat=True))


def territory_of(user: Any) -> Territory | None:
    """The délégué's or partner's territory (cached on the user object); None otherwise."""
    role = role_of(user)
    if role not in {Role.DELEGATE, Role.PARTNER}:
        return None
    cached = getattr(user, "_territory", None)
    if cached is None:
        if role == Role.DELEGATE:
            cached = delegate_territory(delegate=delegate_of(user))
        else:
            organisation = user.partner_organisation
            cached = Territory(
                contract_ids=partner_contract_ids(organisation=organisation),
                organisation_id=organisation.pk if organisation else None,
            )
        user._territory = cached
    return cached


# --- The action as it will be --------------------------------------------------------------


def action_after(*, action: Action | None, contract: Contract, values: dict[str, Any]) -> Action:
    """An unsaved copy of `action` (None: a new one on `contract`) with `values` applied,
    carrying its QPV ids as they will be and the ids the write adds."""
    before_qpvs = set(action.qpvs.values_list("pk", flat=True)) if action and action.pk else set()
    if action is None:
        after = Action(contract=contract)
    else:
        after = Action(**{f.attname: getattr(action, f.attname) for f in Action._meta.fields})
    after.contract = contract
    for name, value in values.items():
        if name != "qpvs":
            setattr(after, name, value)
    qpvs = values.get("qpvs")
    after_qpvs = before_qpvs if qpvs is None else {getattr(q, "pk", q) for q in qpvs}
    after._access_qpv_ids = frozenset(after_qpvs)
    after._access_added_qpv_ids = frozenset(after_qpvs - before_qpvs)
    return after


def _action_qpv_ids(action: Action) -> frozenset[int]:
    pending = getattr(action, "_access_qpv_ids", None)
    if pending is not None:
        return pending
    return frozenset(action.qpvs.values_list("pk", flat=True)) if action.pk else frozenset()


def _action_of(obj: Any) -> Action:
    return obj if isinstance(obj, Action) else obj.action


def _contract_id(obj: Any) -> int | None:
    if isinstance(obj, Contract):
        return obj.pk
    if isinstance(obj, Milestone | FollowUpNote):
        return obj.action.contract_id
    return getattr(obj, "contract_id", None)


def _reads_internal(user: Any, role: str, obj: Any) -> bool:
    if role in PREFECTURE or role == Role.DELEGATE:
        return True
    if role == Role.PARTNER:
        return _contract_id(obj) in territory_of(user).contract_ids
    return False


def action_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    """Actions, and the milestones and notes of an action."""
    if perm == Perm.VIEW_INTERNAL or role in PREFECTURE:
        return _reads_internal(user, role, obj)
    action = _action_of(obj)
    territory = territory_of(user)
    if role == Role.DELEGATE:
        if action.contract_id in territory.explicit_contract_ids:
            return True
        added = getattr(action, "_access_added_qpv_ids", frozenset())
        if not added <= territory.qpv_ids:
            return False
        return territory.covers(contract_id=action.contract_id, qpv_ids=_action_qpv_ids(action))
    if role == Role.PARTNER:
        return (
            territory.organisation_id is not None
            and action.lead_partner_id == territory.organisation_id
            and action.contract_id in territory.contract_ids
        )
    return False


def contract_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    """Contracts, signatories and documents: délégués on their territory; partners read."""
    if perm == Perm.VIEW_INTERNAL or role in PREFECTURE:
        return _reads_internal(user, role, obj)
    if role == Role.DELEGATE:
        return _contract_id(obj) in territory_of(user).contract_ids
    return False


def action_scope(user: Any, role: str, perm: Perm, queryset: QuerySet) -> QuerySet:
    if perm == Perm.VIEW or role in PREFECTURE:
        return queryset
    territory = territory_of(user)
    if role == Role.DELEGATE:
        if perm == Perm.VIEW_INTERNAL:
            return queryset
        return queryset.filter(territory.q()).distinct()
    if role == Role.PARTNER:
        queryset = queryset.filter(contract_id__in=territory.contract_ids)
        if perm == Perm.EDIT:
            queryset = queryset.filter(lead_partner_id=territory.organisation_id)
        return queryset
    return queryset.none()


def register() -> None:
    rule_register(Action, action_rule)
    rule_register(Milestone, action_rule)
    rule_register(FollowUpNote, action_rule)
    for model in (Contract, Signatory, ContractDocument):
        rule_register(model, contract_rule)
    scope_register(Action, action_scope)
