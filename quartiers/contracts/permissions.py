"""Who may read and edit what in the contracts domain: the single place every view asks.

For now (issue 4, part 1): everybody reads the contracts and their published follow-up;
préfecture staff (administrators and agents of the mission politique de la ville) edit.
Per-territory rights (délégués, partners) will extend `can_edit` without touching the views.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def can_view(user: Any, obj: Any) -> bool:
    return True


def can_edit(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_prefecture_staff)


def edit_required(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """None when allowed; a login redirect for anonymous visitors; 403 otherwise."""
    if can_edit(request.user, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("Vous n'avez pas le droit de modifier cet élément.")
