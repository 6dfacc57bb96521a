"""« Vérifier une adresse »: public, answers without JavaScript (server-rendered), French
errors for every bad input."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils.html import escape

from tests.georef.lookup_cases import (
    addresses_in_qpv,
    oracle_locate,
    point_inside,
    point_out_of_every_qpv,
)

pytestmark = pytest.mark.django_db
URL = "/verifier-une-adresse/"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=True)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_is_public_with_a_form_and_a_map_and_no_inline_script(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="adresse"' in html and "data-q-verifier" in html
    assert "js/verifier.js" in html and "leaflet-1.9.4/leaflet.js" in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "data-q-verifier-answer" not in html and "data-q-verifier-error" not in html


def test_an_address_in_a_qpv_is_answered_by_the_server(client, settings, addok_url, data_dir):
    settings.GEOCODER_URL = addok_url
    case = addresses_in_qpv(data_dir, count=1)[0]
    response = client.get(URL, {"adresse": case["q"]})
    text = _text(response)
    answer = response.context["answer"]
    assert answer.qpv.code == case["code"]
    assert oracle_locate(answer.lon, answer.lat).containing == (case["code"],)
    assert f'href="/qpv/{case["code"]}/?generation=2024"' in text
    assert escape(answer.qpv.name) in text
    assert escape(answer.geocoded.label) in text
    assert "Dans le quartier prioritaire" in text or "Incertain" in text
    assert "Géographie prioritaire</dt> <dd>2024" in text


def test_coordinates_are_answered_with_french_decimal_commas(client):
    lon, lat = point_inside("QN05901M")
    response = client.get(URL, {"lon": f"{lon:.7f}".replace(".", ","), "lat": f"{lat:.7f}"})
    assert response.context["answer"].qpv.code == "QN05901M"
    assert "En QPV" in _text(response)


def test_a_point_out_of_every_qpv_gives_the_distance_to_the_nearest(client):
    lon, lat = point_out_of_every_qpv()
    text = _text(client.get(URL, {"lon": lon, "lat": lat}))
    assert "Hors QPV, à " in text and "du QPV le plus proche" in text


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"lon": "abc", "lat": "50.6"}, "Longitude : « abc » n&#x27;est pas un nombre."),
        ({"lon": "3.06"}, "Latitude manquante."),
        ({"lon": "-74", "lat": "40.7"}, "Position hors de la France"),
        ({"adresse": ""}, "Saisissez une adresse, ou des coordonnées"),
        ({"lon": "3.06", "lat": "50.63", "generation": "1999"}, "Formulaire invalide"),
    ],
)
def test_bad_inputs_get_a_french_message(client, params, words):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert words in _text(response)
    assert "data-q-verifier-error" in response.content.decode()


def test_an_unknown_address_says_so(client, settings, addok_url):
    settings.GEOCODER_URL = addok_url
    text = _text(client.get(URL, {"adresse": "zzqx wvyk plorth"}))
    assert "Adresse introuvable : « zzqx wvyk plorth »" in text


def test_an_unreachable_geocoder_asks_for_coordinates(client, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9"
    settings.GEOCODER_BACKOFF_MAX_S = 0.01
    text = _text(client.get(URL, {"adresse": "2 rue Saint-Bernard 59000 Lille"}))
    assert "Service de géocodage indisponible : réessayez ou saisissez des coordonnées." in text


@override_settings(API_RATE_PER_MINUTE=3)
def test_lookups_on_the_page_and_the_api_share_one_limit_per_visitor(client):
    caches["api_throttle"].clear()
    lon, lat = point_inside("QN05901M")
    query = {"lon": f"{lon:.7f}", "lat": f"{lat:.7f}"}
    visitor = {"REMOTE_ADDR": "198.51.100.20"}
    assert client.get(URL, query, **visitor).context["answer"].qpv.code == "QN05901M"
    assert client.get(URL, query, **visitor).status_code == 200
    api = client.get("/api/georef/point", {"lon": lon, "lat": lat}, **visitor)
    assert api.status_code == 200
    # The fourth lookup of the minute, through the page: refused in French, nothing looked up.
    response = client.get(URL, query, **visitor)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.context["answer"] is None
    assert "Trop de recherches : réessayez dans" in _text(response)
    # …and the API refuses too: one bucket for both.
    assert client.get("/api/georef/point", {"lon": lon, "lat": lat}, **visitor).status_code == 429
    # The empty page is not a lookup; another visitor has its own bucket.
    assert client.get(URL, **visitor).status_code == 200
    other = client.get(URL, query, REMOTE_ADDR="198.51.100.21")
    assert other.context["answer"].qpv.code == "QN05901M"
