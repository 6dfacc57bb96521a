"""Uploads refused by size and rows while they are read, XLSX refused on the sizes of their
parts, and a CSV cell longer than the csv module's limit named by line and column (never an
HTTP 500; JSON on the API)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import Workbook

from quartiers.georef.models import GeorefJob
from quartiers.grants.models import Application
from tests.grants.conftest import application_make
from tests.grants.test_dauphin import GOOD, HEADER

pytestmark = pytest.mark.django_db
LONG = "x" * 140_000  # > csv.field_size_limit() (131 072)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(content: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _long_cell_csv() -> bytes:
    return f"numero;adresse\n1;2 rue Saint-Bernard Lille\n2;{LONG}\n".encode()


def _where(text: str) -> bool:
    text = html.unescape(text).lower()
    return "ligne 3, colonne « adresse »" in text and "131 072 caractères" in text


# --- a cell longer than the csv module's limit: four routes ------------------------------


def test_the_georef_page_names_the_line_and_column_of_a_too_long_cell(prefecture_agent, folders):
    response = _client(prefecture_agent).post(
        "/georeferencer/", {"fichier": _upload(_long_cell_csv(), "a.csv")}
    )
    assert response.status_code == 200 and _where(_text(response))
    assert _files(folders) == []


def test_the_api_answers_json_naming_the_line_and_column_of_a_too_long_cell(prefecture_agent):
    response = _client(prefecture_agent).post(
        "/api/georef/jobs", {"fichier": _upload(_long_cell_csv(), "a.csv")}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert _where(response.json()["detail"])
    assert not GeorefJob.objects.exists()


def test_the_beneficiaries_upload_names_the_line_and_column_of_a_too_long_cell(
    member_a, asso_a, call_mel, folders
):
    application = application_make(asso_a, call_mel)
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": _upload(_long_cell_csv(), "b.csv")},
        follow=True,
    )
    text = _text(response)
    assert _where(text) and "Le fichier a été supprimé." in text
    assert _files(folders) == []


def test_the_dauphin_import_names_the_line_and_column_of_a_too_long_cell(
    prefecture_agent, contracts
):
    before = Application.objects.count()
    content = "\n".join([HEADER, GOOD[1], f"25-000103;{LONG}"]).encode()
    response = _client(prefecture_agent).post(
        "/financements/import/", {"file": _upload(content, "extrait.csv"), "apply": "on"}
    )
    assert response.status_code == 400
    assert "ligne 3, colonne « annee »" in _text(response)
    assert Application.objects.count() == before


# --- sizes and rows, per route, while reading ---------------------------------------------


def test_a_beneficiaries_file_past_its_route_limit_is_dropped_while_read(
    member_a, asso_a, call_mel, settings, folders
):
    settings.BENEFICIARIES_MAX_UPLOAD_BYTES = 2_000
    application = application_make(asso_a, call_mel)
    content = b"lon;lat\n" + b"3.0760;50.6150\n" * 400  # 6 kB, well under the global limit
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": _upload(content, "b.csv")},
        follow=True,
    )
    assert "Fichier trop volumineux (plus de 2 ko) : la limite est de 2 ko" in _text(response)
    application.refresh_from_db()
    assert application.targeting_measured_at is None
    assert _files(folders) == []


def test_an_announced_oversized_dauphin_extract_is_refused_before_being_read(
    prefecture_agent, settings
):
    settings.DAUPHIN_MAX_UPLOAD_BYTES = 100_000
    response = _client(prefecture_agent).post(
        "/financements/import/", {"file": _upload(b"x" * 300_000, "extrait.csv")}
    )
    assert response.status_code == 413
    assert "la limite est de 100 ko par fichier" in _text(response)


def test_a_beneficiaries_file_with_too_many_rows_stops_at_the_first_one_past_the_limit(
    member_a, asso_a, call_mel, settings
):
    settings.BENEFICIARIES_MAX_ROWS = 10
    application = application_make(asso_a, call_mel)
    content = b"lon;lat\n" + b"3.0760;50.6150\n" * 50
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": _upload(content, "b.csv")},
        follow=True,
    )
    assert "plus de 10 lignes de bénéficiaires (ligne 12 atteinte)" in _text(response)
    application.refresh_from_db()
    assert application.targeting_measured_at is None


def test_a_dauphin_extract_with_too_many_rows_is_refused(prefecture_agent, settings, contracts):
    settings.DAUPHIN_MAX_ROWS = 2
    second = GOOD[1].replace("25-000102", "25-000103")
    content = "\n".join([HEADER, GOOD[1], second, "25-000104;2025"]).encode()
    response = _client(prefecture_agent).post(
        "/financements/import/", {"file": _upload(content, "extrait.csv")}
    )
    assert response.status_code == 400
    assert "ligne 4 : plus de 2 dossiers" in _text(response)


def test_an_xlsx_whose_shared_strings_inflate_is_refused_before_parsing(
    member_a, asso_a, call_mel, settings, folders
):
    settings.XLSX_MAX_SHARED_STRINGS_BYTES = 100_000
    workbook = Workbook()
    workbook.active.append(["adresse"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        texts = "".join(
            f"<si><t>{i} rue de la République 59000 Lille</t></si>" for i in range(4000)
        )
        archive.writestr("xl/sharedStrings.xml", f"<sst>{texts}</sst>")  # about 220 kB
    application = application_make(asso_a, call_mel)
    response = _client(member_a).post(
        f"/financements/dossiers/{application.uuid}/beneficiaires/",
        {"file": _upload(buffer.getvalue(), "b.xlsx")},
        follow=True,
    )
    text = _text(response)
    assert "sa table des textes (sharedStrings)" in text and "(limite 100 ko)" in text
    assert _files(folders) == []
