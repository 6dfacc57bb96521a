"""`manage.py georef INPUT OUTPUT`: same pipeline, progress on stderr, French errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from quartiers.georef.batch import part_path

pytestmark = pytest.mark.django_db


def test_the_command_georeferences_a_small_file_with_a_progress_bar(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text(
        "Nom;Lat;Long\nMairie d'Aniche;50,323376;3,250339\nLille;50.6369;3.0633\n",
        encoding="cp1252",
    )
    output = tmp_path / "sortie.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("georef", str(source), str(output), "--columns", "lat=Lat,lon=Long",
                 stdout=out, stderr=err)  # fmt: skip
    text = output.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[1].startswith("Mairie d'Aniche;50,323376;3,250339;QN05934M;")
    assert "2 lignes traitées." in out.getvalue()
    assert "QN05934M : 1" in out.getvalue()
    assert "2/" in err.getvalue() and "lignes/s" in err.getvalue()
    assert "2 lignes en" in err.getvalue()


def test_the_command_writes_xlsx_when_asked(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text("x,y\n717850.8,7025093.3\n", encoding="utf-8")
    output = tmp_path / "sortie.xlsx"
    call_command("georef", str(source), str(output), stdout=io.StringIO(), stderr=io.StringIO())
    assert output.read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("", [], "entree.csv : le fichier est vide."),
        ("nom,ville\nA,B\n", [], "ligne 1 : aucune colonne utilisable"),
        ("lon,lat\n3.2,50.3\n", ["--generation", "2015"], "Géographie prioritaire 2015 inconnue"),
        ("lon,lat\n3.2,50.3\n", ["--columns", "lon=E"], "la colonne « E » demandée"),
        ("lon,lat\n3.2,50.3\n", ["--encoding", "ebcdic"], "encodage « ebcdic » non pris"),
    ],
)
def test_bad_input_stops_the_command_with_a_french_message(tmp_path, content, options, message):
    source = tmp_path / "entree.csv"
    source.write_text(content, encoding="utf-8")
    output = tmp_path / "sortie.csv"
    with pytest.raises(CommandError, match=message):
        call_command("georef", str(source), str(output), *options, stderr=io.StringIO())
    assert not output.exists() and not part_path(output).exists()
