"""The map page and its GeoJSON endpoints: vendored Leaflet, simplified display payloads."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import shapely
from django.core.cache import cache
from shapely.geometry import shape

from quartiers.geography.models import QPV, ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rolled-back rows may reuse primary keys, hence cache keys: start and end clean."""
    cache.clear()
    yield
    cache.clear()


def _coordinates(geometry: dict) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+\.\d+", json.dumps(geometry["coordinates"]))]


def test_map_page_loads_vendored_leaflet_and_no_cdn(client):
    html = client.get("/carte/").content.decode()
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "/static/js/map.js" in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    assert "<script>" not in html  # no inline script: a strict CSP stays possible
    assert "/carte/qpv.geojson?generation=2024" in html
    assert "QPV NPNRU d’intérêt national" in html and "Autre QPV" in html
    assert "Statut NPNRU estimé, à vérifier" in html


def test_qpv_layer_has_94_valid_features_rounded_to_5_decimals(client):
    response = client.get("/carte/qpv.geojson")
    collection = json.loads(response.content)
    assert response["Content-Type"] == "application/geo+json"
    assert len(collection["features"]) == 94
    for feature in collection["features"]:
        assert shape(feature["geometry"]).geom_type in {"Polygon", "MultiPolygon"}
        assert all(len(str(c).split(".")[1]) <= 5 for c in _coordinates(feature["geometry"]))
        assert feature["properties"]["url"] == f"/qpv/{feature['properties']['code']}/"
    national = [f for f in collection["features"] if f["properties"]["npnru_national"]]
    assert len(national) == 14
    assert all(f["properties"]["npnru_estimated"] for f in national)


def test_display_simplification_leaves_stored_contours_untouched(client):
    before = {q.code: bytes(q.contour_wkb) for q in QPV.objects.all()}
    simplified = json.loads(client.get("/carte/qpv.geojson").content)
    exact = json.loads(client.get("/carte/qpv.geojson", {"simplification": "0"}).content)
    assert {q.code: bytes(q.contour_wkb) for q in QPV.objects.all()} == before
    vertices = [
        sum(len(_coordinates(f["geometry"])) for f in c["features"]) for c in (simplified, exact)
    ]
    assert vertices[0] < vertices[1]
    for light, full in zip(simplified["features"], exact["features"], strict=True):
        # ~0.0005° of tolerance: the displayed shape stays within ~60 m of the real one.
        assert shape(light["geometry"]).hausdorff_distance(shape(full["geometry"])) < 0.0008


def test_layers_are_gzipped_and_revalidated_by_etag(client):
    response = client.get("/carte/communes.geojson", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    collection = json.loads(gzip.decompress(response.content))
    assert len(collection["features"]) == 76
    again = client.get("/carte/communes.geojson", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_layer_cache_follows_a_new_import(client):
    client.get("/carte/qpv.geojson")
    QPV.objects.filter(code="QN05901M").update(name="Nom modifié")
    ImportRun.objects.create(kind="qpv", source="test", sha256="0" * 64, applied=True)
    collection = json.loads(client.get("/carte/qpv.geojson").content)
    names = {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]}
    assert names["QN05901M"] == "Nom modifié"


@pytest.mark.parametrize(
    ("url", "qpv_count"),
    [
        ("/carte/qpv/QN05920M.geojson", 1),
        ("/carte/commune/59512.geojson", None),
        ("/carte/epci/245901160.geojson", None),
        ("/carte/departement/59.geojson", 94),
    ],
)
def test_small_map_endpoints_give_the_territory_and_its_qpv(client, url, qpv_count):
    collection = json.loads(client.get(url).content)
    layers = [f["properties"]["layer"] for f in collection["features"]]
    qpvs = layers.count("qpv")
    assert qpvs == qpv_count if qpv_count else qpvs > 0
    assert {"focus", "communes"} & set(layers)
    for feature in collection["features"]:
        assert shapely.is_valid_input(shape(feature["geometry"]))
