"""« Importer un fichier officiel »: the dry run writes nothing, the apply writes exactly the
previewed file (counts and contours checked by hand and with shapely), bad files are refused
in French naming the file, line and column, and only the préfecture may use it."""

from __future__ import annotations

import hashlib

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import Polygon

from quartiers.core.audit import AuditEntry
from quartiers.geography.models import QPV, Commune, ImportRun
from quartiers.indicators.catalogue import SIGVILLE_COLUMNS
from quartiers.indicators.models import IndicatorValue
from quartiers.programmes.models import Dispositif
from tests.imports.conftest import (
    DISPOSITIFS_BAD_CSV,
    DISPOSITIFS_CSV,
    REFERENTIAL_FILES,
    SIGVILLE_CSV,
    SQUARES,
    client_of,
    db_state,
    preview_post,
    qpv_geojson,
    upload,
)

pytestmark = pytest.mark.django_db


def test_qpv_dry_run_shows_the_counts_and_codes_and_writes_nothing(prefecture_agent):
    client = client_of(prefecture_agent)
    before = db_state()
    response = preview_post(
        client,
        "contours-qpv",
        {"contours": upload("qpv.geojson", qpv_geojson(SQUARES)), "generation": "2015"},
    )
    assert response.status_code == 200
    [summary] = response.context["summaries"]
    assert summary["counts"] == {"added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    assert summary["codes"] == [("ajoutés", 2, "QP059901, QP059902")]
    assert summary["source"] == "qpv.geojson"  # not the private deposit path
    html = response.content.decode()
    assert "rien n’a encore été écrit" in html and 'data-testid="apply-button"' in html
    assert db_state() == before


def test_apply_writes_the_previewed_contours_and_records_who_applied(prefecture_agent):
    client = client_of(prefecture_agent)
    content = qpv_geojson(SQUARES)
    response = preview_post(
        client, "contours-qpv", {"contours": upload("qpv.geojson", content), "generation": "2015"}
    )
    token = response.context["result"].token
    runs, audits = ImportRun.objects.count(), AuditEntry.objects.count()

    response = client.post(reverse("imports:apply"), {"apercu": token})

    assert response.status_code == 302
    stored = {q.code: q for q in QPV.objects.filter(generation=2015)}
    assert sorted(stored) == ["QP059901", "QP059902"]
    for code, (name, commune, ring) in SQUARES.items():
        contour = shapely.from_wkb(stored[code].contour_wkb)
        assert stored[code].name == name and stored[code].commune_codes == [commune]
        assert contour.area == pytest.approx(Polygon(ring).area, rel=1e-9)
        assert contour.symmetric_difference(Polygon(ring)).area < 1e-12
    run = ImportRun.objects.get(pk__gt=0, kind="qpv", generation=2015)
    assert ImportRun.objects.count() == runs + 1
    assert run.user == prefecture_agent and run.source == "qpv.geojson"
    assert run.counts == {"added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    assert run.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.user == prefecture_agent and entry.object_id == str(run.pk)
    history = client.get(response["Location"]).content.decode()
    assert "Import appliqué" in history and run.sha256 in history and "Camille Agent" in history


def test_a_second_preview_of_the_applied_file_finds_it_unchanged(prefecture_agent):
    client = client_of(prefecture_agent)
    data = {"generation": "2015"}
    token = (
        preview_post(
            client, "contours-qpv", {**data, "contours": upload("a.geojson", qpv_geojson(SQUARES))}
        )
        .context["result"]
        .token
    )
    client.post(reverse("imports:apply"), {"apercu": token})
    renamed = dict(SQUARES)
    renamed["QP059902"] = ("Quartier renommé", *SQUARES["QP059902"][1:])
    response = preview_post(
        client, "contours-qpv", {**data, "contours": upload("b.geojson", qpv_geojson(renamed))}
    )
    [summary] = response.context["summaries"]
    assert summary["counts"] == {"added": 0, "changed": 1, "unchanged": 1, "removed": 0}
    assert summary["codes"] == [("modifiés", 1, "QP059902")]


def test_a_file_that_would_remove_most_qpv_cannot_be_applied(prefecture_agent):
    """A 2024 file with one Nord QPV would remove the 93 others: the dry run says the apply
    would be refused, and offers no « Appliquer » button."""
    existing = QPV.objects.filter(generation=2024, departement_code="59")
    one = existing.order_by("code").first()
    square = {one.code: (one.name, one.commune_codes[0], SQUARES["QP059901"][2])}
    response = preview_post(
        client_of(prefecture_agent),
        "contours-qpv",
        {"contours": upload("un-seul.geojson", qpv_geojson(square)), "generation": "2024"},
    )
    [summary] = response.context["summaries"]
    assert summary["counts"]["removed"] == existing.count() - 1
    assert summary["warnings"][0].startswith("En appliquant, l'import serait refusé.")
    assert "--" not in summary["warnings"][0]
    html = response.content.decode()
    assert 'data-testid="apply-button"' not in html and 'data-testid="apply-blocked"' in html
    # Posting the token anyway: the importer's own guard refuses, nothing is written.
    runs, before = ImportRun.objects.count(), existing.count()
    forced = client_of(prefecture_agent).post(
        reverse("imports:apply"), {"apercu": response.context["result"].token}
    )
    assert forced.status_code == 400
    assert forced.context["message"].startswith("Import arrêté, rien n'a été écrit")
    assert "cochez « Forcer les suppressions »" in forced.context["message"]
    assert (ImportRun.objects.count(), existing.count()) == (runs, before)


def test_dispositifs_are_added_on_apply_only(prefecture_agent):
    client = client_of(prefecture_agent)
    before = Dispositif.objects.count()
    response = preview_post(
        client, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)}
    )
    [summary] = response.context["summaries"]
    assert summary["counts"] == {"added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    assert Dispositif.objects.count() == before
    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})
    assert Dispositif.objects.count() == before + 2
    assert set(
        Dispositif.objects.filter(name__contains="d'essai").values_list(
            "name", "commune__insee_code"
        )
    ) == {("PRE d'essai de Lille", "59350"), ("Cité éducative d'essai", "59512")}


def test_a_bad_csv_is_refused_in_french_naming_file_line_and_column(prefecture_agent):
    before = db_state()
    response = preview_post(
        client_of(prefecture_agent),
        "dispositifs",
        {"fichier": upload("dispositifs.csv", DISPOSITIFS_BAD_CSV)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "dispositifs.csv, ligne 3, colonne « insee_code » : "
        "commune « 99999 » absente du référentiel" in html
    )
    assert 'data-testid="apply-button"' not in html
    assert db_state() == before


def test_a_broken_geojson_is_refused_with_its_line_and_column(prefecture_agent, upload_temp):
    response = preview_post(
        client_of(prefecture_agent),
        "contours-qpv",
        {
            "contours": upload(
                "contours.geojson", b'{"type": "FeatureCollection",\n "features": [}'
            ),
            "generation": "2024",
        },
    )
    assert response.status_code == 400
    message = response.context["form"].non_field_errors()[0]
    assert message.startswith("contours.geojson, ligne 2, colonne 15 : JSON illisible")
    assert str(upload_temp) not in response.content.decode()


def test_history_exports_the_runs_as_csv(prefecture_agent):
    client = client_of(prefecture_agent)
    token = (
        preview_post(client, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)})
        .context["result"]
        .token
    )
    client.post(reverse("imports:apply"), {"apercu": token})
    run = ImportRun.objects.get(kind="dispositifs", user=prefecture_agent)
    text = client.get(reverse("imports:history_export", args=["csv"])).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";")[:4] == ["Date", "Type", "Source", "Empreinte SHA-256"]
    row = next(line.split(";") for line in lines[1:] if run.sha256 in line)
    assert row[1:4] == ["Dispositifs", "dispositifs.csv", run.sha256]
    assert row[5:9] == ["2", "0", "0", "0"] and row[-1] == "Camille Agent"
    xlsx = client.get(reverse("imports:history_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_prefecture_menu_links_the_import_screen(prefecture_agent, prefect_delegate):
    url = reverse("imports:index")
    assert (
        f'href="{url}"'
        in client_of(prefecture_agent).get(reverse("worklist:todo")).content.decode()
    )
    assert (
        f'href="{url}"'
        not in client_of(prefect_delegate).get(reverse("worklist:todo")).content.decode()
    )


def test_sigville_indicators_are_counted_then_stored_with_their_import_run(prefecture_agent):
    client = client_of(prefecture_agent)
    values = IndicatorValue.objects.filter(territory_code__in=["QN05901M", "QN05902M"])
    before = values.count()
    response = preview_post(
        client, "indicateurs", {"fichier": upload("sigville.csv", SIGVILLE_CSV)}
    )
    [summary] = response.context["summaries"]
    assert summary["label"] == "Indicateurs (fichier SIG Ville)"
    assert (
        summary["counts"]["added"] + summary["counts"]["changed"] + summary["counts"]["unchanged"]
        == 4
    )
    assert summary["codes"] == [("ajoutés", 2, "QN05901M, QN05902M")]
    assert values.count() == before

    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})

    run = ImportRun.objects.get(kind="indicators_sigville", user=prefecture_agent)
    stored = values.filter(import_run=run)
    assert stored.count() == 4
    population = stored.get(
        territory_code="QN05901M", indicator__code=SIGVILLE_COLUMNS["popMuniQPV"]
    )
    assert population.value == 1370
    assert stored.get(territory_code="QN05902M", suppressed=True).value is None


def test_a_referential_of_three_files_is_previewed_then_applied(prefecture_agent):
    client = client_of(prefecture_agent)
    files = {
        slot: upload(f"{slot}.{'csv' if slot == 'communes' else 'json'}", text)
        for slot, text in REFERENTIAL_FILES.items()
    }
    response = preview_post(client, "referentiel", files)
    assert response.status_code == 200
    counts = {s["label"]: s["counts"] for s in response.context["summaries"]}
    assert counts["Départements"]["added"] == 1
    assert counts["EPCI"]["added"] == 1
    assert counts["Communes"] == {"added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    assert not Commune.objects.filter(departement__insee_code="976").exists()

    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})

    communes = Commune.objects.filter(departement__insee_code="976").order_by("insee_code")
    assert [(c.insee_code, c.name, c.epci.siren) for c in communes] == [
        ("97608", "Dzaoudzi", "200060457"),
        ("97615", "Pamandzi", "200060457"),
    ]
    runs = ImportRun.objects.filter(user=prefecture_agent)
    assert sorted(runs.values_list("kind", "source")) == [
        ("arrondissements", "communes.csv"),
        ("communes", "communes.csv"),
        ("departements", "departements.json"),
        ("epci", "epcis.json"),
    ]
