"""Fixtures of the funding tests: the real contracts, a call for projects, associations and
applications built through the services (no shortcuts through the ORM for workflow state)."""

from __future__ import annotations

import socket
from datetime import date
from decimal import Decimal

import pytest

from quartiers.contracts.importers import contracts_import_nord
from quartiers.contracts.models import Contract
from quartiers.grants.choices import ApplicationStatus, DelegateOpinion, Funder
from quartiers.grants.demo import CERFA_ASSOCIATION, demo_budget_add, demo_siret
from quartiers.grants.models import Application, Association, CallForProjects
from quartiers.grants.services.applications import application_create
from quartiers.grants.services.associations import association_account_link
from quartiers.grants.services.workflow import application_transition

# The real local addok (session fixture of the geocoder tests; imported, not re-registered
# through pytest_plugins, which only the root conftest may declare).
from tests.georef.geocoder_conftest import addok_url  # noqa: F401

TODAY = date(2026, 6, 15)
S = ApplicationStatus


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _no_public_geocoder(settings):
    """Funding tests never reach the public geocoder: an address geocoded by mistake meets a
    closed port quickly; the tests that geocode point GEOCODER_URL at the local addok."""
    settings.GEOCODER_URL = closed_port_url()
    settings.GEOCODER_MAX_ATTEMPTS = 2
    settings.GEOCODER_BACKOFF_BASE_S = 0.01


@pytest.fixture
def contracts(db, data_dir):
    contracts_import_nord(data_dir=data_dir, apply=True)
    return {c.code: c for c in Contract.objects.filter(generation=2024)}


@pytest.fixture
def mel(contracts) -> Contract:
    return contracts["CN05911M"]


@pytest.fixture
def dunkerque(contracts) -> Contract:
    return contracts["CN05908M"]


def call_make(contract: Contract, year: int) -> CallForProjects:
    return CallForProjects.objects.get_or_create(
        contract=contract,
        year=year,
        defaults={
            "title": f"Appel à projets {year} {contract.code}",
            "opens_on": date(year - 1, 10, 1),
            "pre_application_deadline": date(year - 1, 11, 30),
            "themes": ["emploi"],
        },
    )[0]


@pytest.fixture
def call_mel(mel) -> CallForProjects:
    return call_make(mel, 2025)


@pytest.fixture
def call_dk(dunkerque) -> CallForProjects:
    return call_make(dunkerque, 2025)


def association_make(seed: int, name: str = "") -> Association:
    siret = demo_siret(seed)
    return Association.objects.create(
        name=name or f"Association de test {seed}", siret=siret, siren=siret[:9]
    )


@pytest.fixture
def asso_a(db) -> Association:
    return association_make(101, "Association A")


@pytest.fixture
def asso_b(db) -> Association:
    return association_make(202, "Association B")


@pytest.fixture
def member_a(association_user, asso_a):
    association_account_link(user=association_user, association=asso_a)
    return association_user


VALUES = {
    "aid_form": "numeraire",
    "request_kind": "premiere",
    "object_kind": "action",
    "period_kind": "annuelle",
    "fund": "bop147",
    "action_description": "Description.",
    "objectives": "Objectifs.",
    "target_public": "Jeunes de 16 à 25 ans.",
    "theme": "emploi",
    **CERFA_ASSOCIATION,
}
# The legal representative's attestation sur l'honneur, signed when filing.
ATTESTATION = {
    "attestation": True,
    "attestation_name": "Claire Martin",
    "attestation_role": "présidente",
}


def application_make(
    association: Association,
    call: CallForProjects,
    *,
    cost: str = "20000.00",
    asked: str = "12000.00",
    title: str = "Action de test",
    user=None,
    **values: object,
) -> Application:
    """A draft with a balanced budget: cost = State request + commune."""
    application = application_create(
        association=association,
        call=call,
        user=user,
        values={**VALUES, "action_title": title, **values},
    )
    demo_budget_add(  # the demo seeding's own budget
        application=application,
        cost=Decimal(cost),
        asked=Decimal(asked),
        state_funder=Funder.STATE_FONDS_VERT
        if values.get("fund") == "fonds_vert"
        else Funder.STATE_BOP147,
        user=user,
    )
    return application


def to_committee(application: Application, user=None, today: date = TODAY) -> Application:
    for status, data in (
        (S.FILED, ATTESTATION),
        (S.REVIEW, {}),
        (S.DELEGATE_OPINION, {"opinion": DelegateOpinion.FAVOURABLE}),
        (S.COMMITTEE, {"committee_on": date(2025, 2, 12)}),
    ):
        application_transition(
            application=application, to_status=status, user=user, today=today, **data
        )
    return application


def granted_make(association, call, amount: str, user=None, **kwargs) -> Application:
    application = to_committee(application_make(association, call, **kwargs), user=user)
    return application_transition(
        application=application, to_status=S.GRANTED, user=user, amount_granted=Decimal(amount)
    )
