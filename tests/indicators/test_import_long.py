"""The generic long CSV template and the catalogue CSV (partners' own indicators)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quartiers.geography.models import ImportRun
from quartiers.indicators.importers import indicators_import
from quartiers.indicators.importers.long import LONG_COLUMNS, LONG_OPTIONAL
from quartiers.indicators.models import Indicator, IndicatorValue
from quartiers.shared.imports import ImportRefused

pytestmark = pytest.mark.django_db

APP_DATA = Path(__file__).resolve().parents[2] / "quartiers" / "indicators" / "data"
HEADER = ";".join(LONG_COLUMNS + LONG_OPTIONAL)
GOOD = f"""{HEADER}
population_municipale;departement;59;COG 2024;2 616 909;Insee, populations municipales;COG 2024;;;
taux_logements_sociaux;departement;59;2021;;RPLS et Insee;2021;oui;;
taux_logements_sociaux;epci;200093201;2021;41,5;RPLS et Insee;2021;non;200000;481927,7
nombre_menages;commune;1053;2021;12000;Insee;RP 2021;;;
taux_emploi;france;FR;2021;65,3;Insee;RP 2021;;;
taux_emploi;qpv;QN05901M;2019;44,1;Insee;RP 2019;;;
"""


def _file(tmp_path: Path, text: str, name: str = "valeurs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_templates_have_the_documented_header():
    values = (APP_DATA / "modele_valeurs_long.csv").read_text(encoding="utf-8").strip()
    assert values.split(";") == list(LONG_COLUMNS + LONG_OPTIONAL)
    catalogue = (APP_DATA / "modele_catalogue.csv").read_text(encoding="utf-8")
    assert catalogue.startswith("code;label;kind;unit;source")


def test_good_long_file_is_imported_with_secrets_and_reference_territories(tmp_path):
    (summary,) = indicators_import(source=_file(tmp_path, GOOD), apply=True)
    assert (summary.added, summary.changed, summary.unchanged) == (6, 0, 0)
    dep = IndicatorValue.objects.get(indicator__code="population_municipale", territory_code="59")
    assert dep.value == 2_616_909 and dep.territory_kind == "departement"
    secret = IndicatorValue.objects.get(territory_kind="departement", period="2021")
    assert secret.suppressed and secret.value is None
    epci = IndicatorValue.objects.get(territory_kind="epci")
    assert epci.value == Decimal("41.5") and epci.denominator == Decimal("481927.7")
    # A COG code that lost its leading zero is restored (and reported: not in the Nord registry).
    assert IndicatorValue.objects.filter(territory_kind="commune", territory_code="01053").exists()
    assert any("01053" in warning for warning in summary.warnings)
    assert IndicatorValue.objects.get(territory_kind="qpv").generation == 2024


def test_second_long_import_changes_nothing(tmp_path):
    indicators_import(source=_file(tmp_path, GOOD), apply=True)
    (again,) = indicators_import(source=_file(tmp_path, GOOD), apply=True)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 6)


def test_changed_value_is_counted_as_changed(tmp_path):
    indicators_import(source=_file(tmp_path, GOOD), apply=True)
    (again,) = indicators_import(source=_file(tmp_path, GOOD.replace("65,3", "66")), apply=True)
    assert (again.added, again.changed, again.unchanged) == (0, 1, 5)


def test_bad_long_file_is_refused_line_by_line_and_nothing_is_written(tmp_path):
    bad = f"""{HEADER}
chomage_inconnu;departement;59;2021;12;Insee;2021;;;
taux_emploi;region;32;2021;12;Insee;2021;;;
taux_emploi;departement;59;2021;douze;Insee;2021;;;
taux_emploi;france;FR;2021;60;Insee;2021;oui;;
taux_emploi;qpv;QN05901M;2021;44;Insee;2021;;;
taux_emploi;qpv;QN05901M;2021;45;Insee;2021;;;
taux_emploi;commune;593;2021;45;;2021;;;
"""
    before = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    with pytest.raises(ImportRefused) as refused:
        indicators_import(source=_file(tmp_path, bad, "partenaire.csv"), apply=True)
    message = str(refused.value)
    assert "partenaire.csv, ligne 2, colonne « indicator_code » : indicateur inconnu" in message
    assert "ligne 3, colonne « territory_kind »" in message
    assert "ligne 4, colonne « value » : « douze » n'est pas un nombre" in message
    assert "ligne 5, colonne « value » : une valeur sous secret statistique doit rester vide" in (
        message
    )
    assert "ligne 7 : doublon de la ligne 6" in message
    assert "ligne 8, colonne « territory_code »" in message
    assert "ligne 8, colonne « source » : source obligatoire" in message
    # Nothing written, not even the seeded catalogue.
    after = (Indicator.objects.count(), IndicatorValue.objects.count(), ImportRun.objects.count())
    assert after == before


def test_missing_required_column_is_refused(tmp_path):
    text = "indicator_code;territory_kind;territory_code;value\nx;qpv;QN05901M;1\n"
    with pytest.raises(ImportRefused, match=r"ligne 1 : colonne.*period.*source"):
        indicators_import(source=_file(tmp_path, text), fmt="long")


def test_partner_indicator_must_be_declared_in_a_catalogue_first(tmp_path):
    values = f"{HEADER}\ndemandeurs_emploi_cat_a;qpv;QN05901M;2024-T4;210;France Travail;2024;;;\n"
    with pytest.raises(ImportRefused, match="indicateur inconnu « demandeurs_emploi_cat_a »"):
        indicators_import(source=_file(tmp_path, values), apply=True)
    catalogue = (APP_DATA / "modele_catalogue.csv").read_text(encoding="utf-8") + (
        "demandeurs_emploi_cat_a;Demandeurs d'emploi de catégorie A;count;personnes;"
        "France Travail;2024;Emploi;Inscrits sans emploi;qpv|commune|departement;;;;1;oui;down;"
        "oui\n"
    )
    (declared,) = indicators_import(source=_file(tmp_path, catalogue, "cat.csv"), apply=True)
    assert declared.kind == "indicators_catalogue" and declared.added == 1
    indicator = Indicator.objects.get(code="demandeurs_emploi_cat_a")
    assert indicator.additive and indicator.core_set and indicator.source == "France Travail"
    (imported,) = indicators_import(source=_file(tmp_path, values), apply=True)
    assert imported.added == 1


def test_catalogue_rejects_an_additive_rate(tmp_path):
    text = (
        "code;label;kind;unit;source;additive\n"
        "taux_reussite_brevet;Taux de réussite au brevet;rate;%;DEPP;oui\n"
    )
    with pytest.raises(ImportRefused, match="ligne 2, colonne « additive »"):
        indicators_import(source=_file(tmp_path, text), apply=True)


def test_command_is_a_dry_run_by_default(tmp_path, capsys):
    call_command("import_indicators", str(_file(tmp_path, GOOD)))
    assert "Simulation" in capsys.readouterr().out
    assert IndicatorValue.objects.count() == 0
    call_command("import_indicators", str(_file(tmp_path, GOOD)), "--apply", "--format", "long")
    assert IndicatorValue.objects.count() == 6


def test_command_reports_a_refused_file_in_french(tmp_path):
    with pytest.raises(CommandError, match="Format non reconnu"):
        call_command("import_indicators", str(_file(tmp_path, "a,b\n1,2\n")))
