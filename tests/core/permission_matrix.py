"""The ProConnect pages in the permission matrix (picked up by tests/core/test_permission_matrix).

ProConnect is not configured in the matrix: its button's target and its return send everybody
back to the login page with a message; the return from the provider's logout goes home. None
takes a POST (405). Rules: docs/auth.md.
"""

from __future__ import annotations

from typing import Any

from tests.core.matrix import NOT_ALLOWED_GET, Case, none, public

TO_LOGIN = ("login",) * 6

MATRIX: dict[str, Case] = {
    "proconnect_login": Case(args=none, get={"-": TO_LOGIN}, post={"-": NOT_ALLOWED_GET}),
    "proconnect_callback": Case(args=none, get={"-": TO_LOGIN}, post={"-": NOT_ALLOWED_GET}),
    "proconnect_logout_done": Case(
        args=none, get={"-": ("redirect",) * 6}, post={"-": NOT_ALLOWED_GET}
    ),
    # the footer's mandatory pages: public
    "legal_notice": public(),
    "personal_data": public(),
    "accessibility": public(),
    "site_map": public(),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing to add: these pages need no object."""
