"""Fixtures: the real contracts with the press-kit demo, then the organisation demo
(15 délégués, CONCERTO members and commitments) and accounts linked to them."""

from __future__ import annotations

import pytest

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.organisation.demo import seed_organisation_demo
from quartiers.organisation.models import Organisation, PrefectDelegate
from tests.contracts.conftest import TODAY


@pytest.fixture
def organisation_demo(db, data_dir):
    seed_contracts_demo(data_dir=data_dir, today=TODAY)
    return seed_organisation_demo()


@pytest.fixture
def hainaut_delegate(organisation_demo, prefect_delegate) -> PrefectDelegate:
    """The test délégué account, in charge of the Porte du Hainaut contract (CN05902M)."""
    delegate = PrefectDelegate.objects.get(contracts__code="CN05902M")
    delegate.user = prefect_delegate
    delegate.save()
    return delegate


@pytest.fixture
def france_travail_partner(organisation_demo, partner):
    partner.partner_organisation = Organisation.objects.get(code="france-travail")
    partner.save()
    return partner
