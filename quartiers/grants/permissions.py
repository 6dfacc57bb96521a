"""Who may do what on funding files, on top of `quartiers.core.territory` roles.

Reading: the scopes of `quartiers.grants.selectors` (outside them: 404). Writing:
- an association account edits its own drafts, files them, uploads their documents and
  beneficiaries' files, and asks for the yearly renewal of its CPO;
- a délégué du préfet gives the opinion (« avis ») on the applications of their territory;
- the préfecture (administrator, agent) does everything else: instruction, committee,
  decision, acts, payments, reports, imports.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from quartiers.core.models import Role
from quartiers.core.territory import is_prefecture, role_of
from quartiers.grants.choices import ASSOCIATION_EDITABLE, GRANTED_STATUSES, ApplicationStatus
from quartiers.grants.models import Application
from quartiers.grants.selectors import association_of

READERS = {Role.ADMIN, Role.AGENT, Role.DELEGATE, Role.ASSOCIATION}
STAFF_READERS = {Role.ADMIN, Role.AGENT, Role.DELEGATE}
DENIED = (
    "Les financements sont réservés aux agents de la préfecture, aux délégués du préfet et "
    "aux associations."
)


def access_check(request: HttpRequest, roles: set[str]) -> HttpResponse | None:
    """None when the user's role may open the page; login redirect or 403 otherwise."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if role_of(request.user) not in roles:
        if roles == READERS:
            raise PermissionDenied(DENIED)
        if Role.DELEGATE in roles:
            raise PermissionDenied("Page réservée à la préfecture et aux délégués du préfet.")
        raise PermissionDenied("Page réservée à la préfecture.")
    return None


def is_owner(user: Any, application: Application) -> bool:
    association = association_of(user)
    return association is not None and association.pk == application.association_id


def can_edit_content(user: Any, application: Application) -> bool:
    if is_prefecture(user):
        return (
            application.status not in GRANTED_STATUSES
            and application.status != ApplicationStatus.REFUSED
        )
    return is_owner(user, application) and application.status in ASSOCIATION_EDITABLE


def can_transition(user: Any, application: Application, to_status: str) -> bool:
    if is_prefecture(user):
        return True
    if to_status == ApplicationStatus.FILED:
        return is_owner(user, application)
    if to_status == ApplicationStatus.DELEGATE_OPINION:
        return role_of(user) == Role.DELEGATE  # the view only finds in-territory applications
    return False


def can_upload_beneficiaries(user: Any, application: Application) -> bool:
    return is_prefecture(user) or is_owner(user, application)


def can_renew(user: Any, application: Application) -> bool:
    return is_prefecture(user) or is_owner(user, application)
