"""Fixtures of the report tests: the Nord contracts with the press-kit calendar, programmes."""

from __future__ import annotations

import pytest

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.programmes.seed import seed_programmes_demo
from tests.contracts.conftest import TODAY


@pytest.fixture
def nord_report_data(db, data_dir):
    """The 13 contracts of the Nord (calendar signed as in the press kit) and the programmes."""
    seed_contracts_demo(data_dir=data_dir, today=TODAY)
    seed_programmes_demo()
