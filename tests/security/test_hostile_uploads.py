"""The hostile-file corpus (tests/security/hostile.py) through every upload of the app: each
file is refused or neutralised with a French message, and nothing is partially written (no
row, no stored file)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import Client

from quartiers.contracts.models import ContractDocument
from quartiers.geography.importers import ImportRefused, qpv_import
from quartiers.geography.models import QPV
from quartiers.georef.jobs.services import job_run
from quartiers.georef.models import GeorefJob
from quartiers.grants.models import Application, ApplicationDocument
from tests.grants.conftest import application_make
from tests.security import hostile

pytestmark = pytest.mark.django_db

# What each refused file must say (French), whichever page receives it.
TABULAR_REFUSALS = {
    "utf16": "UTF-16",
    "binary": "octets nuls",
    "zip-bomb": "se décompresse de façon anormale",
    "renamed-zip": "pas un classeur XLSX",
    "xml-entities": "constructions XML interdites",
}
PDF_REFUSALS = {
    "fake-pdf": "signature %PDF absente",
    "empty-pdf": "vide",
    "zip-bomb": "PDF",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def _stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(path: Path, name: str | None = None) -> io.BytesIO:
    handle = io.BytesIO(path.read_bytes())
    handle.name = name or path.name
    return handle


# --- « Géoréférencer un fichier » (CSV / XLSX) -------------------------------------------


@pytest.mark.parametrize("kind", sorted(TABULAR_REFUSALS))
def test_the_georef_file_page_refuses_hostile_files(kind, corpus, media, prefecture_agent):
    path = hostile.TABULAR[kind](corpus)
    response = _client(prefecture_agent).post("/georeferencer/", {"fichier": _upload(path)})
    assert response.status_code in (200, 400)
    assert TABULAR_REFUSALS[kind] in _text(response)
    assert not GeorefJob.objects.exists()
    assert _stored_files(media) == []


def test_formulas_in_a_georef_file_come_back_neutralised(corpus, media, prefecture_agent):
    client = _client(prefecture_agent)
    response = client.post("/georeferencer/", {"fichier": _upload(hostile.csv_formulas(corpus))})
    assert response.status_code == 302
    client.post(
        response["Location"],
        {"col_lon": "2", "col_lat": "3", "generation": "2024", "output_format": "csv"},
    )
    job = GeorefJob.objects.get(owner=prefecture_agent)
    job_run(job_id=job.id)
    result = client.get(f"/georeferencer/{job.id}/resultat/")
    text = b"".join(result.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    comments = [row[3] for row in rows[1:]]
    assert comments == ["'" + formula for formula in hostile.FORMULAS]


# --- Funding: beneficiaries' file (CSV / XLSX), Dauphin extract (CSV), PDF documents ------


@pytest.mark.parametrize("kind", sorted(TABULAR_REFUSALS))
def test_the_beneficiaries_upload_refuses_hostile_files(
    kind, corpus, media, member_a, asso_a, call_mel
):
    application = application_make(asso_a, call_mel)
    path = hostile.TABULAR[kind](corpus)
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": _upload(path)},
        follow=True,
    )
    text = _text(response)
    assert TABULAR_REFUSALS[kind] in text and "Le fichier a été supprimé." in text
    application.refresh_from_db()
    assert application.targeting_measured_at is None
    assert _stored_files(media) == []


@pytest.mark.parametrize("kind", ["utf16", "binary", "zip-bomb", "no-delimiter"])
def test_the_dauphin_import_refuses_hostile_files(kind, corpus, prefecture_agent, contracts):
    before = Application.objects.count()
    path = hostile.TABULAR[kind](corpus)
    response = _client(prefecture_agent).post(
        "/financements/import/", {"file": _upload(path, "extrait.csv"), "apply": "on"}
    )
    assert response.status_code == 400
    assert "fr-alert--error" in response.content.decode() or "error" in _text(response)
    assert Application.objects.count() == before


@pytest.mark.parametrize("kind", sorted(PDF_REFUSALS))
def test_the_application_documents_refuse_hostile_files(
    kind, corpus, media, member_a, asso_a, call_mel
):
    application = application_make(asso_a, call_mel)
    path = hostile.PDF[kind](corpus)
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/documents/",
        {"kind": "statuts", "title": "", "file": _upload(path, path.stem + ".pdf")},
        follow=True,
    )
    # Django's form refuses an empty file before the PDF check: « Choisissez un fichier PDF. »
    expected = "Choisissez un fichier PDF" if kind == "empty-pdf" else PDF_REFUSALS[kind]
    assert expected in _text(response)
    assert not ApplicationDocument.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize("kind", sorted(PDF_REFUSALS))
def test_the_contract_documents_refuse_hostile_files(kind, corpus, media, prefecture_agent, mel):
    path = hostile.PDF[kind](corpus)
    response = _client(prefecture_agent).post(
        f"/contrats/{mel.code}/documents/",
        {"title": "", "file": _upload(path, path.stem + ".pdf")},
        follow=True,
    )
    assert "Document refusé" in _text(response)
    assert not ContractDocument.objects.exists()
    assert _stored_files(media) == []


# --- 1 GB announced: refused before a byte is read --------------------------------------


def _upload_urls(application, mel) -> list[str]:
    return [
        "/georeferencer/",
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        f"/financements/dossiers/{application.uuid}/documents/",
        "/financements/import/",
        f"/contrats/{mel.code}/documents/",
    ]


def test_a_one_gigabyte_upload_is_refused_before_being_read(
    media, prefecture_agent, asso_a, call_mel, mel
):
    application = application_make(asso_a, call_mel)
    client = _client(prefecture_agent)
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    for url in _upload_urls(application, mel):
        response = client.generic(
            "POST",
            url,
            body,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(1 << 30),
        )
        assert response.status_code == 413, url
        assert "Fichier trop volumineux : 1024 Mo envoyés" in _text(response)
    assert _stored_files(media) == []
    assert not GeorefJob.objects.exists() and not ApplicationDocument.objects.exists()


# --- GeoJSON nested deeper than the interpreter's stack ---------------------------------


def test_a_deeply_nested_geojson_is_refused_in_french(corpus):
    before = QPV.objects.count()
    with pytest.raises(ImportRefused, match="imbriqués trop profondément"):
        qpv_import(source=hostile.geojson_deep(corpus), apply=True)
    assert QPV.objects.count() == before
