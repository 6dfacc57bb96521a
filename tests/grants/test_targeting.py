"""QPV targeting measured on the real Nord addresses: the shares equal what the georef engine
says point by point, only aggregates are stored, and the address file is deleted."""

from __future__ import annotations

import csv
import shutil
from collections import Counter

import numpy as np
import pytest

from quartiers.georef.loader import points_locate
from quartiers.grants.selectors import targeting_by_contract, targeting_of_association
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.targeting import beneficiaries_measure
from tests.grants.conftest import application_make

pytestmark = pytest.mark.django_db
ADDRESSES = "adresses/adresses_nord_geocoder_tester.csv"


def _expected(path):
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    result = points_locate(lon=lon, lat=lat)
    inside = result.primary >= 0
    return len(rows), int(inside.sum()), Counter(str(c) for c in result.primary_codes()[inside])


def test_the_share_of_beneficiaries_in_qpv_is_measured_and_the_file_deleted(
    data_dir, tmp_path, asso_a, call_mel, prefecture_agent
):
    source = data_dir / ADDRESSES
    upload = tmp_path / "beneficiaires.csv"
    shutil.copyfile(source, upload)
    total, in_qpv, by_qpv = _expected(source)
    assert 0 < in_qpv < total  # the real file has people on both sides

    application = application_make(asso_a, call_mel)
    beneficiaries_measure(application=application, path=upload, user=prefecture_agent)

    assert not upload.exists()
    application.refresh_from_db()
    assert application.beneficiaries_total == total
    assert application.beneficiaries_in_qpv == in_qpv
    assert application.beneficiaries_by_qpv == dict(by_qpv)
    assert sum(application.beneficiaries_by_qpv.values()) == in_qpv
    assert application.targeting_generation == 2024
    assert application.beneficiaries_invalid == 0
    # aggregated on the association and per contract
    assert targeting_of_association(association=asso_a).in_qpv == in_qpv
    [row] = targeting_by_contract(queryset=type(application).objects.all())
    assert (row.total, row.in_qpv, row.applications) == (total, in_qpv, 1)
    # no address survives anywhere on the application
    stored = str({f.name: getattr(application, f.name) for f in application._meta.fields})
    assert "Rue Denis Cordonnier" not in stored and "3.250339" not in stored


def test_a_refused_file_is_deleted_too(tmp_path, asso_a, call_mel):
    upload = tmp_path / "beneficiaires.csv"
    upload.write_text("nom;age\nDupont;34\n", encoding="utf-8")
    application = application_make(asso_a, call_mel)
    with pytest.raises(GrantRefused, match="aucune colonne utilisable"):
        beneficiaries_measure(application=application, path=upload, user=None)
    assert not upload.exists()
    application.refresh_from_db()
    assert application.targeting_measured_at is None


def test_the_upload_page_measures_then_deletes_the_temporary_file(
    client, data_dir, member_a, asso_a, call_mel, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    application = application_make(asso_a, call_mel)
    client.force_login(member_a)
    with (data_dir / ADDRESSES).open("rb") as handle:
        response = client.post(
            f"/financements/dossiers/{application.uuid}/beneficiaires/", {"file": handle}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    total, in_qpv, _ = _expected(data_dir / ADDRESSES)
    assert (application.beneficiaries_total, application.beneficiaries_in_qpv) == (total, in_qpv)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    page = client.get(f"/financements/dossiers/{application.uuid}/").content.decode()
    assert f"{in_qpv} bénéficiaire(s) sur {total}" in page


def test_a_spreadsheet_of_coordinates_is_measured_and_deleted(data_dir, tmp_path, asso_a, call_mel):
    from openpyxl import Workbook

    with (data_dir / ADDRESSES).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Longitude", "Latitude"])
    for row in rows:
        sheet.append([float(row["lon"]), float(row["lat"])])
    upload = tmp_path / "beneficiaires.xlsx"
    workbook.save(upload)
    total, in_qpv, by_qpv = _expected(data_dir / ADDRESSES)

    application = application_make(asso_a, call_mel)
    beneficiaries_measure(application=application, path=upload, user=None)

    assert not upload.exists()
    application.refresh_from_db()
    assert (application.beneficiaries_rows, application.beneficiaries_total) == (total, total)
    assert application.beneficiaries_in_qpv == in_qpv
    assert application.beneficiaries_out == total - in_qpv
    assert application.beneficiaries_by_qpv == dict(by_qpv)
    assert application.beneficiaries_geocoded is None
