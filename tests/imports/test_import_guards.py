"""The import screen's guards: the apply reads exactly the previewed bytes (a deposit that
changed, vanished or was purged is refused), official URLs are downloaded once and never
towards the internal network, uploads past their limit are dropped, and only the préfecture
may preview or apply (nothing changes for anybody else)."""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from quartiers.core.uploads.tempfiles import upload_temp_purge
from quartiers.geography.models import QPV, ImportRun
from tests.geography.test_import_sources import _QuietHandler
from tests.imports.conftest import (
    DISPOSITIFS_CSV,
    SQUARES,
    client_of,
    db_state,
    preview_post,
    qpv_geojson,
    upload,
)

pytestmark = pytest.mark.django_db


def test_apply_refuses_a_deposit_that_changed_or_vanished(prefecture_agent):
    client = client_of(prefecture_agent)
    response = preview_post(
        client, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)}
    )
    deposit = response.context["result"].deposit
    path = deposit.paths()["fichier"]
    path.write_text(DISPOSITIFS_CSV + "pre,PRE ajouté après coup,59350,,,,\n")
    before = db_state()

    changed = client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})
    assert changed.status_code == 400
    assert "a changé depuis la vérification" in changed.context["message"]
    shutil.rmtree(deposit.folder)
    vanished = client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})
    assert vanished.status_code == 400
    assert "n'est plus disponible" in vanished.context["message"]
    assert db_state() == before


@pytest.mark.parametrize("role", ["prefect_delegate", "partner", "association_user"])
def test_other_roles_can_neither_preview_nor_apply(request, prefecture_agent, role):
    agent = client_of(prefecture_agent)
    token = (
        preview_post(agent, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)})
        .context["result"]
        .token
    )
    other = client_of(request.getfixturevalue(role))
    before = db_state()
    for name in ("imports:index", "imports:history"):
        assert other.get(reverse(name)).status_code == 403
    preview = preview_post(
        other, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)}
    )
    assert preview.status_code == 403
    assert other.post(reverse("imports:apply"), {"apercu": token}).status_code == 403
    assert db_state() == before
    assert Client().post(reverse("imports:apply"), {"apercu": token}).status_code == 302  # login
    assert db_state() == before


@pytest.fixture
def served(settings, tmp_path):
    """A folder served on 127.0.0.1 (loopback only) while the test needs it."""
    settings.IMPORT_ALLOW_HTTP_LOOPBACK = True
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_an_official_url_is_downloaded_once_and_applied_from_the_deposit(prefecture_agent, served):
    folder, base, server = served
    (folder / "qpv2015.geojson").write_bytes(qpv_geojson(SQUARES))
    client = client_of(prefecture_agent)
    url = f"{base}/qpv2015.geojson"
    response = preview_post(client, "contours-qpv", {"url": url, "generation": "2015"})
    assert response.status_code == 200
    [summary] = response.context["summaries"]
    assert summary["source"] == url and summary["counts"]["added"] == 2
    server.shutdown()  # the apply reads the deposited copy, not the URL again
    (folder / "qpv2015.geojson").unlink()

    client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})

    assert QPV.objects.filter(generation=2015).count() == 2
    assert ImportRun.objects.get(kind="qpv", generation=2015).source == url


def test_a_file_and_an_url_together_are_refused(prefecture_agent):
    response = preview_post(
        client_of(prefecture_agent),
        "indicateurs",
        {"fichier": upload("a.csv", "codeQPV\n"), "url": "https://example.invalid/a.csv"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Déposez un fichier ou indiquez son adresse (l'un ou l'autre)."
    ]


def test_a_file_past_the_upload_limit_is_dropped_and_nothing_is_deposited(
    prefecture_agent, settings, upload_temp
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2_000
    content = DISPOSITIFS_CSV + "pre,PRE de remplissage,59350,,,,\n" * 100  # about 4 kB
    before = db_state()
    response = preview_post(
        client_of(prefecture_agent), "dispositifs", {"fichier": upload("d.csv", content)}
    )
    assert response.status_code == 400
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith("Fichier trop volumineux (plus de 2 ko) : la limite est de 2 ko")
    )
    assert [p for p in upload_temp.rglob("*") if p.is_file()] == []
    assert db_state() == before


def test_a_deposit_older_than_a_day_is_purged_like_other_uploads(prefecture_agent):
    client = client_of(prefecture_agent)
    response = preview_post(
        client, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)}
    )
    deposit = response.context["result"].deposit
    assert upload_temp_purge() == 0 and deposit.folder.is_dir()  # fresh: kept
    day_ago = time.time() - 24 * 3600 - 60
    os.utime(deposit.folder, (day_ago, day_ago))
    assert upload_temp_purge() == 1
    assert not deposit.folder.exists()
    before = db_state()
    gone = client.post(reverse("imports:apply"), {"apercu": response.context["result"].token})
    assert gone.status_code == 400 and "n'est plus disponible" in gone.context["message"]
    assert db_state() == before


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/qpv.geojson", "https://10.1.2.3/qpv.geojson", "https://[::1]/q.json"]
)
def test_an_url_to_the_internal_network_is_refused(prefecture_agent, settings, url):
    settings.IMPORT_ALLOW_HTTP_LOOPBACK = False
    response = preview_post(
        client_of(prefecture_agent), "contours-qpv", {"url": url, "generation": "2024"}
    )
    assert response.status_code == 400
    assert "mène à un serveur du réseau interne" in response.context["form"].non_field_errors()[0]
