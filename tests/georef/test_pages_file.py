"""« Géoréférencer un fichier »: upload, detected and editable columns, job page with its
progress JSON, cancel, summary with chart, download; own jobs only; French errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pytest
from django.test import Client

from quartiers.georef.jobs.services import job_run
from quartiers.georef.loader import points_locate
from quartiers.georef.models import GeorefJob, JobStatus

pytestmark = pytest.mark.django_db
URL = "/georeferencer/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    return settings.MEDIA_ROOT


@pytest.fixture
def points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return rng.uniform(3.0, 3.3, 300), rng.uniform(50.55, 50.75, 300)


def _file(lon, lat, header=("numero", "Longitude", "Latitude")) -> io.BytesIO:
    lines = "".join(f"{i};{x:.6f};{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True)))
    handle = io.BytesIO((";".join(header) + "\n" + lines).encode("cp1252"))
    handle.name = "mes points.csv"
    return handle


def _client(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_page_is_for_logged_in_staff_delegates_and_partners(
    association_user, partner, prefect_delegate, prefecture_agent
):
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion")
    assert _client(association_user).get(URL).status_code == 403
    for user in (partner, prefect_delegate, prefecture_agent):
        response = _client(user).get(URL)
        assert response.status_code == 200
        assert 'type="file"' in response.content.decode()


def test_a_file_goes_from_upload_to_download(prefecture_agent, points, media):
    lon, lat = points
    client = _client(prefecture_agent)
    response = client.post(URL, {"fichier": _file(lon, lat)})
    assert response.status_code == 302
    columns_url = response["Location"]
    page = client.get(columns_url)
    text = _text(page)
    assert "Colonnes détectées : longitude = « Longitude », latitude = « Latitude »" in text
    assert "séparateur « ; »" in text
    form = page.context["form"]
    assert form["col_lon"].initial == "2" and form["col_lat"].initial == "3"
    response = client.post(
        columns_url,
        {"col_lon": "2", "col_lat": "3", "generation": "2024", "output_format": "xlsx"},
    )
    assert response.status_code == 302
    job = GeorefJob.objects.get(owner=prefecture_agent)
    assert response["Location"] == f"/georeferencer/{job.id}/"
    deposits = media.parent / "upload-tmp" / "depots"
    assert not any(deposits.iterdir())  # the deposit was moved into the job
    page = _text(client.get(response["Location"]))
    assert '<progress id="job-progress"' in page and 'aria-live="polite"' in page
    assert "Annuler le traitement" in page and "js/georef-job.js" in page
    status = client.get(f"/georeferencer/{job.id}/etat.json").json()
    assert status["status"] == "pending" and status["finished"] is False
    assert client.get(f"/georeferencer/{job.id}/resultat/").status_code == 404

    job_run(job_id=job.id)
    status = client.get(f"/georeferencer/{job.id}/etat.json").json()
    assert status["status"] == "done" and status["percent"] == 100.0 and status["finished"]
    page = client.get(f"/georeferencer/{job.id}/")
    text = _text(page)
    assert "Télécharger le résultat (mes points_qpv.xlsx)" in text
    assert "<svg" in text and "Lignes en QPV par quartier" in text
    expected = points_locate(lon=lon, lat=lat).primary_codes()
    in_qpv = sum(code is not None for code in expected)
    summary = page.context["summary"]
    assert summary.rows == 300
    assert sum(summary.in_by_qpv.values()) + sum(summary.uncertain_by_qpv.values()) == in_qpv
    result = client.get(f"/georeferencer/{job.id}/resultat/")
    assert result.status_code == 200
    assert result["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(result.streaming_content)[:2] == b"PK"


def test_the_columns_can_be_chosen_when_nothing_is_detected(prefecture_agent, points):
    lon, lat = points
    client = _client(prefecture_agent)
    response = client.post(URL, {"fichier": _file(lon, lat, header=("a", "b", "c"))})
    page = _text(client.get(response["Location"]))
    assert "aucune colonne utilisable" in page
    response = client.post(
        response["Location"],
        {"col_lon": "2", "col_lat": "3", "generation": "2024", "output_format": "csv"},
    )
    job = GeorefJob.objects.get(owner=prefecture_agent)
    assert job.options["columns"] == {"lon": "2", "lat": "3"}
    job = job_run(job_id=job.id)
    rows = list(
        csv.DictReader(io.StringIO(Path(job.output_path).read_text("utf-8-sig")), delimiter=";")
    )
    assert [r["code_qpv"] or None for r in rows] == list(
        points_locate(lon=lon, lat=lat).primary_codes()
    )


def test_without_usable_columns_the_job_is_not_started(prefecture_agent, points):
    client = _client(prefecture_agent)
    response = client.post(URL, {"fichier": _file(*points, header=("a", "b", "c"))})
    page = client.post(response["Location"], {"generation": "2024", "output_format": "csv"})
    assert page.status_code == 200
    assert "aucune colonne utilisable" in _text(page).lower()
    assert not GeorefJob.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "Le fichier soumis est vide."),
        (b"\xff\xfeU\x00T\x00F\x00", "UTF-16"),
    ],
)
def test_an_unreadable_file_gets_a_french_message(prefecture_agent, content, words):
    handle = io.BytesIO(content)
    handle.name = "fichier.csv"
    response = _client(prefecture_agent).post(URL, {"fichier": handle})
    assert response.status_code == 200
    assert words in _text(response)


def test_a_file_over_the_limit_is_refused(prefecture_agent, settings, points):
    settings.GEOREF_MAX_UPLOAD_BYTES = 1_000
    response = _client(prefecture_agent).post(URL, {"fichier": _file(*points)})
    assert response.status_code == 200
    assert "Fichier trop volumineux" in _text(response)


def test_a_job_can_be_cancelled_and_is_seen_by_its_owner_only(
    prefecture_agent, prefect_delegate, points
):
    client = _client(prefecture_agent)
    response = client.post(URL, {"fichier": _file(*points)})
    client.post(response["Location"], {"col_lon": "2", "col_lat": "3", "generation": "2024",
                                       "output_format": "csv"})  # fmt: skip
    job = GeorefJob.objects.get(owner=prefecture_agent)
    other = _client(prefect_delegate)
    for suffix in ("", "etat.json", "resultat/"):
        assert other.get(f"/georeferencer/{job.id}/{suffix}").status_code == 404
    assert other.post(f"/georeferencer/{job.id}/annuler/").status_code == 404
    assert other.post(response["Location"]).status_code == 302  # another session's deposit
    response = client.post(f"/georeferencer/{job.id}/annuler/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert "Annulation demandée" in _text(client.get(f"/georeferencer/{job.id}/"))


def test_an_announced_oversized_upload_is_refused_before_being_read(
    prefecture_agent, settings, media
):
    settings.GEOREF_MAX_UPLOAD_BYTES = 10_000
    handle = io.BytesIO(b"id;lon;lat\n" + b"1;3.06;50.63\n" * 20_000)  # 260 kB
    handle.name = "gros.csv"
    response = _client(prefecture_agent).post(URL, {"fichier": handle})
    assert response.status_code == 413
    assert "Fichier trop volumineux (260 ko) : la limite est de 10 ko" in _text(response)
    assert not [p for p in media.parent.rglob("*") if p.is_file()]


def test_the_upload_form_still_checks_the_csrf_token(prefecture_agent, points):
    client = Client(enforce_csrf_checks=True)
    client.force_login(prefecture_agent)
    assert client.post(URL, {"fichier": _file(*points)}).status_code == 403


def test_a_header_below_a_title_line_and_machine_names_can_be_chosen(prefecture_agent, points):
    lon, lat = points
    client = _client(prefecture_agent)
    upload = _file(lon, lat)
    upload = io.BytesIO(b"Export du registre;;\n" + upload.getvalue())
    upload.name = "titre.csv"
    page = _text(client.get(URL))
    assert "code_qpv" in page and "distance_limite_qpv_m" in page  # the columns, documented
    response = client.post(URL, {"fichier": upload, "ligne_entete": "2"})
    columns = _text(client.get(response["Location"]))
    assert "en-tête ligne 2" in columns and "Colonnes détectées : longitude" in columns
    client.post(
        response["Location"],
        {"generation": "2024", "output_format": "csv", "column_names": "machine"},
    )
    job = job_run(job_id=GeorefJob.objects.get(owner=prefecture_agent).id)
    assert job.options["header_line"] == 2
    rows = list(
        csv.DictReader(io.StringIO(Path(job.output_path).read_text("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 300
    assert [r["qpv_code"] or None for r in rows] == list(
        points_locate(lon=lon, lat=lat).primary_codes()
    )
