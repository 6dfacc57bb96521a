"""GET /api/georef/point and /api/georef/adresse on real Nord points and addresses, compared
with shapely on the source file (tests/georef/lookup_cases.py); bad inputs get French messages
and 4xx, never a 500."""

from __future__ import annotations

import pytest
import shapely
from django.test import Client

from quartiers.geography.models import QPV
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.geocoder import GeocodeResult
from quartiers.georef.lookup import point_locate
from tests.georef.lookup_cases import (
    addresses_in_qpv,
    oracle_locate,
    point_inside,
    point_out_of_every_qpv,
)

pytestmark = pytest.mark.django_db
POINT = "/api/georef/point"
ADDRESS = "/api/georef/adresse"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=True)


@pytest.mark.parametrize("code", ["QN05901M", "QN05934M", "QN05950M"])
def test_a_point_inside_a_nord_qpv_gets_that_qpv(client, code):
    lon, lat = point_inside(code)
    expected = oracle_locate(lon, lat)
    response = client.get(POINT, {"lon": lon, "lat": lat})
    assert response.status_code == 200
    body = response.json()
    assert expected.containing == (code,) and expected.distance_m > 10
    assert body["qpv"]["code"] == code
    assert body["statut"] == "in"
    assert body["distance_m"] == pytest.approx(expected.distance_m, abs=0.5)
    assert body["qpv"]["url"] == f"/qpv/{code}/?generation=2024"
    assert body["explication"].startswith("Dans le quartier prioritaire")
    assert body["generation"] == 2024


def test_a_point_out_of_every_qpv_gets_its_distance_to_the_nearest(client):
    lon, lat = point_out_of_every_qpv()
    expected = oracle_locate(lon, lat)
    assert expected.containing == () and expected.distance_m > 500
    body = client.get(POINT, {"lon": lon, "lat": lat}).json()
    assert body["statut"] == "out" and body["qpv"] is None and body["qpv_contenant"] == []
    assert body["distance_m"] == pytest.approx(expected.distance_m, abs=0.5)
    assert body["qpv_le_plus_proche"]["code"] == expected.nearest
    assert body["explication"].startswith("Hors QPV, à ")


def test_a_point_on_a_boundary_is_uncertain_with_the_reason(client):
    qpv = QPV.objects.get(code="QN05901M", generation=2024)
    x, y = shapely.get_coordinates(shapely.from_wkb(bytes(qpv.contour_wkb)).boundary)[0]
    body = client.get(POINT, {"lon": x, "lat": y}).json()
    assert body["statut"] == "uncertain"
    assert body["distance_m"] <= 10
    assert "de la limite du QPV" in body["motifs_incertitude"][0]
    assert body["explication"].startswith("Incertain")


def test_lambert93_coordinates_give_the_same_answer(client):
    lon, lat = point_inside("QN05901M")
    x, y = transformer(WGS84, LAMBERT93).transform(lon, lat)
    wgs = client.get(POINT, {"lon": lon, "lat": lat}).json()
    l93 = client.get(POINT, {"lon": x, "lat": y, "crs": "EPSG:2154"}).json()
    assert l93["qpv"] == wgs["qpv"]
    assert l93["distance_m"] == pytest.approx(wgs["distance_m"], abs=0.2)
    assert l93["lon"] == pytest.approx(lon, abs=1e-6)


def test_swapped_longitude_and_latitude_are_corrected_and_said(client):
    lon, lat = point_inside("QN05901M")
    body = client.get(POINT, {"lon": lat, "lat": lon}).json()
    assert body["qpv"]["code"] == "QN05901M"
    assert body["remarques"] == ["longitude et latitude inversées : position corrigée."]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"lon": "abc", "lat": "50.6"}, 422, "« lon » : nombre attendu (reçu « abc »)"),
        ({"lat": "50.6"}, 422, "« lon » : paramètre obligatoire manquant"),
        ({"lon": "-74.0", "lat": "40.7"}, 400, "hors de la France"),
        ({"lon": "200", "lat": "40.7"}, 400, "Coordonnées impossibles"),
        ({"lon": "3.06", "lat": "50.63", "generation": "1999"}, 400, "1999 inconnue"),
        ({"lon": "3.06", "lat": "50.63", "generation": "deux"}, 422, "nombre entier attendu"),
        ({"lon": "3.06", "lat": "50.63", "crs": "EPSG:3857"}, 400, "non pris en charge"),
        ({"lon": "9000000", "lat": "50", "crs": "EPSG:2154"}, 400, "hors de la France"),
    ],
)
def test_bad_coordinates_get_a_french_message(client, params, status, words):
    response = client.get(POINT, params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["detail"]


def test_an_address_is_geocoded_by_the_local_addok_then_located(
    client, settings, addok_url, data_dir
):
    settings.GEOCODER_URL = addok_url
    cases = addresses_in_qpv(data_dir, count=3)
    assert len(cases) == 3
    for case in cases:
        body = client.get(ADDRESS, {"q": case["q"]}).json()
        geocoded = body["geocodage"]
        assert geocoded["type"] == "housenumber" and geocoded["score"] > 0.5, case
        expected = oracle_locate(body["lon"], body["lat"])
        assert expected.containing == (case["code"],)
        assert body["qpv"]["code"] == case["code"]  # the indexed position is that address's


def test_an_unknown_address_is_a_404_in_french(client, settings, addok_url):
    settings.GEOCODER_URL = addok_url
    response = client.get(ADDRESS, {"q": "zzqx wvyk plorth"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Adresse introuvable")


def test_an_unreachable_geocoder_is_a_503_in_french(client, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.GEOCODER_BACKOFF_MAX_S = 0.01
    response = client.get(ADDRESS, {"q": "2 rue Saint-Bernard 59000 Lille"})
    assert response.status_code == 503
    assert "géocodage indisponible" in response.json()["detail"]


def test_a_too_short_address_is_a_400(client):
    response = client.get(ADDRESS, {"q": "a"})
    assert response.status_code == 400
    assert "trop courte" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "level"),
    [("Rue Denis Cordonnier 59580", "de la rue"), ("Aniche", "de la commune")],
)
def test_an_address_found_only_at_street_or_city_level_is_uncertain(
    client, settings, addok_url, query, level
):
    settings.GEOCODER_URL = addok_url
    body = client.get(ADDRESS, {"q": query}).json()
    assert body["statut"] == "uncertain"
    assert f"adresse trouvée seulement au niveau {level}" in body["motifs_incertitude"]
    assert body["explication"].startswith("Incertain : probablement")


def test_a_low_geocoding_score_makes_a_point_uncertain():
    lon, lat = point_inside("QN05901M")
    weak = GeocodeResult(label="?", score=0.42, type="housenumber", lon=lon, lat=lat)
    answer = point_locate(lon=lon, lat=lat, geocoded=weak)
    assert answer.status == "uncertain" and answer.qpv.code == "QN05901M"
    assert answer.reasons == ["score de géocodage faible (0,42, fiable à partir de 0,80)"]
    assert answer.explanation.startswith("Incertain : probablement dans le quartier prioritaire")
