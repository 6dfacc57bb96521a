"""Audit trail values read as a person would: oui/non, French dates, names joined."""

from __future__ import annotations

import pytest

from quartiers.core.templatetags.audit_tags import audit_text


@pytest.mark.parametrize(
    "value, text",
    [
        (True, "oui"),
        (False, "non"),
        (None, "—"),
        ("2027-06-30", "30 juin 2027"),
        (
            ["Chemin Vert (QN05920M)", "Bas Terroir (QN05921M)"],
            "Chemin Vert (QN05920M), Bas Terroir (QN05921M)",
        ),
        ([], "(aucun)"),
        ("", "(vide)"),
        ("Favorable", "Favorable"),
    ],
)
def test_an_audit_value_reads_in_french(value, text):
    assert audit_text(value) == text
