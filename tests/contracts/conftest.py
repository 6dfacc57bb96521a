"""Fixtures of the contracts tests: the real ANCT contract lists and the press-kit demo."""

from __future__ import annotations

from datetime import date

import pytest

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.importers import contracts_import_nord

# A fixed "today" so that late / upcoming milestones do not depend on the day tests run.
TODAY = date(2026, 6, 15)


@pytest.fixture
def contracts(db, data_dir):
    return contracts_import_nord(data_dir=data_dir, apply=True)


@pytest.fixture
def demo(db, data_dir):
    return seed_contracts_demo(data_dir=data_dir, today=TODAY)
