"""The indicators' evaluation views in the permission matrix (tests/core/test_permission_matrix).

Public statistics: every role, inside or outside its territory, reads a contract's scorecard
(« in »: CN05902M, « out »: CN05911M) and the choropleth of any indicator.
"""

from __future__ import annotations

from typing import Any

from tests.core.matrix import PUBLIC, Case, public


def _contract(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"code": world[f"contract_{where}"].code}


def _indicator(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"code": world["indicator"].code}


MATRIX: dict[str, Case] = {
    "indicators:contract_scorecard": Case(args=_contract, get={"in": PUBLIC, "out": PUBLIC}),
    "indicators:contract_scorecard_export": Case(args=_contract, get={"in": PUBLIC, "out": PUBLIC}),
    "indicators:contract_chart_export": Case(
        args=lambda w, where: {**_contract(w, where), "fmt": "svg"},
        get={"in": PUBLIC, "out": PUBLIC},
    ),
    "indicators:choropleth": public(_indicator),
    "indicators:choropleth_geojson": public(_indicator),
}


def world_extend(world: dict[str, Any]) -> None:
    """Nothing to add: the matrix world has the contracts and the catalogue."""
