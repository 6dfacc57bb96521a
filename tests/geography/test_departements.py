"""Any département from the national files: expected counts read from the sources themselves.

The oracle reads the CSV/JSON/GeoJSON files with the standard library and shapely, never
through the importers.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command
from shapely import make_valid
from shapely.geometry import shape

from quartiers.core.demo import demo_data_import
from quartiers.geography.importers.national import departement_import
from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune, Departement

DEPARTEMENTS = ["69", "13", "974"]
COG = Path("referentiel") / "france_cog2024"


@cache
def _communes(data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / COG / "communes_france_cog2024.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _qpv_features(data_dir: Path) -> list[dict]:
    path = data_dir / "qpv" / "qpv2024_france_simplified.geojson"
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def expected(data_dir: Path, code: str) -> dict:
    communes = [r for r in _communes(data_dir) if r["departement"] == code]
    qpvs = [f for f in _qpv_features(data_dir) if f["properties"]["insee_dep"] == code]
    return {
        "communes": {r["code_insee"] for r in communes},
        "population": sum(int(r["population_pkg_4_1_0"]) for r in communes),
        "epcis": {r["siren_epci"] for r in communes if r["siren_epci"]},
        "arrondissements": {r["arrondissement"] for r in communes if r["arrondissement"]},
        "qpvs": {f["properties"]["code_qp"]: f for f in qpvs},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("code", DEPARTEMENTS)
def test_departement_import_is_the_national_files_rows_of_that_departement(data_dir, code):
    oracle = expected(data_dir, code)

    departement_import(data_dir=data_dir, departement=code, apply=True)

    assert Departement.objects.filter(insee_code=code).exists()
    communes = Commune.objects.filter(departement__insee_code=code)
    assert set(communes.values_list("insee_code", flat=True)) == oracle["communes"]
    assert sum(c.population for c in communes) == oracle["population"]
    assert (
        set(
            EPCI.objects.filter(communes__departement__insee_code=code).values_list(
                "siren", flat=True
            )
        )
        == oracle["epcis"]
    )
    assert (
        set(
            Arrondissement.objects.filter(departement__insee_code=code).values_list(
                "insee_code", flat=True
            )
        )
        == oracle["arrondissements"]
    )
    qpvs = QPV.objects.filter(generation=2024, departement_code=code)
    assert set(qpvs.values_list("code", flat=True)) == set(oracle["qpvs"])
    for qpv in qpvs:
        source = oracle["qpvs"][qpv.code]
        bounds = make_valid(shape(source["geometry"])).bounds
        assert (qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat) == pytest.approx(bounds)
        communes_in_source = [c.strip() for c in source["properties"]["insee_com"].split(",")]
        assert sorted(qpv.communes.values_list("insee_code", flat=True)) == sorted(
            c for c in communes_in_source if c in oracle["communes"]
        )


@pytest.mark.django_db
def test_a_second_departement_import_changes_nothing(data_dir):
    departement_import(data_dir=data_dir, departement="974", apply=True)
    before = QPV.objects.count(), Commune.objects.count(), EPCI.objects.count()

    summaries = departement_import(data_dir=data_dir, departement="974", apply=True)

    assert all(not (s.added or s.changed or s.removed) for s in summaries)
    assert (QPV.objects.count(), Commune.objects.count(), EPCI.objects.count()) == before


@pytest.mark.django_db
def test_a_departement_dry_run_writes_nothing(data_dir):
    before = QPV.objects.count(), Commune.objects.count()

    summaries = departement_import(data_dir=data_dir, departement="13", apply=False)

    assert next(s for s in summaries if s.kind == "qpv").added == len(
        expected(data_dir, "13")["qpvs"]
    )
    assert (QPV.objects.count(), Commune.objects.count()) == before


@pytest.mark.django_db
def test_an_unknown_departement_is_refused_in_french_and_nothing_is_written(data_dir):
    from quartiers.geography.importers import ImportRefused

    before = Departement.objects.count()
    with pytest.raises(ImportRefused, match="Département « 99 » inconnu du COG 2024"):
        departement_import(data_dir=data_dir, departement="99", apply=True)
    assert Departement.objects.count() == before


@pytest.mark.django_db
def test_the_demo_set_up_follows_the_departement_setting(data_dir, settings):
    settings.DEPARTEMENT = "69"
    oracle = expected(data_dir, "69")

    demo_data_import(data_dir=data_dir)

    assert QPV.objects.filter(departement_code="69").count() == len(oracle["qpvs"])


@pytest.mark.django_db
def test_demo_setup_takes_a_departement_option(data_dir, capsys):
    call_command("demo_setup", "--departement", "974")

    out = capsys.readouterr().out
    assert "Import des données du département 974" in out
    assert QPV.objects.filter(departement_code="974").count() == len(
        expected(data_dir, "974")["qpvs"]
    )


@pytest.mark.django_db
def test_demo_setup_for_another_departement_works_on_an_empty_database(data_dir, capsys):
    """No Nord rows at all (a fresh install): contracts and reference values come along."""
    from quartiers.contracts.models import Contract
    from quartiers.indicators.models import IndicatorValue

    for model in (QPV, Commune, Arrondissement, EPCI, Departement):
        model.objects.all().delete()  # rolled back at the end of the test
    call_command("demo_setup", "--departement", "13")

    assert QPV.objects.filter(departement_code="13").count() == len(
        expected(data_dir, "13")["qpvs"]
    )
    assert Contract.objects.filter(generation=2024).exists()
    assert IndicatorValue.objects.filter(territory_kind="departement", territory_code="13").exists()
    assert "servez l'application avec DEPARTEMENT=13" in capsys.readouterr().out
