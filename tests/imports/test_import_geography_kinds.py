"""Two more official files on the import screen: the administrative contours (communes,
arrondissements, département) and the QPV attributes. Dry run writes nothing, apply writes
exactly the verified file (contours checked with shapely, populations by hand), bad files are
refused in French naming the file, the line or feature and the column."""

from __future__ import annotations

import json

import pytest
import shapely
from django.urls import reverse
from shapely.geometry import Polygon

from quartiers.geography.models import QPV, Arrondissement, Commune, ImportRun
from tests.imports.conftest import client_of, preview_post, upload

pytestmark = pytest.mark.django_db

# Hand-drawn rectangles (lon/lat, WGS84), areas known by hand: 0.04° × 0.03° and 0.5° × 0.4°.
LILLE = [(3.02, 50.60), (3.06, 50.60), (3.06, 50.63), (3.02, 50.63)]
CAMBRAI = [(3.0, 50.0), (3.5, 50.0), (3.5, 50.4), (3.0, 50.4)]


def contours_geojson(features: dict[str, list[tuple[float, float]]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": code, "nom": f"Essai {code}"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[*map(list, ring), list(ring[0])]],
                    },
                }
                for code, ring in features.items()
            ],
        }
    ).encode()


def _contours_state() -> tuple:
    return (
        Commune.objects.get(insee_code="59350").contour_wkb,
        Arrondissement.objects.get(insee_code="592").contour_wkb,
        ImportRun.objects.count(),
    )


def test_admin_contours_are_previewed_then_applied_to_the_registry_rows(prefecture_agent):
    client = client_of(prefecture_agent)
    before = _contours_state()
    files = {
        "communes": upload("communes.geojson", contours_geojson({"59350": LILLE})),
        "arrondissements": upload("arrondissements.geojson", contours_geojson({"59002": CAMBRAI})),
    }
    response = preview_post(client, "contours-administratifs", files)

    assert response.status_code == 200
    summaries = {s["label"]: s for s in response.context["summaries"]}
    communes = summaries["Contours des communes"]
    assert communes["counts"] == {"added": 0, "changed": 1, "unchanged": 0, "removed": 0}
    assert communes["codes"] == [("modifiés", 1, "59350")]
    assert communes["source"] == "communes.geojson"
    assert summaries["Contours des arrondissements"]["codes"] == [("modifiés", 1, "592")]
    assert _contours_state() == before  # the dry run wrote nothing

    applied = client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})

    assert applied.status_code == 302
    lille = Commune.objects.get(insee_code="59350")
    contour = shapely.from_wkb(bytes(lille.contour_wkb))
    assert contour.area == pytest.approx(0.04 * 0.03, rel=1e-6)
    assert contour.symmetric_difference(Polygon(LILLE)).area < 1e-12
    assert (lille.min_lon, lille.min_lat, lille.max_lon, lille.max_lat) == pytest.approx(
        (3.02, 50.60, 3.06, 50.63)
    )
    cambrai = shapely.from_wkb(bytes(Arrondissement.objects.get(insee_code="592").contour_wkb))
    assert cambrai.area == pytest.approx(0.5 * 0.4, rel=1e-6)
    runs = ImportRun.objects.filter(pk__gt=0).order_by("-pk")[:2]
    assert {r.kind for r in runs} == {"contours_communes", "contours_arrondissements"}
    assert all(r.user == prefecture_agent and r.applied for r in runs)
    assert ImportRun.objects.count() == before[2] + 2


def test_admin_contours_need_at_least_one_file(prefecture_agent):
    # What a browser sends when no file is chosen: the form's CSRF token only.
    response = preview_post(
        client_of(prefecture_agent), "contours-administratifs", {"csrfmiddlewaretoken": "x"}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Déposez au moins un fichier : « Contours des communes », « Contours des "
        "arrondissements », « Contour du département »."
    ]


def test_a_bad_contours_file_is_refused_naming_the_file_and_the_feature(prefecture_agent):
    before = _contours_state()
    no_code = json.loads(contours_geojson({"59350": LILLE}))
    no_code["features"].append({**no_code["features"][0], "properties": {"nom": "Sans code"}})
    client = client_of(prefecture_agent)
    response = preview_post(
        client,
        "contours-administratifs",
        {"communes": upload("communes.geojson", json.dumps(no_code))},
    )
    assert response.status_code == 400
    message = response.context["form"].non_field_errors()[0]
    assert message.startswith("communes.geojson : fichier refusé, rien n'a été écrit.")
    assert "entité n° 2 (sans code) : propriété « code » absente" in message
    broken = preview_post(
        client,
        "contours-administratifs",
        {"departements": upload("departement.geojson", b'{"type": "Feature",\n  "geometry": [}')},
    )
    assert broken.status_code == 400
    assert (
        broken.context["form"]
        .non_field_errors()[0]
        .startswith("departement.geojson, ligne 2, colonne 16 : JSON illisible")
    )
    assert _contours_state() == before


def _populations(*codes: str) -> list:
    return list(
        QPV.objects.filter(generation=2024, code__in=codes)
        .order_by("code")
        .values_list("population", "population_vintage")
    )


def test_qpv_attributes_are_previewed_then_applied(prefecture_agent):
    client = client_of(prefecture_agent)
    csv = (
        "code_qp;population;population_vintage\n"
        "QN05901M;1234;2021\nQN05902M;2345;2021\nQN99999Z;1;2021\n"
    )
    before, runs = _populations("QN05901M", "QN05902M"), ImportRun.objects.count()
    response = preview_post(
        client, "attributs-qpv", {"fichier": upload("populations.csv", csv), "generation": "2024"}
    )

    assert response.status_code == 200
    [summary] = response.context["summaries"]
    assert summary["counts"] == {"added": 0, "changed": 2, "unchanged": 0, "removed": 0}
    assert summary["codes"] == [("modifiés", 2, "QN05901M, QN05902M")]
    assert "QN99999Z" in summary["warnings"][0]  # not in the registry: reported, skipped
    assert _populations("QN05901M", "QN05902M") == before
    assert ImportRun.objects.count() == runs

    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})

    assert _populations("QN05901M", "QN05902M") == [(1234, "2021"), (2345, "2021")]
    run = ImportRun.objects.get(pk__gt=0, kind="qpv_attributes", user=prefecture_agent)
    assert run.source == "populations.csv" and run.counts["changed"] == 2
    assert ImportRun.objects.count() == runs + 1


def test_the_sigville_layout_is_read_through_its_preset(prefecture_agent):
    client = client_of(prefecture_agent)
    csv = "COG,lib_com,codeQPV,lib_qp,popMuniQPV\n59028,Auby,QN05901M,Auby Centre,1111\n"
    response = preview_post(
        client,
        "attributs-qpv",
        {
            "fichier": upload("sigville.csv", csv),
            "generation": "2024",
            "preset": "sigville-population",
        },
    )
    assert response.status_code == 200
    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})
    qpv = QPV.objects.get(generation=2024, code="QN05901M")
    assert (qpv.population, qpv.population_vintage) == (1111, "non documenté")


def test_a_bad_attributes_file_is_refused_naming_the_file_line_and_column(prefecture_agent):
    client = client_of(prefecture_agent)
    before, runs = _populations("QN05901M", "QN05902M"), ImportRun.objects.count()
    bad = "code_qp,population\nQN05901M,1200\nQN05902M,beaucoup\n"
    response = preview_post(
        client, "attributs-qpv", {"fichier": upload("attributs.csv", bad), "generation": "2024"}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "attributs.csv, ligne 3, colonne « population » : entier positif attendu, trouvé "
        "« beaucoup »."
    ]
    missing = preview_post(
        client,
        "attributs-qpv",
        {
            "fichier": upload("sigville.csv", "codeQPV,pop\nQN05901M,1\n"),
            "generation": "2024",
            "preset": "sigville-population",
        },
    )
    assert missing.status_code == 400
    assert (
        missing.context["form"]
        .non_field_errors()[0]
        .startswith("sigville.csv, ligne 1 : colonne(s) obligatoire(s) absente(s) : popMuniQPV")
    )
    assert _populations("QN05901M", "QN05902M") == before
    assert ImportRun.objects.count() == runs


def test_the_two_kinds_are_offered_with_their_files_and_options(prefecture_agent):
    client = client_of(prefecture_agent)
    index = client.get(reverse("imports:index")).content.decode()
    assert 'href="/imports/contours-administratifs/">Contours administratifs</a>' in index
    assert 'href="/imports/attributs-qpv/">Attributs des QPV</a>' in index
    contours = client.get("/imports/contours-administratifs/").content.decode()
    for slot in ("communes", "arrondissements", "departements"):
        assert f'name="{slot}"' in contours
    assert 'name="url"' not in contours  # three files: uploads only
    attributes = client.get("/imports/attributs-qpv/").content.decode()
    assert 'name="fichier"' in attributes and 'name="url"' in attributes
    assert '<option value="sigville-population">' in attributes
    assert '<option value="2015">' in attributes  # the generation of the QPV
