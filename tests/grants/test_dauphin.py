"""Dauphin-style extract: dry run by default, atomic, French errors with file/line/column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quartiers.geography.models import ImportRun
from quartiers.grants.models import Application, Association
from quartiers.grants.services.dauphin import COLUMNS, dauphin_import
from quartiers.shared.imports import ImportRefused

pytestmark = pytest.mark.django_db
HEADER = ";".join(COLUMNS)
GOOD = [
    "25-000101;2025;CN05911M;73282932000074;W595001234;Association Exemple;Soutien scolaire;"
    "education;bop147;12 000,00;6 000,50;5 000,25;accordee;{qpv}",
    "25-000102;2025;CN05908M;35600000000010;;Association Deux;Jardin;transition;fonds_vert;"
    "8000.00;4000.00;;deposee;",
]


def _write(tmp_path, lines, name="extrait.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def qpv_code(contracts):
    return contracts["CN05911M"].qpvs.order_by("code").first().code


def test_a_good_extract_is_only_checked_unless_applied(tmp_path, contracts, qpv_code):
    path = _write(tmp_path, [line.format(qpv=qpv_code) for line in GOOD])
    before = (Application.objects.count(), Association.objects.count(), ImportRun.objects.count())
    summary = dauphin_import(path=path)
    assert summary.added == 2 and not summary.applied
    assert "Simulation" in str(summary)
    assert (
        Application.objects.count(),
        Association.objects.count(),
        ImportRun.objects.count(),
    ) == before

    summary = dauphin_import(path=path, apply=True)
    assert summary.added == 2 and summary.applied
    imported = Application.objects.get(dauphin_number="25-000101")
    assert imported.amount_granted == Decimal("5000.25")
    assert imported.amount_requested == Decimal("6000.50")
    assert imported.expenses_total == imported.income_total == Decimal("12000.00")
    assert [q.code for q in imported.qpvs.all()] == [qpv_code]
    assert imported.association.siren == "732829320"
    assert ImportRun.objects.filter(kind="grants_dauphin").count() == 1

    again = dauphin_import(path=path, apply=True)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            "25-9;2025;CN05911M;73282932000075;;A;T;emploi;bop147;100;50;;deposee;",
            "ligne 3, colonne « siret » : Le SIRET",
        ),
        (
            "25-9;2025;CN05999X;73282932000074;;A;T;emploi;bop147;100;50;;deposee;",
            "ligne 3, colonne « code_contrat » : contrat inconnu",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;W12;A;T;emploi;bop147;100;50;;deposee;",
            "ligne 3, colonne « rna »",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;;A;T;emploi;bop147;100;50,001;;deposee;",
            "ligne 3, colonne « montant_demande » : montant illisible",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;;A;T;emploi;bop147;100;50;60;accordee;",
            "ligne 3, colonne « montant_accorde »",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;;A;T;emploi;bop147;100;50;;payee;",
            "ligne 3, colonne « statut »",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;;A;T;emploi;bop147;100;50;;deposee;QN00000X",
            "ligne 3, colonne « qpv » : QPV inconnu",
        ),
        (
            "25-9;2025;CN05911M;73282932000074;;;T;emploi;bop147;100;50;;deposee;",
            "ligne 3, colonne « nom_association » : valeur manquante",
        ),
    ],
)
def test_a_bad_line_refuses_the_whole_file_naming_file_line_and_column(
    tmp_path, contracts, qpv_code, bad, message
):
    path = _write(tmp_path, [GOOD[0].format(qpv=qpv_code), bad], name="dauphin-2025.csv")
    before = Application.objects.count()
    with pytest.raises(ImportRefused) as error:
        dauphin_import(path=path, apply=True)
    assert str(error.value).startswith("dauphin-2025.csv, ligne 3, colonne")
    assert message in str(error.value)
    assert Application.objects.count() == before  # atomic: the good first line is not written


def test_a_missing_column_is_named(tmp_path, contracts):
    path = tmp_path / "x.csv"
    path.write_text("numero_dossier;annee\n1;2025\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="colonne\\(s\\) manquante\\(s\\) : code_contrat"):
        dauphin_import(path=path)


def test_the_import_page_is_a_dry_run_by_default(
    client, prefecture_agent, tmp_path, contracts, qpv_code
):
    path = _write(tmp_path, [line.format(qpv=qpv_code) for line in GOOD])
    client.force_login(prefecture_agent)
    with path.open("rb") as handle:
        page = client.post("/financements/import/", {"file": handle}).content.decode()
    assert (
        "Simulation" in page and not Application.objects.filter(dauphin_number="25-000101").exists()
    )
    with path.open("rb") as handle:
        client.post("/financements/import/", {"file": handle, "apply": "on"})
    assert Application.objects.filter(dauphin_number="25-000101").exists()
