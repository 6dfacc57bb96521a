"""Rules on CONCERTO commitments and délégué records (registered in `quartiers.core.access`
by OrganisationConfig; the territory is `quartiers.contracts.access`).

- A commitment: the délégué edits those of the contracts of their territory; a partner those
  of its own organisation in the contracts it signs — checked on the commitment as it will be
  after the write, so that nobody moves one out of their organisation or territory.
- The délégués' records and territories: read by the préfecture and the délégués, edited by
  the préfecture.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from quartiers.contracts.access import territory_of
from quartiers.core.access import PREFECTURE, Perm, rule_register, scope_register
from quartiers.core.models import Role
from quartiers.organisation.models import Commitment, PrefectDelegate


def commitment_rule(user: Any, role: str, perm: Perm, obj: Commitment) -> bool:
    if role in PREFECTURE:
        return True
    territory = territory_of(user)
    if territory is None:
        return False
    if perm == Perm.VIEW_INTERNAL and role == Role.DELEGATE:
        return True
    in_territory = obj.contract_id in territory.contract_ids
    if role == Role.PARTNER and perm == Perm.EDIT:
        return in_territory and obj.organisation_id == territory.organisation_id
    return in_territory


def commitment_scope(user: Any, role: str, perm: Perm, queryset: QuerySet) -> QuerySet:
    if perm == Perm.VIEW or role in PREFECTURE:
        return queryset
    territory = territory_of(user)
    if territory is None:
        return queryset.none()
    if role == Role.DELEGATE and perm == Perm.VIEW_INTERNAL:
        return queryset
    queryset = queryset.filter(contract_id__in=territory.contract_ids)
    if role == Role.PARTNER and perm == Perm.EDIT:
        queryset = queryset.filter(organisation_id=territory.organisation_id)
    return queryset


def delegate_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    if perm == Perm.VIEW_INTERNAL:
        return role in PREFECTURE or role == Role.DELEGATE
    return role in PREFECTURE


def register() -> None:
    rule_register(Commitment, commitment_rule)
    scope_register(Commitment, commitment_scope)
    rule_register(PrefectDelegate, delegate_rule)
