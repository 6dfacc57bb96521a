"""The thin import_* management commands: French summary, dry run by default, refusals."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from quartiers.geography.models import QPV, ImportRun


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_qpv_is_a_dry_run_by_default(db, data_dir, table_counts):
    QPV.objects.filter(code="QN05901M").delete()
    before = table_counts()
    output = _run("import_qpv", str(data_dir / "qpv" / "qpv2024_nord.geojson"))
    assert table_counts() == before
    assert "ajoutés : 1, modifiés : 0, inchangés : 93, supprimés : 0" in output
    assert "Simulation : rien n'a été écrit, relancez avec --apply" in output
    assert "QN05944M : contour invalide réparé" in output


def test_import_qpv_apply_writes(db, data_dir):
    QPV.objects.filter(code="QN05901M").delete()
    output = _run("import_qpv", str(data_dir / "qpv" / "qpv2024_nord.geojson"), "--apply")
    assert "Import enregistré." in output
    assert QPV.objects.filter(code="QN05901M").exists()
    assert ImportRun.objects.latest("id").kind == "qpv"


def test_a_refused_file_is_a_command_error(db, data_dir):
    with pytest.raises(CommandError, match=r"Import refusé : .*format non pris en charge"):
        _run("import_qpv", str(data_dir / "referentiel" / "communes_nord_2024.csv"), "--apply")


def test_import_nord_reports_every_step(db):
    output = _run("import_nord")
    assert output.count("inchangés") == 10
    assert "Contours des communes" in output
    assert output.rstrip().endswith("relancez avec --apply pour enregistrer.")


def test_import_referential_admin_contours_and_attributes_commands(db, data_dir):
    ref = data_dir / "referentiel"
    output = _run(
        "import_referential",
        "--departements", str(ref / "departement_59_2024.json"),
        "--epci", str(ref / "epci_nord_2024.json"),
        "--communes", str(ref / "communes_nord_2024.csv"),
        "--arrondissements", str(data_dir / "contours" / "arrondissements-59-nord.geojson"),
    )  # fmt: skip
    assert "Communes — source" in output and "inchangés : 648" in output
    output = _run(
        "import_admin_contours",
        "--communes",
        str(data_dir / "contours" / "communes-59-nord.geojson"),
    )
    assert "inchangés : 648" in output
    output = _run(
        "import_qpv_attributes",
        str(data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv"),
        "--preset",
        "sigville-population",
        "--constant",
        "population_vintage=2020",
    )
    assert "modifiés : 94" in output
