"""GET /api/departements, /api/arrondissements, /api/epci, /api/communes on the real Nord."""

from __future__ import annotations

import pytest
import shapely

from quartiers.geography.models import EPCI, Arrondissement, Commune

pytestmark = pytest.mark.django_db


def test_the_nord_departement_comes_with_its_contour(client):
    listed = client.get("/api/departements").json()
    assert [d["code"] for d in listed["resultats"]] == ["59"] and listed["total"] == 1
    body = client.get("/api/departements/59").json()
    assert body["nom"] == "Nord"
    assert shapely.geometry.shape(body["contour"]).area > 0.5  # ~5 700 km² in square degrees


def test_communes_are_paginated_with_their_total(client):
    total = Commune.objects.count()
    assert total == 648
    first = client.get("/api/communes", {"taille": 500}).json()
    second = client.get("/api/communes", {"taille": 500, "page": 2}).json()
    assert first["total"] == total and first["pages"] == 2
    assert len(first["resultats"]) + len(second["resultats"]) == total
    codes = [c["code"] for c in first["resultats"] + second["resultats"]]
    assert codes == sorted(codes) and len(set(codes)) == total


def test_communes_are_filtered_by_epci_arrondissement_and_qpv(client):
    roubaix = Commune.objects.get(insee_code="59512")
    by_epci = client.get("/api/communes", {"epci": roubaix.epci.siren, "taille": 500}).json()
    assert by_epci["total"] == roubaix.epci.communes.count()
    arrondissement = roubaix.arrondissement.insee_code
    by_arr = client.get("/api/communes", {"arrondissement": arrondissement}).json()
    assert by_arr["total"] == Commune.objects.filter(arrondissement=roubaix.arrondissement).count()
    with_qpv = client.get("/api/communes", {"avec_qpv": "true"}).json()
    assert with_qpv["total"] == Commune.objects.filter(qpvs__isnull=False).distinct().count()
    assert client.get("/api/communes", {"nom": "roubaix"}).json()["resultats"][0]["code"] == "59512"


def test_a_commune_lists_its_qpv_and_its_contour(client):
    body = client.get("/api/communes/59512").json()
    expected = set(Commune.objects.get(insee_code="59512").qpvs.values_list("code", flat=True))
    assert set(body["qpv"]) == expected and len(expected) >= 3
    assert body["contour"]["type"] in {"Polygon", "MultiPolygon"}
    assert body["epci"] and body["departement"] == "59"


def test_arrondissements_and_epci_are_listed(client):
    body = client.get("/api/arrondissements", {"departement": "59"}).json()
    assert body["total"] == Arrondissement.objects.count() == 6
    detail = client.get(f"/api/arrondissements/{body['resultats'][0]['code']}").json()
    assert detail["contour"]["type"] in {"Polygon", "MultiPolygon"}
    epcis = client.get("/api/epci", {"departement": "59"}).json()
    assert epcis["total"] == EPCI.objects.filter(communes__isnull=False).distinct().count()
    mel = EPCI.objects.get(name__icontains="Métropole Européenne")
    one = client.get(f"/api/epci/{mel.siren}").json()
    assert one["communes"] == mel.communes.count() and one["nom"] == mel.name


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/api/departements/75", "Département « 75 » inconnu."),
        ("/api/communes/99999", "Commune « 99999 » inconnue."),
        ("/api/epci/000000000", "EPCI « 000000000 » inconnu."),
        ("/api/arrondissements/000", "Arrondissement « 000 » inconnu."),
    ],
)
def test_unknown_codes_are_404_in_french(client, url, words):
    response = client.get(url)
    assert response.status_code == 404 and response.json()["detail"] == words
