"""Referential import (COG 2024): département, arrondissements, EPCI, communes."""

from __future__ import annotations

import pytest

from quartiers.geography.importers import ImportRefused, referential_import
from quartiers.geography.models import EPCI, Arrondissement, Commune, Departement, ImportRun


@pytest.fixture
def referential_files(data_dir):
    return {
        "departements": data_dir / "referentiel" / "departement_59_2024.json",
        "epcis": data_dir / "referentiel" / "epci_nord_2024.json",
        "communes": data_dir / "referentiel" / "communes_nord_2024.csv",
        "arrondissement_names": data_dir / "contours" / "arrondissements-59-nord.geojson",
    }


def test_the_nord_referential_is_in_the_registry(db):
    nord = Departement.objects.get(insee_code="59")
    assert (nord.name, nord.region_code) == ("Nord", "32")
    assert Commune.objects.filter(departement=nord).count() == 648
    assert EPCI.objects.count() == 17
    assert sorted(Arrondissement.objects.values_list("insee_code", "name")) == [
        ("591", "Avesnes-sur-Helpe"),
        ("592", "Cambrai"),
        ("593", "Douai"),
        ("594", "Dunkerque"),
        ("595", "Lille"),
        ("596", "Valenciennes"),
    ]


def test_communes_carry_population_vintage_postcodes_epci_and_arrondissement(db):
    lille = Commune.objects.get(insee_code="59350")
    assert lille.name == "Lille"
    assert lille.population_vintage == "COG 2024"
    assert lille.population > 200_000
    assert "59000" in lille.postcodes
    assert lille.epci.siren == "200093201"
    assert lille.arrondissement.insee_code == "595"
    total = sum(Commune.objects.values_list("population", flat=True))
    assert total == 2_616_909  # PROVENANCE.md §3


def test_epci_carry_kind_and_population(db):
    mel = EPCI.objects.get(siren="200093201")
    assert mel.kind == "METRO"
    assert mel.population_vintage == "COG 2024"
    assert EPCI.objects.get(siren="245900758").kind == "CC"  # Flandre Lys, straddles 59 and 62


def test_reimport_changes_nothing_and_records_provenance(db, referential_files):
    runs = ImportRun.objects.count()
    summaries = referential_import(**referential_files, apply=True)
    assert [(s.kind, s.unchanged) for s in summaries] == [
        ("departements", 1),
        ("arrondissements", 6),
        ("epci", 17),
        ("communes", 648),
    ]
    assert not any(s.has_changes for s in summaries)
    assert ImportRun.objects.count() == runs + 4


def test_dry_run_reports_changes_without_writing(db, referential_files, table_counts):
    Commune.objects.filter(insee_code="59350").update(population=1)
    Commune.objects.filter(insee_code="59001").delete()
    before = table_counts()
    summaries = referential_import(**referential_files, apply=False)
    assert table_counts() == before
    communes = summaries[3]
    assert (communes.added, communes.changed, communes.unchanged) == (1, 1, 646)
    assert Commune.objects.get(insee_code="59350").population == 1


def test_a_commune_absent_from_the_file_is_removed_only_in_its_departement(
    db, referential_files, tmp_path
):
    pas_de_calais = Departement.objects.create(insee_code="62", name="Pas-de-Calais")
    Commune.objects.create(insee_code="62041", name="Arras", departement=pas_de_calais)
    nord = Departement.objects.get(insee_code="59")
    Commune.objects.create(insee_code="59999", name="Commune fictive", departement=nord)
    summaries = referential_import(**referential_files, apply=True)
    assert summaries[3].removed == 1
    assert not Commune.objects.filter(insee_code="59999").exists()
    assert Commune.objects.filter(insee_code="62041").exists()


def _csv_copy(data_dir, tmp_path, line: int, column: str, value: str):
    lines = (data_dir / "referentiel" / "communes_nord_2024.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path = tmp_path / "communes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "column", "value", "expected"),
    [
        (12, "population_municipale", "beaucoup", r"entier positif attendu, trouvé « beaucoup »"),
        (40, "code_insee", "5903", r"code INSEE « 5903 » invalide"),
        (7, "siren_epci", "12345", r"SIREN « 12345 » invalide"),
    ],
)
def test_csv_errors_name_file_line_and_column(
    db, referential_files, data_dir, tmp_path, table_counts, line, column, value, expected
):
    referential_files["communes"] = _csv_copy(data_dir, tmp_path, line, column, value)
    before = table_counts()
    with pytest.raises(
        ImportRefused, match=rf"communes\.csv, ligne {line}, colonne « {column} » : "
    ):
        referential_import(**referential_files, apply=True)
    with pytest.raises(ImportRefused, match=expected):
        referential_import(**referential_files, apply=True)
    assert table_counts() == before


def test_a_missing_csv_column_is_refused(db, referential_files, data_dir, tmp_path):
    text = (data_dir / "referentiel" / "communes_nord_2024.csv").read_text("utf-8")
    path = tmp_path / "communes.csv"
    path.write_text(text.replace("population_municipale", "pop", 1), encoding="utf-8")
    referential_files["communes"] = path
    with pytest.raises(ImportRefused, match=r"ligne 1 : colonne\(s\) .* : population_municipale"):
        referential_import(**referential_files)


def test_a_latin1_csv_is_refused_with_its_line(db, referential_files, data_dir, tmp_path):
    text = (data_dir / "referentiel" / "communes_nord_2024.csv").read_text("utf-8")
    path = tmp_path / "communes.csv"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    first = next(n for n, line in enumerate(text.splitlines(), 1) if not line.isascii())
    referential_files["communes"] = path
    with pytest.raises(ImportRefused, match=rf"ligne {first} : le texte n'est pas encodé en UTF-8"):
        referential_import(**referential_files)


def test_population_vintage_follows_the_option(db, referential_files):
    summaries = referential_import(**referential_files, vintage="2025", apply=False)
    assert summaries[3].changed == 648
    assert summaries[2].changed == 17
