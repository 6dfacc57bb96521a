"""Fixtures of the API tests: the local addok of the geocoder tests, an empty rate-limit
cache for each test, and the Nord open data (contracts demo, programmes, indicators) built
once per module inside a transaction rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client

from tests.georef.geocoder_conftest import addok_url  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no request counted against its client (quartiers/api/throttle)."""
    caches["api_throttle"].clear()
    yield
    caches["api_throttle"].clear()


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=True)


@pytest.fixture(scope="module")
def open_data(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The 13 Nord contracts with the press-kit demo (signatories, actions, milestones,
    notes), the CONCERTO organisations, the programmes' measures and dispositifs and the
    SIG Ville indicators of the 94 QPV."""
    from quartiers.contracts.demo import seed_contracts_demo
    from quartiers.indicators.catalogue import catalogue_sync
    from quartiers.indicators.importers import import_nord_indicators
    from quartiers.organisation.demo import seed_organisation_demo
    from quartiers.programmes.seed import seed_programmes_demo

    with django_db_blocker.unblock(), transaction.atomic():
        seed_contracts_demo(data_dir=settings.DATA_DIR)
        seed_organisation_demo()
        seed_programmes_demo()
        catalogue_sync()
        import_nord_indicators(data_dir=settings.DATA_DIR, apply=True)
        yield {"actions": _actions_create()}
        transaction.set_rollback(True)


def _actions_create() -> list[Any]:
    """A priority and an ordinary action with a lead's e-mail, a budget, a milestone and an
    internal note: what the public API must not show."""
    from datetime import date

    from quartiers.contracts.models import Contract
    from quartiers.contracts.services.actions import action_create, milestone_add, note_add
    from quartiers.geography.models import QPV

    contract = Contract.objects.get(code="CN05902M")
    actions = []
    for index, priority in enumerate((True, False)):
        action = action_create(
            contract=contract,
            user=None,
            values={
                "title": f"Action de l'API n° {index + 1}",
                "theme": "emploi" if priority else "sante",
                "is_priority": priority,
                "lead_name": "Camille Exemple",
                "lead_organisation": "France Travail",
                "lead_email": "camille.exemple@demo.invalid",
                "budget": 125000,
            },
        )
        action.qpvs.add(contract.qpvs.order_by("code").first() or QPV.objects.first())
        milestone_add(action=action, user=None, label="Lancement", due_on=date(2026, 3, 1))
        note_add(action=action, user=None, written_on=date(2026, 1, 5), text="Note interne API")
        actions.append(action)
    return actions
