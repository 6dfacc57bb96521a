"""QPV contour import on the real Nord and national files."""

from __future__ import annotations

import pytest
import shapely
from django.db.models import Count

from quartiers.geography.importers import (
    ImportRefused,
    ImportSummary,
    import_nord_demo,
    qpv_import,
)
from quartiers.geography.models import EPCI, QPV, Commune, ImportRun
from quartiers.geography.signals import geography_changed

REPAIRED_NORD = ["QN05909M", "QN05923M", "QN05938M", "QN05944M"]
TWO_EPCI = ["QN05920M", "QN05921M", "QN05922M", "QN05930M"]


@pytest.fixture
def nord_file(data_dir):
    return data_dir / "qpv" / "qpv2024_nord.geojson"


def test_nord_has_94_qpv_from_qn05901m_to_qn05994i(db):
    codes = list(QPV.objects.of_generation(2024).order_by("code").values_list("code", flat=True))
    assert len(codes) == 94
    assert (codes[0], codes[-1]) == ("QN05901M", "QN05994I")
    assert all(code.startswith("QN059") for code in codes)


def test_76_communes_carry_a_qpv(db):
    assert Commune.objects.filter(qpvs__generation=2024).distinct().count() == 76


def test_13_epci_carry_a_qpv(db):
    assert EPCI.objects.filter(qpvs__generation=2024).distinct().count() == 13


def test_four_qpv_belong_to_porte_du_hainaut_and_valenciennes_metropole(db):
    shared = QPV.objects.annotate(n=Count("epcis")).filter(n=2).order_by("code")
    assert list(shared.values_list("code", flat=True)) == TWO_EPCI
    for qpv in shared:
        assert sorted(qpv.epcis.values_list("siren", flat=True)) == ["200042190", "245901160"]


def test_multi_commune_qpv_keeps_the_source_lists_and_links(db):
    qpv = QPV.objects.get(code="QN05902M")
    assert qpv.commune_codes == ["59028", "59509"]
    assert sorted(qpv.communes.values_list("insee_code", flat=True)) == ["59028", "59509"]
    assert qpv.departement.insee_code == "59"
    assert qpv.departement_code == "59"


def test_contours_are_wgs84_multipolygons_with_their_bounding_box(db):
    for qpv in QPV.objects.all():
        geometry = shapely.from_wkb(bytes(qpv.contour_wkb))
        assert geometry.geom_type == "MultiPolygon"
        assert geometry.is_valid
        assert geometry.bounds == pytest.approx(
            (qpv.min_lon, qpv.min_lat, qpv.max_lon, qpv.max_lat)
        )
        assert 2.2 < qpv.min_lon < qpv.max_lon < 4.2
        assert 50.0 < qpv.min_lat < qpv.max_lat < 51.1


def test_valid_contours_are_stored_with_unchanged_coordinates(db, nord_geojson):
    source = {f["properties"]["code_qp"]: f["geometry"] for f in nord_geojson["features"]}
    qpv = QPV.objects.get(code="QN05901M")
    stored = shapely.from_wkb(bytes(qpv.contour_wkb))
    assert shapely.equals_exact(stored, shapely.geometry.shape(source["QN05901M"]), tolerance=0)


def test_the_four_invalid_nord_contours_are_repaired_and_listed(db, nord_file):
    summary = qpv_import(source=nord_file, apply=False)
    listed = [w.split(" ")[0] for w in summary.warnings if "réparé" in w]
    assert listed == REPAIRED_NORD
    repaired = QPV.objects.filter(contour_repaired=True).values_list("code", flat=True)
    assert sorted(repaired) == REPAIRED_NORD


def test_reimporting_the_same_file_changes_nothing(db, nord_file):
    summary = qpv_import(source=nord_file, apply=True)
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    assert summary.unchanged == 94


def test_dry_run_writes_no_row_at_all(db, nord_file, table_counts):
    QPV.objects.filter(code__in=["QN05901M", "QN05902M"]).delete()
    QPV.objects.filter(code="QN05903M").update(name="Ancien nom")
    before = table_counts()
    summary = qpv_import(source=nord_file, apply=False)
    assert table_counts() == before
    assert (summary.added, summary.changed, summary.unchanged) == (2, 1, 91)
    assert not summary.applied
    assert "rien n'a été écrit" in str(summary)
    assert QPV.objects.get(code="QN05903M").name == "Ancien nom"


def test_apply_writes_the_changes_and_an_import_run(db, nord_file):
    QPV.objects.filter(code="QN05901M").delete()
    QPV.objects.filter(code="QN05903M").update(name="Ancien nom")
    runs = ImportRun.objects.count()
    summary = qpv_import(source=nord_file, apply=True)
    assert (summary.added, summary.changed, summary.unchanged) == (1, 1, 92)
    assert QPV.objects.get(code="QN05903M").name != "Ancien nom"
    assert sorted(
        QPV.objects.get(code="QN05901M").communes.values_list("insee_code", flat=True)
    ) == ["59028"]
    run = ImportRun.objects.latest("id")
    assert ImportRun.objects.count() == runs + 1
    assert (run.kind, run.generation, run.applied) == ("qpv", 2024, True)
    assert run.counts == {"added": 1, "changed": 1, "unchanged": 92, "removed": 0}
    assert len(run.sha256) == 64
    assert run.source == str(nord_file)
    assert len(run.warnings) == 4


def test_qpv_missing_from_a_nord_file_are_removed_but_other_departements_are_kept(
    db, nord_geojson, write_json
):
    other = QPV.objects.get(code="QN05901M")
    QPV.objects.create(
        code="QN06201M",
        name="Quartier du Pas-de-Calais",
        departement_code="62",
        contour_wkb=other.contour_wkb,
    )
    nord_geojson["features"] = nord_geojson["features"][1:]  # QN05901M left the geography
    summary = qpv_import(source=write_json("nord.geojson", nord_geojson), apply=True)
    assert (summary.removed, summary.unchanged) == (1, 93)
    assert not QPV.objects.filter(code="QN05901M").exists()
    assert QPV.objects.filter(code="QN06201M").exists()


def test_a_successful_import_announces_the_change_after_commit(
    db, nord_file, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, generation, **kwargs):
        received.append(generation)

    geography_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            qpv_import(source=nord_file, apply=True)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            qpv_import(source=nord_file, apply=False)
    finally:
        geography_changed.disconnect(receiver)
    assert received == [2024]
    assert callbacks == []


def test_2024_codes_are_refused_as_2015_geography(db, nord_file, table_counts):
    before = table_counts()
    with pytest.raises(Exception, match=r"entité n° 1 \(QN05901M\) : code « QN05901M » invalide"):
        qpv_import(source=nord_file, generation=2015, apply=True)
    assert table_counts() == before


def test_the_national_file_is_refused_for_its_three_collapsed_contours(db, data_dir, table_counts):
    before = table_counts()
    with pytest.raises(ImportRefused) as info:
        qpv_import(source=data_dir / "qpv" / "qpv2024_france_simplified.geojson", apply=True)
    assert table_counts() == before
    for number, code in [(1137, "QN09105I"), (1145, "QN09113I"), (1323, "QN09503I")]:
        assert f"entité n° {number} ({code}) : contour invalide et irréparable" in str(info.value)
    assert "--keep-degenerate" in str(info.value)


def test_the_national_file_gives_1609_qpv_and_leaves_the_nord_unchanged(db, data_dir):
    summary = qpv_import(
        source=data_dir / "qpv" / "qpv2024_france_simplified.geojson",
        apply=True,
        keep_degenerate=True,
    )
    assert QPV.objects.of_generation(2024).count() == 1609
    assert (summary.added, summary.unchanged, summary.changed) == (1515, 94, 0)
    degenerate = [w.split(" ")[0] for w in summary.warnings if "dégénéré" in w]
    assert degenerate == ["QN09105I", "QN09113I", "QN09503I"]
    assert sum("réparé" in w for w in summary.warnings) == 82  # 85 invalid in all (PROVENANCE)
    assert QPV.objects.filter(departement_code="2A").count() == 3
    assert QPV.objects.get(code="QN02A01M").departement is None  # no Corse-du-Sud row
    empty = QPV.objects.get(code="QN09105I")
    assert shapely.from_wkb(bytes(empty.contour_wkb)).is_empty
    assert empty.min_lon is None


def test_import_nord_demo_is_idempotent(db, data_dir):
    summaries = import_nord_demo(data_dir=data_dir, apply=True)
    assert all(isinstance(s, ImportSummary) for s in summaries)
    assert [s.kind for s in summaries] == [
        "departements",
        "arrondissements",
        "epci",
        "communes",
        "contours_departements",
        "contours_arrondissements",
        "contours_communes",
        "qpv",
        "qpv_attributes",
        "qpv_attributes",
    ]
    assert not any(s.has_changes for s in summaries)


def test_import_nord_demo_dry_run_writes_nothing(db, data_dir, table_counts):
    QPV.objects.filter(code="QN05901M").delete()
    before = table_counts()
    summaries = import_nord_demo(data_dir=data_dir, apply=False)
    assert table_counts() == before
    qpv = next(s for s in summaries if s.kind == "qpv")
    assert qpv.added == 1
    assert not any(s.applied for s in summaries)
