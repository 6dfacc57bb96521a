"""Batch jobs through the API: create (multipart, session), status, result; owner only; bad
files and the size limit get French messages; and the OpenAPI schema and its docs page."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from quartiers.georef.jobs.services import job_run
from quartiers.georef.loader import points_locate
from quartiers.georef.models import GeorefJob

pytestmark = pytest.mark.django_db
JOBS = "/api/georef/jobs"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    return rng.uniform(3.0, 3.3, 500), rng.uniform(50.55, 50.75, 500)


def _csv(lon, lat) -> bytes:
    lines = "".join(f"{i};{x:.6f};{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True)))
    return ("ref;Longitude;Latitude\n" + lines).encode("utf-8")


def _client(user=None) -> Client:
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


def _upload(client: Client, content: bytes, name: str = "points.csv", **fields):
    file = io.BytesIO(content)
    file.name = name
    return client.post(JOBS, {"fichier": file, **fields})


def test_a_job_is_created_run_and_its_result_downloaded(prefecture_agent, points):
    lon, lat = points
    client = _client(prefecture_agent)
    response = _upload(client, _csv(lon, lat), format="csv")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["statut"] == "pending" and created["url_resultat"] is None
    job_id = created["id"]
    assert client.get(f"{JOBS}/{job_id}/resultat").status_code == 409  # not yet
    job_run(job_id=GeorefJob.objects.get(pk=job_id).pk)  # what the worker does
    status = client.get(created["url_etat"]).json()
    assert status["statut"] == "done"
    assert status["lignes_traitees"] == status["lignes_total"] == 500
    assert status["pourcentage"] == 100.0
    assert status["synthese"]["rows"] == 500
    result = client.get(status["url_resultat"])
    assert result.status_code == 200
    assert result["Content-Disposition"].startswith('attachment; filename="points_qpv.csv"')
    text = b"".join(result.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["ref"] for r in rows] == [str(i) for i in range(500)]
    expected = points_locate(lon=lon, lat=lat).primary_codes()
    assert [r["code_qpv"] or None for r in rows] == list(expected)  # French names by default
    assert [j["id"] for j in client.get(JOBS).json()] == [job_id]


def test_the_machine_column_names_can_be_asked(prefecture_agent, points):
    client = _client(prefecture_agent)
    response = _upload(client, _csv(*points), noms_colonnes="machine")
    assert response.status_code == 201, response.content
    job_run(job_id=GeorefJob.objects.get(pk=response.json()["id"]).pk)
    status = client.get(response.json()["url_etat"]).json()
    text = b"".join(client.get(status["url_resultat"]).streaming_content).decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[-10:] == [
        "qpv_code", "qpv_name", "status", "score", "distance_m", "geocoded_label", "lon", "lat",
        "generation", "remark",
    ]  # fmt: skip
    assert _upload(client, _csv(*points), noms_colonnes="anglais").status_code == 400


def test_the_columns_can_be_forced(prefecture_agent, points):
    lon, lat = points
    content = ("a;b;c\n" + "".join(f"1;{x};{y}\n" for x, y in zip(lon, lat, strict=True))).encode()
    client = _client(prefecture_agent)
    assert _upload(client, content).status_code == 400  # nothing to detect
    response = _upload(client, content, colonnes="lon=b,lat=c")
    assert response.status_code == 201
    assert GeorefJob.objects.get(pk=response.json()["id"]).options["columns"] == {
        "lon": "b",
        "lat": "c",
    }


def test_another_users_job_is_a_404(prefecture_agent, prefect_delegate, points):
    response = _upload(_client(prefecture_agent), _csv(*points))
    job_id = response.json()["id"]
    other = _client(prefect_delegate)
    assert other.get(f"{JOBS}/{job_id}").status_code == 404
    assert other.get(f"{JOBS}/{job_id}/resultat").status_code == 404
    assert other.get(JOBS).json() == []
    assert other.get(f"{JOBS}/not-a-uuid").status_code == 422


def test_jobs_need_a_session_and_are_not_for_associations(association_user, points):
    anonymous = _upload(_client(), _csv(*points))
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Authentification requise")
    refused = _upload(_client(association_user), _csv(*points))
    assert refused.status_code == 403
    assert "réservé" in refused.json()["detail"]
    assert not GeorefJob.objects.exists()


def test_a_post_without_the_csrf_token_is_refused_in_french(prefecture_agent, points):
    client = Client(enforce_csrf_checks=True)
    client.force_login(prefecture_agent)
    response = _upload(client, _csv(*points))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "name", "status", "words"),
    [
        (b"", "vide.csv", 400, "le fichier est vide"),
        (
            b"ref;Longitude;Latitude\n",
            "entete.csv",
            400,
            "ligne 1 : le fichier ne contient qu'une ligne d'en-tête",
        ),
        (b"PK\x03\x04 not really a workbook", "classeur.xlsx", 400, "ce n'est pas un xlsx"),
        (b"nom;ville\nDupont;Lille\n", "inutile.csv", 400, "aucune colonne utilisable"),
    ],
)
def test_bad_files_get_a_french_message(prefecture_agent, content, name, status, words):
    response = _upload(_client(prefecture_agent), content, name=name)
    assert response.status_code == status, response.content
    assert words in response.json()["detail"].lower()
    assert not GeorefJob.objects.exists()


def test_a_file_over_the_size_limit_is_a_413(prefecture_agent, settings, points):
    settings.GEOREF_MAX_UPLOAD_BYTES = 1_000
    response = _upload(_client(prefecture_agent), _csv(*points))
    assert response.status_code == 413
    assert "trop volumineux" in response.json()["detail"]


def test_an_unknown_generation_is_refused(prefecture_agent, points):
    response = _upload(_client(prefecture_agent), _csv(*points), generation="1999")
    assert response.status_code == 400
    assert "1999 inconnue" in response.json()["detail"]


def test_the_openapi_schema_lists_the_endpoints():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/georef/point",
        "/api/georef/adresse",
        "/api/georef/jobs",
        "/api/georef/jobs/{job_id}",
        "/api/georef/jobs/{job_id}/resultat",
    } <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/georef/jobs"]
    parameters = {p["name"] for p in schema["paths"]["/api/georef/point"]["get"]["parameters"]}
    assert parameters == {"lon", "lat", "crs", "generation"}


def test_the_docs_page_is_served_without_any_cdn():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # No asset from elsewhere (the CSRF token is random text: "cdn" may appear in it).
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    bundle = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_the_docs_page_carries_the_csrf_token_for_try_it_out(prefecture_agent):
    html = _client(prefecture_agent).get("/api/docs").content.decode()
    assert 'data-api-csrf="true"' in html
    assert re.search(r'data-csrf-token="[^"]{20,}"', html)


def test_an_announced_oversized_upload_is_a_413_before_anything_is_read(prefecture_agent, settings):
    settings.GEOREF_MAX_UPLOAD_BYTES = 10_000
    response = _upload(_client(prefecture_agent), b"id;lon;lat\n" + b"1;3.06;50.63\n" * 20_000)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Fichier trop volumineux")
