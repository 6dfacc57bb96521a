"""SIRET / SIREN (Luhn, with La Poste's exception) and RNA numbers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quartiers.grants.identifiers import luhn_valid, rna_check, siren_check, siret_check
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.associations import association_identifiers_check


@pytest.mark.parametrize(
    "value, expected",
    [
        ("73282932000074", "73282932000074"),  # the textbook example of the Luhn key
        ("732 829 320 00074", "73282932000074"),  # typed with spaces
        ("35600000000048", "35600000000048"),  # La Poste, head office (Luhn-valid too)
    ],
)
def test_a_valid_siret_is_accepted_and_cleaned(value, expected):
    assert siret_check(value) == expected


def test_la_poste_establishments_follow_the_multiple_of_five_rule_not_luhn():
    siret = "35600000000010"  # digits add up to 15
    assert not luhn_valid(siret)
    assert siret_check(siret) == siret
    with pytest.raises(ValidationError, match="multiple de 5"):
        siret_check("35600000000011")  # 16: neither Luhn nor a multiple of 5


@pytest.mark.parametrize(
    "value, message",
    [
        ("73282932000075", "clé de contrôle de Luhn"),
        ("7328293200007", "exactement 14 chiffres"),
        ("7328293200007A", "exactement 14 chiffres"),
        ("", "exactement 14 chiffres"),
    ],
)
def test_a_wrong_siret_is_refused_with_a_french_message(value, message):
    with pytest.raises(ValidationError, match=message):
        siret_check(value)


def test_a_siren_is_luhn_checked_and_must_match_the_siret():
    assert siren_check("732 829 320") == "732829320"
    with pytest.raises(ValidationError, match="Luhn"):
        siren_check("732829321")
    ids = association_identifiers_check(siret="73282932000074", siren="732829320")
    assert ids["siren"] == "732829320"
    with pytest.raises(GrantRefused, match="ne correspond pas"):
        association_identifiers_check(siret="73282932000074", siren="356000000")


@pytest.mark.parametrize(
    "value, expected", [("W595001234", "W595001234"), ("w 595 001 234", "W595001234"), ("", "")]
)
def test_a_valid_rna_number_is_accepted(value, expected):
    assert rna_check(value) == expected


@pytest.mark.parametrize(
    "value", ["W59500123", "W5950012345", "X595001234", "W59A001234", "595001234"]
)
def test_a_wrong_rna_number_is_refused(value):
    with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
        rna_check(value)
