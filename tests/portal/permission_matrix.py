"""The public report in the permission matrix (picked up by tests/core/test_permission_matrix).

The report shows only public data: every role, anonymous included, reads its HTML page and its
PDF; neither takes a POST (405).
"""

from __future__ import annotations

from typing import Any

from tests.core.matrix import NOT_ALLOWED_GET, PUBLIC, Case, none

MATRIX: dict[str, Case] = {
    "portal:report": Case(args=none, get={"-": PUBLIC}, post={"-": NOT_ALLOWED_GET}),
    "portal:report_pdf": Case(args=none, get={"-": PUBLIC}),
    # the grants' open data: public
    "portal:subsidies": Case(args=none, get={"-": PUBLIC}),
    # public, but 404 for everybody while the grantor's SIRET is not configured (as here)
    "portal:subsidies_csv": Case(args=none, get={"-": ("404",) * 6}),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing to add: the matrix world has the contracts, the calendar and the programmes."""
