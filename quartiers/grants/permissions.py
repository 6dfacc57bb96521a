"""The HTTP face of the funding rules (quartiers/grants/access.py): which role opens which page.

Reading: the scopes of `quartiers.grants.selectors` (outside them: 404). Writing:
- an association account edits its own drafts, files them, uploads their documents and
  beneficiaries' files, and asks for the yearly renewal of its CPO;
- a délégué du préfet gives the opinion (« avis ») on the applications of their territory;
- the préfecture (administrator, agent) does everything else: instruction, committee,
  decision, acts, payments, reports, imports.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from quartiers.core.access import role_of
from quartiers.core.models import Role
from quartiers.grants.access import (
    can_edit_content,
    can_renew,
    can_transition,
    can_upload_beneficiaries,
    is_owner,
)

__all__ = [
    "READERS",
    "STAFF_READERS",
    "access_check",
    "can_edit_content",
    "can_renew",
    "can_transition",
    "can_upload_beneficiaries",
    "is_owner",
]

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
