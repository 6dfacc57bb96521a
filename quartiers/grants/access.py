"""Rules on funding files (registered in `quartiers.core.access` by GrantsConfig); the views
ask `user_can` / `scope` / `permission_check` with these rules, never a role.

Objects:
- The préfecture (administrator, agent) reads and acts on every application.
- A délégué du préfet reads, and gives the opinion (« avis ») on, the applications on their
  territory: the SAME rule as actions (`quartiers.contracts.access.Territory`), the contract
  being the call's and the QPV the application's; they read the associations having an
  application there or their seat in one of their QPV, and the agreements of those
  applications.
- An association account reads and edits its own association's applications, reads its own
  association and agreements.
- Anybody else: nothing. Acts, payments, reports (`Agreement`, `Payment`, `FinancialReport`
  written), associations written, imports: the préfecture only.

Pages as a whole (`user_can(user, perm, Model)`: the rule receives the class):
- `Application` / `CallForProjects`, VIEW_INTERNAL: the funding pages (applications, calls,
  reports): préfecture, délégués, association accounts;
- `Application`, EDIT: the new-application form: préfecture, an association account linked to
  its association (it files for itself);
- `Association`, `Agreement`, `Steering` (budget BOP 147, funded posts, measured targeting),
  VIEW_INTERNAL: préfecture and délégués; EDIT (new association, Dauphin import): préfecture.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from quartiers.contracts.access import territory_of
from quartiers.core.access import (
    PREFECTURE,
    Perm,
    is_prefecture,
    role_of,
    rule_register,
    scope,
    scope_register,
    user_can,
)
from quartiers.core.models import Role
from quartiers.grants.choices import ASSOCIATION_EDITABLE, GRANTED_STATUSES, ApplicationStatus
from quartiers.grants.models import (
    Agreement,
    Application,
    Association,
    CallForProjects,
    Envelope,
    FundedPost,
)


class Steering:
    """The steering of the BOP 147 as a whole: budget and envelopes, funded posts, measured
    targeting per contract, the Dauphin import (a permission target, not a model)."""


FUNDING_READERS = frozenset({Role.DELEGATE, Role.ASSOCIATION})


def association_of(user: Any) -> Association | None:
    if role_of(user) != Role.ASSOCIATION:
        return None
    membership = getattr(user, "association_membership", None)
    return membership.association if membership else None


def _qpv_ids(application: Application) -> set[int]:
    pending = getattr(application, "_access_qpv_ids", None)
    if pending is not None:
        return set(pending)
    return set(application.qpvs.values_list("pk", flat=True)) if application.pk else set()


def application_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    if role in PREFECTURE:
        return True
    if isinstance(obj, type):  # the funding pages (read), the new-application form (edit)
        if perm == Perm.VIEW_INTERNAL:
            return role in FUNDING_READERS
        return association_of(user) is not None
    if role == Role.DELEGATE:
        return territory_of(user).covers(
            contract_id=obj.call.contract_id if obj.call_id else None, qpv_ids=_qpv_ids(obj)
        )
    association = association_of(user)
    return association is not None and association.pk == obj.association_id


def application_scope(user: Any, role: str, perm: Perm, queryset: QuerySet) -> QuerySet:
    if role in PREFECTURE:
        return queryset
    if role == Role.DELEGATE:
        territory = territory_of(user)
        return queryset.filter(territory.q(contract="call__contract_id")).distinct()
    association = association_of(user)
    if association is not None:
        return queryset.filter(association=association)
    return queryset.none()


def call_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    """Calls for projects are read by every funding reader, written by the préfecture."""
    if role in PREFECTURE:
        return True
    return perm == Perm.VIEW_INTERNAL and role in FUNDING_READERS


def steering_rule(user: Any, role: str, perm: Perm, obj: Any) -> bool:
    """Steering pages, lists of associations and agreements: préfecture and délégués read;
    one association or agreement: also its association, and a délégué within their scope."""
    if role in PREFECTURE:
        return True
    if perm != Perm.VIEW_INTERNAL:
        return False
    if isinstance(obj, type) or not isinstance(obj, Association | Agreement):
        return role == Role.DELEGATE
    association_id = obj.pk if isinstance(obj, Association) else obj.association_id
    if role == Role.DELEGATE:
        if isinstance(obj, Association) and obj.qpv_id in territory_of(user).qpv_ids:
            return True
        return scope(user, Perm.VIEW_INTERNAL, obj.applications.all()).exists()
    association = association_of(user)
    return association is not None and association.pk == association_id


def association_scope(user: Any, role: str, perm: Perm, queryset: QuerySet) -> QuerySet:
    if role in PREFECTURE:
        return queryset
    if perm == Perm.VIEW_INTERNAL and role == Role.DELEGATE:
        ids = scope(user, Perm.VIEW_INTERNAL, Application.objects.all()).values("association_id")
        return queryset.filter(Q(pk__in=ids) | Q(qpv_id__in=territory_of(user).qpv_ids))
    association = association_of(user)
    if perm == Perm.VIEW_INTERNAL and association is not None:
        return queryset.filter(pk=association.pk)
    return queryset.none()


def is_owner(user: Any, application: Application) -> bool:
    association = association_of(user)
    return association is not None and association.pk == application.association_id


def _writes(user: Any, application: Application) -> bool:
    return user_can(user, Perm.EDIT, application)


def can_edit_content(user: Any, application: Application) -> bool:
    if is_prefecture(user):
        return (
            application.status not in GRANTED_STATUSES
            and application.status != ApplicationStatus.REFUSED
        )
    return (
        _writes(user, application)
        and is_owner(user, application)
        and (application.status in ASSOCIATION_EDITABLE)
    )


def can_transition(user: Any, application: Application, to_status: str) -> bool:
    if is_prefecture(user):
        return True
    if to_status == ApplicationStatus.FILED:
        return is_owner(user, application)
    if to_status == ApplicationStatus.DELEGATE_OPINION:
        return role_of(user) == Role.DELEGATE and _writes(user, application)
    return False


def can_act_as_owner(user: Any, application: Application) -> bool:
    """Documents, beneficiaries' files, CPO renewals: the owner association, the préfecture."""
    return is_prefecture(user) or is_owner(user, application)


def can_decide(user: Any) -> bool:
    """Acts, payments, financial reports: the préfecture (no rule on agreements' writes)."""
    return user_can(user, Perm.EDIT, Agreement)


# --- For the write services (`user=None`: the system; refusals: PermissionDenied → 403) ----


def _require(user: Any, allowed: Any, message: str) -> None:
    if user is not None and not allowed(user):
        raise PermissionDenied(message)


def transition_require(user: Any, application: Application, to_status: str) -> None:
    _require(
        user,
        lambda u: can_transition(u, application, to_status),
        "Vous n'avez pas le droit de faire avancer cette demande à cette étape.",
    )


def content_require(user: Any, application: Application) -> None:
    """The form, the budget lines: the owner while it is a draft, the préfecture."""
    _require(
        user,
        lambda u: can_edit_content(u, application),
        "Vous ne pouvez pas modifier cette demande (hors de vos droits ou de son statut).",
    )


def owner_require(user: Any, application: Application) -> None:
    """Documents, beneficiaries' files, renewals: the owner association or the préfecture."""
    _require(
        user,
        lambda u: can_act_as_owner(u, application),
        "Seules l'association qui dépose la demande et la préfecture peuvent faire cela.",
    )


def creation_require(user: Any, application: Application, qpv_ids: set[int]) -> None:
    """A new application as it will be: of the user's own association (or any, préfecture)."""
    application._access_qpv_ids = frozenset(qpv_ids)
    _require(
        user,
        lambda u: user_can(u, Perm.EDIT, application) and role_of(u) != Role.DELEGATE,
        "Vous ne pouvez déposer une demande que pour votre association.",
    )


def register() -> None:
    rule_register(Application, application_rule)
    scope_register(Application, application_scope)
    rule_register(CallForProjects, call_rule)
    for model in (Association, Agreement, Envelope, FundedPost, Steering):
        rule_register(model, steering_rule)
    scope_register(Association, association_scope)
