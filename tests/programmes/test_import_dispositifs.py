"""Import of located dispositifs from the CSV template: dry run, apply, refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quartiers.geography.models import ImportRun
from quartiers.programmes.importers import dispositifs_import
from quartiers.programmes.models import Dispositif
from quartiers.shared.imports import ImportRefused

pytestmark = pytest.mark.django_db

HEADER = "kind;name;insee_code;qpv_codes;contract_codes;start_date;end_date\n"
# Hand-made test file: names are invented for the test, codes are the real Nord ones.
GOOD = HEADER + (
    "mediateur_sante;Médiateur santé du CCAS;59512;QN05981M|QN05969M;CN05911M;2024-01-01;\n"
    "pre;PRE de Denain;59172;QN05950M;CN05902M;01/09/2023;31/08/2026\n"
    "cite_educative;Cité éducative de Denain;59172;QN05950M|QN05954M;;;\n"
)


def write(tmp_path: Path, text: str, name: str = "dispositifs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dry_run_counts_without_writing(tmp_path):
    runs = ImportRun.objects.count()
    summary = dispositifs_import(source=write(tmp_path, GOOD))
    assert (summary.added, summary.changed, summary.unchanged) == (3, 0, 0)
    assert not summary.applied
    assert "Simulation" in str(summary)
    assert Dispositif.objects.count() == 0
    assert ImportRun.objects.count() == runs


def test_apply_writes_dispositifs_with_their_qpv_and_provenance(tmp_path):
    summary = dispositifs_import(source=write(tmp_path, GOOD), apply=True)
    assert summary.added == 3 and summary.applied
    mediator = Dispositif.objects.get(kind="mediateur_sante")
    assert mediator.commune.name == "Roubaix"
    assert sorted(q.code for q in mediator.qpvs.all()) == ["QN05969M", "QN05981M"]
    assert mediator.contract_codes == ["CN05911M"]
    pre = Dispositif.objects.get(kind="pre")
    assert (pre.start_date.isoformat(), pre.end_date.isoformat()) == ("2023-09-01", "2026-08-31")
    run = ImportRun.objects.get(kind="dispositifs")
    assert run.counts["added"] == 3 and run.sha256 == summary.sha256


def test_second_import_is_unchanged_and_a_changed_row_is_updated(tmp_path):
    dispositifs_import(source=write(tmp_path, GOOD), apply=True)
    again = dispositifs_import(source=write(tmp_path, GOOD), apply=True)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    changed = GOOD.replace("QN05950M|QN05954M", "QN05954M")
    third = dispositifs_import(source=write(tmp_path, changed), apply=True)
    assert (third.added, third.changed, third.unchanged) == (0, 1, 2)
    city = Dispositif.objects.get(kind="cite_educative")
    assert [q.code for q in city.qpvs.all()] == ["QN05954M"]


def test_unregistered_contract_codes_are_kept_with_a_warning(tmp_path):
    summary = dispositifs_import(source=write(tmp_path, GOOD))
    assert any("CN05911M" in w and "code conservé" in w for w in summary.warnings)


def test_bad_file_is_refused_with_french_line_and_column_and_nothing_written(tmp_path):
    bad = HEADER + (
        "mediateur_sante;Médiateur santé;59512;QN05981M;;2024-01-01;\n"
        "ludotheque;Ludothèque;59512;;;;\n"
        "pre;PRE inconnu;99999;QN05999Z;XX1;2024-13-01;\n"
        "pre;PRE à l'envers;59172;;;2025-01-01;2024-01-01\n"
        "mediateur_sante;Médiateur santé;59512;;;;\n"
    )
    with pytest.raises(ImportRefused) as refused:
        dispositifs_import(source=write(tmp_path, bad, "mauvais.csv"), apply=True)
    message = str(refused.value)
    assert "Import refusé" in message
    assert "mauvais.csv, ligne 3, colonne « kind » : type « ludotheque » inconnu" in message
    assert "ligne 4, colonne « insee_code » : commune « 99999 » absente du référentiel" in message
    assert "ligne 4, colonne « qpv_codes » : QPV « QN05999Z » absent du référentiel" in message
    assert "ligne 4, colonne « contract_codes » : « XX1 » n'est pas un code de contrat" in message
    assert "ligne 4, colonne « start_date » : « 2024-13-01 » n'est pas une date" in message
    assert "ligne 5, colonne « end_date » : la fin précède le début" in message
    assert "ligne 6, colonne « name » : dispositif déjà décrit ligne 2" in message
    assert Dispositif.objects.count() == 0
    assert not ImportRun.objects.filter(kind="dispositifs").exists()


def test_missing_required_column_is_refused(tmp_path):
    with pytest.raises(
        ImportRefused, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : insee_code"
    ):
        dispositifs_import(source=write(tmp_path, "kind;name\npre;PRE\n"))


def test_command_is_a_dry_run_unless_apply(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_dispositifs", str(path))
    assert "ajoutés : 3" in capsys.readouterr().out
    assert Dispositif.objects.count() == 0
    call_command("import_dispositifs", str(path), "--apply")
    assert Dispositif.objects.count() == 3
    with pytest.raises(CommandError, match="ligne 2"):
        call_command("import_dispositifs", str(write(tmp_path, HEADER + "x;y;59512;;;;\n")))


def test_registered_contracts_are_linked(tmp_path):
    from quartiers.contracts.models import Contract

    mel = Contract.objects.create(
        code="CN05911M",
        generation=2024,
        name="Métropole Européenne de Lille (test)",
        carrier_kind="EPCI",
        carrier_code="200093201",
    )
    summary = dispositifs_import(source=write(tmp_path, GOOD), apply=True)
    assert not any("CN05911M" in w for w in summary.warnings)
    assert list(Dispositif.objects.get(kind="mediateur_sante").contracts.all()) == [mel]
    assert not Dispositif.objects.get(kind="cite_educative").contracts.exists()
