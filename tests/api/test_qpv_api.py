"""GET /api/qpv (paginated, filtered) and /api/qpv/{code} (with its exact contour)."""

from __future__ import annotations

import pytest
import shapely
from django.test import Client

from quartiers.geography.models import QPV

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=True)


def test_the_nord_qpv_are_listed_page_by_page(client):
    total = QPV.objects.of_generation(2024).count()
    first = client.get("/api/qpv", {"taille": 50}).json()
    second = client.get("/api/qpv", {"taille": 50, "page": 2}).json()
    assert first["total"] == total and first["pages"] == 2
    codes = [q["code"] for q in first["resultats"] + second["resultats"]]
    assert codes == sorted(QPV.objects.of_generation(2024).values_list("code", flat=True))


def test_the_list_is_filtered_by_commune_and_epci(client):
    qpv = QPV.objects.get(code="QN05901M", generation=2024)
    commune = qpv.communes.first()
    body = client.get("/api/qpv", {"commune": commune.insee_code}).json()
    assert {q["code"] for q in body["resultats"]} == set(
        commune.qpvs.filter(generation=2024).values_list("code", flat=True)
    )
    epci = qpv.epcis.first()
    body = client.get("/api/qpv", {"epci": epci.siren}).json()
    assert body["total"] == epci.qpvs.filter(generation=2024).count()
    assert client.get("/api/qpv", {"departement": "75"}).json()["total"] == 0


def test_a_qpv_comes_with_its_exact_contour(client):
    body = client.get("/api/qpv/QN05901M").json()
    stored = shapely.from_wkb(bytes(QPV.objects.get(code="QN05901M").contour_wkb))
    assert body["nom"] and body["url"] == "/qpv/QN05901M/?generation=2024"
    assert shapely.geometry.shape(body["contour"]).equals_exact(stored, 1e-9)


@pytest.mark.parametrize(
    ("url", "params", "status", "words"),
    [
        ("/api/qpv/QN99999M", {}, 404, "inconnu"),
        ("/api/qpv", {"generation": "1999"}, 400, "1999 inconnue"),
        ("/api/qpv", {"taille": "5000"}, 422, "« taille » : valeur trop grande (500 au plus)"),
        ("/api/qpv", {"page": "zéro"}, 422, "« page » : nombre entier attendu"),
    ],
)
def test_bad_requests_get_french_messages(client, url, params, status, words):
    response = client.get(url, params)
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_a_huge_page_number_is_refused_not_a_server_error(client):
    """Found by schemathesis: page=72880153638100281589760 overflowed the SQL OFFSET (500)."""
    response = client.get("/api/qpv", {"page": "72880153638100281589760"})
    assert response.status_code == 422
    assert "« page » : valeur trop grande (1000000 au plus)" in response.json()["detail"]
    assert client.get("/api/communes", {"page": "1000000"}).json()["resultats"] == []
