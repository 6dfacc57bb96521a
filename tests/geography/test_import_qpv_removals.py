"""An import that would remove referenced QPV, or many of them, stops and says why (French,
counts, references) unless the removals are forced; a QPV in a contract's perimeter is never
removed silently (PROTECT)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from quartiers.contracts.importers import contracts_import_nord
from quartiers.contracts.models import ContractQPV
from quartiers.geography.importers import ImportRefused, qpv_import
from quartiers.geography.models import QPV

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(data_dir):
    contracts_import_nord(data_dir=data_dir, apply=True)


def _only(nord_geojson: dict, codes: set[str]) -> dict:
    features = [f for f in nord_geojson["features"] if f["properties"]["code_qp"] in codes]
    assert len(features) == len(codes)
    return {**nord_geojson, "features": features}


def test_a_one_feature_file_stops_before_removing_referenced_qpv(
    contracts, nord_geojson, write_json
):
    links_before = ContractQPV.objects.count()
    assert QPV.objects.filter(generation=2024).count() == 94 and links_before > 0
    path = write_json("un.geojson", _only(nord_geojson, {"QN05901M"}))
    with pytest.raises(ImportRefused) as refused:
        qpv_import(source=path, apply=True, keep_degenerate=True)
    text = str(refused.value)
    assert "93 QPV de la géographie 2024 absents du fichier seraient supprimés" in text
    # Counted independently: every contract link of the 93 other QPV.
    others = ContractQPV.objects.exclude(qpv__code="QN05901M").count()
    assert f"{others} " in text and "utilisés ailleurs" in text
    assert "99 %" in text and "--force-removals" in text
    assert QPV.objects.filter(generation=2024).count() == 94
    assert ContractQPV.objects.count() == links_before


def test_removing_more_than_the_allowed_share_stops_even_without_references(
    nord_geojson, write_json, settings
):
    assert not ContractQPV.objects.exists()
    kept = {f["properties"]["code_qp"] for f in nord_geojson["features"]}
    dropped = sorted(kept)[:12]  # 12 / 94 = 13 % > 10 %
    path = write_json("moins.geojson", _only(nord_geojson, kept - set(dropped)))
    with pytest.raises(ImportRefused, match=r"12 QPV .* 13 % des 94 QPV"):
        qpv_import(source=path, apply=True, keep_degenerate=True)
    assert QPV.objects.filter(generation=2024).count() == 94
    settings.IMPORT_MAX_REMOVAL_SHARE = 0.2
    summary = qpv_import(source=path, apply=True, keep_degenerate=True)
    assert summary.removed == 12
    assert QPV.objects.filter(generation=2024).count() == 82


def test_a_dry_run_says_the_import_would_be_refused(contracts, nord_geojson, write_json):
    path = write_json("un.geojson", _only(nord_geojson, {"QN05901M"}))
    summary = qpv_import(source=path, apply=False, keep_degenerate=True)
    assert summary.warnings[0].startswith("Avec --apply, l'import serait refusé.")
    assert QPV.objects.filter(generation=2024).count() == 94


def test_forced_removals_delete_the_links_and_say_how_many(contracts, nord_geojson, write_json):
    path = write_json("un.geojson", _only(nord_geojson, {"QN05901M"}))
    others = ContractQPV.objects.exclude(qpv__code="QN05901M").count()
    with pytest.raises(CommandError, match="force-removals"):
        call_command("import_qpv", str(path), "--apply", "--keep-degenerate")
    summary = qpv_import(source=path, apply=True, keep_degenerate=True, force_removals=True)
    assert summary.removed == 93
    assert any(w.startswith("Suppressions forcées : 93 QPV") for w in summary.warnings)
    assert f"{others} " in " ".join(summary.warnings)
    assert list(QPV.objects.filter(generation=2024).values_list("code", flat=True)) == ["QN05901M"]
    assert not ContractQPV.objects.exclude(qpv__code="QN05901M").exists()


def test_a_qpv_in_a_contract_perimeter_cannot_be_deleted_silently(contracts):
    link = ContractQPV.objects.select_related("qpv").first()
    with pytest.raises(ProtectedError):
        QPV.objects.filter(pk=link.qpv_id).delete()
    assert ContractQPV.objects.filter(pk=link.pk).exists()
