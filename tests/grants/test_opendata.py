"""Open grant data: conventions above 23,000 € a year in the SCDL « subventions » v2.1.1 format,
validated against the official Table Schema (frictionless) and its custom checks, downloadable
from the public portal and the API."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from frictionless import Resource, Schema, system

from quartiers.grants.choices import DecisionKind, PaymentKind
from quartiers.grants.services.agreements import agreement_sign, payment_add
from tests.grants.conftest import granted_make

pytestmark = pytest.mark.django_db

SCHEMA = Path("schemas") / "scdl_subventions" / "v2.1.1_schema.json"
GRANTOR_SIRET = "13000000000005"  # fictitious, Luhn-valid, 14 digits


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@pytest.fixture(autouse=True)
def _csv_limit_kept():
    """frictionless raises the csv module's field limit for the whole process when it reads a
    CSV; put it back, so that the uploads' « cellule trop longue » checks still see Python's."""
    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


@pytest.fixture(autouse=True)
def _grantor(settings):
    settings.SCDL_ATTRIBUANT_SIRET = GRANTOR_SIRET
    settings.SCDL_ATTRIBUANT_NAME = "État — Préfecture du Nord"


@pytest.fixture
def decisions(asso_a, asso_b, call_mel):
    asso_a.rna_number = "W595000123"
    asso_a.save(update_fields=["rna_number"])
    convention = granted_make(
        asso_a, call_mel, "30000.00", cost="40000.00", asked="30000.00", title="Convention"
    )
    agreement_sign(
        application=convention,
        kind=DecisionKind.CONVENTION,
        reference="CONV-2025-1",
        signed_on=date(2025, 3, 3),
        user=None,
    )
    for kind, amount, on in (
        (PaymentKind.ADVANCE, "15000.00", date(2025, 4, 1)),
        (PaymentKind.BALANCE, "15000.00", date(2025, 11, 2)),
    ):
        payment_add(
            application=convention, kind=kind, amount=Decimal(amount), paid_on=on, user=None
        )
    cpo = granted_make(asso_b, call_mel, "24000.00", cost="96000.00", asked="24000.00", title="CPO")
    agreement_sign(
        application=cpo,
        kind=DecisionKind.CPO,
        reference="CPO-2025-9",
        signed_on=date(2025, 3, 10),
        user=None,
        years=3,
    )
    small = granted_make(
        asso_b, call_mel, "23000.00", cost="40000.00", asked="23000.00", title="Au seuil"
    )
    agreement_sign(
        application=small,
        kind=DecisionKind.CONVENTION,
        reference="CONV-2025-2",
        signed_on=date(2025, 3, 12),
        user=None,
    )
    order = granted_make(asso_a, call_mel, "8000.00", title="Arrêté")
    agreement_sign(
        application=order,
        kind=DecisionKind.ORDER,
        reference="ARR-2025-1",
        signed_on=date(2025, 3, 12),
        user=None,
    )
    return {"convention": convention, "cpo": cpo}


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_only_conventions_above_23000_euros_a_year_are_published_with_their_values(
    client, decisions, asso_a, asso_b
):
    response = client.get(reverse("portal:subsidies_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response.content.decode("utf-8"))
    assert [r["referenceDecision"] for r in rows] == ["CONV-2025-1", "CPO-2025-9"]
    convention, cpo = rows
    assert convention == {
        "nomAttribuant": "État — Préfecture du Nord",
        "idAttribuant": GRANTOR_SIRET,
        "dateConvention": "2025-03-03",
        "referenceDecision": "CONV-2025-1",
        "nomBeneficiaire": asso_a.name,
        "idBeneficiaire": asso_a.siret,
        "rnaBeneficiaire": "W595000123",
        "objet": "Convention",
        "montant": "30000.00",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2025-04-01/2025-11-02",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "0.75",
        "dispositifAide": "Politique de la ville (programme 147)",
    }
    assert cpo["montant"] == "72000.00"  # 3 × 24,000 €: the whole CPO
    assert cpo["pourcentageSubvention"] == "0.25"
    assert cpo["conditionsVersement"] == "échelonné"
    assert cpo["idBeneficiaire"] == asso_b.siret and cpo["rnaBeneficiaire"] == ""


def test_the_file_is_valid_against_the_official_scdl_schema(client, decisions, data_dir, tmp_path):
    content = client.get(reverse("api:subsidies_csv")).content
    path = tmp_path / "subventions.csv"
    path.write_bytes(content)
    schema = Schema.from_descriptor(str(data_dir / SCHEMA))

    with system.use_context(trusted=True):
        report = Resource(str(path), schema=schema).validate()

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = _rows(content.decode("utf-8"))
    assert list(rows[0]) == [field.name for field in schema.fields]
    # The schema's custom checks, which frictionless does not run by itself.
    for row in rows:
        assert luhn(row["idAttribuant"])
        assert row["idBeneficiaire"] == "" or luhn(row["idBeneficiaire"])
        assert row["idBeneficiaire"] or row["rnaBeneficiaire"]


def test_the_validator_would_catch_a_bad_file(client, decisions, data_dir, tmp_path):
    """The check is real: one bad cell makes the same validation fail."""
    text = client.get(reverse("portal:subsidies_csv")).content.decode("utf-8")
    path = tmp_path / "bad.csv"
    path.write_text(text.replace(",non,", ",peut-être,", 1), encoding="utf-8")
    schema = Schema.from_descriptor(str(data_dir / SCHEMA))

    with system.use_context(trusted=True):
        report = Resource(str(path), schema=schema).validate()

    assert not report.valid
    assert [2, "notificationUE", "type-error"] in report.flatten(["rowNumber", "fieldName", "type"])


def test_the_portal_page_links_the_file_and_the_api(client, decisions):
    page = client.get(reverse("portal:subsidies")).content.decode()

    assert "2 conventions publiées" in page
    assert reverse("portal:subsidies_csv") in page and reverse("api:subsidies_csv") in page


def test_without_the_grantor_siret_nothing_invalid_is_published(client, decisions, settings):
    settings.SCDL_ATTRIBUANT_SIRET = ""

    page = client.get(reverse("portal:subsidies")).content.decode()
    api = client.get(reverse("api:subsidies_csv"))

    assert "Fichier non publié" in page and "SCDL_ATTRIBUANT_SIRET" in page
    assert api.status_code == 404 and "SCDL_ATTRIBUANT_SIRET" in api.json()["detail"]


def test_a_grantor_siret_failing_the_luhn_key_is_refused(client, decisions, settings):
    settings.SCDL_ATTRIBUANT_SIRET = "13000000000008"

    assert client.get(reverse("portal:subsidies_csv")).status_code == 404
