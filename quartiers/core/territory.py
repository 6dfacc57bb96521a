"""Who may do what, where: the ONE place holding the rules of roles and territories.

Roles (`quartiers.core.models.Role`) and what they may do:

- public (anonymous) and association: published pages only (`Perm.VIEW`). Associations will
  see their own files with the funding issue; today they have nothing internal to see.
- administrator and agent of the mission politique de la ville (« préfecture »): everything.
- délégué du préfet: reads everything internal, edits on their territory only.
- partner: reads the internal follow-up of the contracts their organisation signs, edits its
  CONCERTO commitments and the actions it leads (`Action.lead_partner`) in those contracts.

Territory of a délégué (`PrefectDelegate`): the contracts assigned to them, plus the contracts
covering a QPV assigned to them; its QPV are the assigned QPV plus those of the assigned
contracts. An action is on their territory when its contract is assigned to them, when it
concerns one of their QPV, or when it names no QPV and its contract is on their territory.

Views never test roles themselves: they call `user_can` (or `quartiers.core.permissions`,
its HTTP face) and scope their lists with the `scope_*` functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from quartiers.core.models import Role

if TYPE_CHECKING:
    from quartiers.organisation.models import Organisation, PrefectDelegate


class Perm(StrEnum):
    VIEW = "view"  # a published page: everybody
    VIEW_INTERNAL = "view_internal"  # follow-up notes, audit trail, e-mails, dashboard, documents
    EDIT = "edit"  # forms and every POST that changes something


ANONYMOUS = "anonymous"
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


def role_of(user: Any) -> str:
    """The user's role, `anonymous` for the public; a superuser counts as administrator."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return Role.ADMIN
    return str(user.role)


def is_prefecture(user: Any) -> bool:
    return role_of(user) in {Role.ADMIN, Role.AGENT}


@dataclass(frozen=True)
class Territory:
    """The ids a délégué or a partner works on (computed once per request)."""

    contract_ids: frozenset[int]
    explicit_contract_ids: frozenset[int] = frozenset()
    qpv_ids: frozenset[int] = frozenset()
    organisation_id: int | None = None


def delegate_of(user: Any) -> PrefectDelegate | None:
    if role_of(user) != Role.DELEGATE:
        return None
    from quartiers.organisation.models import PrefectDelegate

    return PrefectDelegate.objects.filter(user=user).first()


def delegate_territory(*, delegate: PrefectDelegate | None) -> Territory:
    from quartiers.contracts.models import ContractQPV

    if delegate is None:
        return Territory(contract_ids=frozenset())
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


def partner_contract_ids(*, organisation: Organisation | None) -> frozenset[int]:
    """Contracts whose signatories include the organisation (a refusal does not count)."""
    from quartiers.contracts.choices import SignatoryStatus
    from quartiers.contracts.models import Signatory

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


def territory_forget(user: Any) -> None:
    """Drop the cached territory (after an assignment changed)."""
    if hasattr(user, "_territory"):
        del user._territory


# --- Objects -------------------------------------------------------------------------------


def _contract_id(obj: Any) -> int | None:
    from quartiers.contracts.models import Contract, FollowUpNote, Milestone

    if isinstance(obj, Contract):
        return obj.pk
    if isinstance(obj, Milestone | FollowUpNote):
        return obj.action.contract_id
    return getattr(obj, "contract_id", None)


def _action_of(obj: Any) -> Any:
    from quartiers.contracts.models import Action, FollowUpNote, Milestone

    if isinstance(obj, Action):
        return obj
    if isinstance(obj, Milestone | FollowUpNote):
        return obj.action
    return None


def _delegate_edits(territory: Territory, obj: Any) -> bool:
    from quartiers.contracts.models import Contract, ContractDocument, Signatory
    from quartiers.organisation.models import Commitment

    action = _action_of(obj)
    if action is not None:
        if action.contract_id in territory.explicit_contract_ids:
            return True
        qpv_ids = set(action.qpvs.values_list("pk", flat=True)) if action.pk else set()
        if qpv_ids:
            return bool(qpv_ids & territory.qpv_ids)
        return action.contract_id in territory.contract_ids
    if isinstance(obj, Contract | Signatory | ContractDocument | Commitment):
        return _contract_id(obj) in territory.contract_ids
    return False  # programmes, registry…: préfecture only


def _partner_edits(territory: Territory, obj: Any) -> bool:
    from quartiers.organisation.models import Commitment

    if territory.organisation_id is None:
        return False
    if isinstance(obj, Commitment):
        return (
            obj.organisation_id == territory.organisation_id
            and obj.contract_id in territory.contract_ids
        )
    action = _action_of(obj)
    if action is not None:
        return (
            action.lead_partner_id == territory.organisation_id
            and action.contract_id in territory.contract_ids
        )
    return False


def user_can(user: Any, perm: Perm | str, obj: Any = None) -> bool:
    """May `user` do `perm` on `obj` (None: the page or list as a whole)?"""
    perm = Perm(perm)
    role = role_of(user)
    if perm == Perm.VIEW or role in {Role.ADMIN, Role.AGENT}:
        return True
    if role not in {Role.DELEGATE, Role.PARTNER}:
        return False  # public and associations: published pages only
    territory = territory_of(user)
    if perm == Perm.VIEW_INTERNAL:
        if role == Role.DELEGATE or obj is None:
            return True  # délégués read all; a partner's lists are scoped (scope_*)
        contract_id = _contract_id(obj)
        return contract_id is not None and contract_id in territory.contract_ids
    if obj is None:
        return True  # the form as a whole; each object is checked when it is saved
    if role == Role.DELEGATE:
        return _delegate_edits(territory, obj)
    return _partner_edits(territory, obj)


# --- Lists ---------------------------------------------------------------------------------


def scope_actions(user: Any, queryset: QuerySet) -> QuerySet:
    """The actions whose internal follow-up `user` may read."""
    role = role_of(user)
    if role in {Role.ADMIN, Role.AGENT, Role.DELEGATE}:
        return queryset
    if role == Role.PARTNER:
        return queryset.filter(contract_id__in=territory_of(user).contract_ids)
    return queryset.none()


def scope_editable_actions(user: Any, queryset: QuerySet) -> QuerySet:
    """The actions `user` may edit (for « mon territoire » and the dashboard's badges)."""
    role = role_of(user)
    if role in {Role.ADMIN, Role.AGENT}:
        return queryset
    territory = territory_of(user)
    if territory is None:
        return queryset.none()
    if role == Role.PARTNER:
        return queryset.filter(
            lead_partner_id=territory.organisation_id, contract_id__in=territory.contract_ids
        )
    return queryset.filter(delegate_actions_q(territory=territory)).distinct()


def delegate_actions_q(*, territory: Territory) -> Q:
    """The actions on a délégué's territory, as a filter on Action (rule in the docstring)."""
    return (
        Q(contract_id__in=territory.explicit_contract_ids)
        | Q(qpvs__in=territory.qpv_ids)
        | Q(qpvs__isnull=True, contract_id__in=territory.contract_ids)
    )


def scope_commitments_editable(user: Any, queryset: QuerySet) -> QuerySet:
    role = role_of(user)
    if role in {Role.ADMIN, Role.AGENT}:
        return queryset
    territory = territory_of(user)
    if territory is None:
        return queryset.none()
    if role == Role.PARTNER:
        return queryset.filter(
            organisation_id=territory.organisation_id, contract_id__in=territory.contract_ids
        )
    return queryset.filter(contract_id__in=territory.contract_ids)
