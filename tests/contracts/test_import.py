"""Import of the ANCT contract lists (PROVENANCE.md §6), on the real Nord files."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command

from quartiers.contracts.choices import CarrierKind, LinkStatus
from quartiers.contracts.importers import (
    contract_links_import,
    contracts_import,
    contracts_import_nord,
)
from quartiers.contracts.models import Contract, ContractQPV
from quartiers.geography.importers import ImportRefused
from quartiers.geography.models import QPV, ImportRun

SHARED_QPV = {"QN05920M", "QN05921M", "QN05922M", "QN05930M"}


def test_thirteen_2024_contracts_nine_epci_and_four_communes(contracts):
    current = Contract.objects.filter(generation=2024)
    assert current.count() == 13
    assert current.filter(carrier_kind=CarrierKind.EPCI).count() == 9
    communes = current.filter(carrier_kind=CarrierKind.COMMUNE)
    assert sorted(c.carrier_commune.name for c in communes) == [
        "Caudry",
        "Fourmies",
        "Le Quesnoy",
        "Ostricourt",
    ]
    assert all(c.carrier_epci is not None for c in current.filter(carrier_kind="EPCI"))


def test_98_links_cover_all_94_qpv(contracts):
    links = ContractQPV.objects.filter(contract__generation=2024)
    assert links.count() == 98
    covered = set(links.values_list("qpv__code", flat=True))
    assert len(covered) == 94
    assert covered == set(QPV.objects.filter(generation=2024).values_list("code", flat=True))


def test_four_qpv_shared_by_porte_du_hainaut_and_valenciennes_are_uncertain(contracts):
    uncertain = ContractQPV.objects.filter(link_status=LinkStatus.UNCERTAIN)
    assert {link.qpv.code for link in uncertain} == SHARED_QPV
    assert uncertain.count() == 8
    for code in SHARED_QPV:
        assert sorted(
            ContractQPV.objects.filter(qpv__code=code).values_list("contract__code", flat=True)
        ) == ["CN05902M", "CN05904M"]
    assert all(link.source_contract_count == 2 for link in uncertain)


def test_thirteen_historical_2015_contracts_keep_their_source_siren(contracts):
    history = Contract.objects.filter(generation=2015)
    assert sorted(history.values_list("code", flat=True)) == [f"CV{n}" for n in range(191, 204)]
    mel = history.get(code="CV192")
    assert mel.carrier_code == "245900410" and mel.carrier_epci is None
    cambrai = history.get(code="CV196")
    assert cambrai.carrier_code == "200044022" and cambrai.carrier_epci is None
    assert history.filter(carrier_epci__isnull=False).count() == 11


def test_renamed_carrier_is_reported_and_changed_sirens_warned(contracts):
    text = "\n".join(w for s in contracts for w in s.warnings)
    assert "CA Coeur de Flandre" in text  # CN05907I, « CC de Flandre Intérieure » in the source
    assert "245900410" in text and "200044022" in text


def test_reimport_changes_nothing(contracts, data_dir):
    again = contracts_import_nord(data_dir=data_dir, apply=True)
    assert [(s.added, s.changed, s.removed) for s in again] == [(0, 0, 0)] * 3
    assert [s.unchanged for s in again] == [13, 98, 13]


def test_dry_run_writes_no_row(db, data_dir):
    runs = ImportRun.objects.count()
    summaries = contracts_import_nord(data_dir=data_dir, apply=False)
    assert [s.added for s in summaries] == [13, 98, 13]
    assert Contract.objects.count() == 0
    assert ContractQPV.objects.count() == 0
    assert ImportRun.objects.count() == runs
    assert all(not s.applied for s in summaries)


def test_applied_import_records_provenance(contracts):
    runs = ImportRun.objects.filter(kind__startswith="contract")
    assert {r.kind for r in runs} == {"contracts_2024", "contracts_2015", "contract_qpv"}
    assert all(len(r.sha256) == 64 for r in runs)


def test_command_is_a_dry_run_without_apply(db, data_dir, capsys):
    call_command("import_contracts")
    out = capsys.readouterr().out
    assert "ajoutés : 13" in out and "ajoutés : 98" in out
    assert "Simulation" in out
    assert Contract.objects.count() == 0
    call_command("import_contracts", "--apply")
    assert Contract.objects.count() == 26


def test_bad_link_line_is_refused_with_its_line_number(contracts, data_dir, tmp_path):
    source = data_dir / "qpv" / "contrats_de_ville_2024_nord_qpv.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",QN0", ",QN9", 1)
    broken = tmp_path / "liens.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"ligne 6 : QPV QN9"):
        contract_links_import(source=broken, apply=True)
    assert ContractQPV.objects.count() == 98


def test_bad_contract_code_is_refused_with_its_feature_number(db, data_dir, tmp_path):
    copy = tmp_path / "contrats.geojson"
    shutil.copy(data_dir / "qpv" / "contrats_de_ville_2024_nord.geojson", copy)
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("CN05903M", "XX05903M"), encoding="utf-8"
    )
    with pytest.raises(ImportRefused, match=r"entité n° 3 \(XX05903M\) : code de contrat"):
        contracts_import(source=copy, generation=2024, apply=True)
    assert Contract.objects.count() == 0


def test_missing_file_is_refused_in_french(db, tmp_path):
    with pytest.raises(ImportRefused, match="Fichier introuvable"):
        contracts_import(source=tmp_path / "absent.geojson", generation=2024)
