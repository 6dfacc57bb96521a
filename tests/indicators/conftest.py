"""Indicator fixtures: the real Nord SIG Ville file imported on top of the Nord geography."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartiers.indicators.importers import import_nord_indicators

NORD_FILE = Path("indicateurs") / "sigville_qpv2024_indicateurs_nord.csv"


@pytest.fixture
def nord_file(data_dir: Path) -> Path:
    return data_dir / NORD_FILE


@pytest.fixture
def nord_indicators(db, data_dir: Path):
    """The 94 Nord QPV values imported (applied) for this test."""
    return import_nord_indicators(data_dir=data_dir, apply=True)


@pytest.fixture
def nord_contracts(db, data_dir: Path):
    """The 13 contracts of the Nord (2024) and their 98 QPV links, from the ANCT lists."""
    from quartiers.contracts.importers import contracts_import_nord

    return contracts_import_nord(data_dir=data_dir, apply=True)
