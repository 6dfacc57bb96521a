"""Sources given as URLs: downloaded (from a local server here), or a clear French error."""

from __future__ import annotations

import functools
import hashlib
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from quartiers.geography.importers import ImportRefused, qpv_import
from quartiers.geography.importers.sources import source_open, url_download


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def local_server(data_dir, settings):
    """Serve the real data directory on 127.0.0.1 (loopback only) for the test."""
    settings.IMPORT_ALLOW_HTTP_LOOPBACK = True
    handler = functools.partial(_QuietHandler, directory=str(data_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_an_unreachable_url_gives_the_french_offline_error(db, table_counts):
    before = table_counts()
    with pytest.raises(ImportRefused, match=r"https://127\.0\.0\.1:9/x\.geojson.*hors ligne"):
        qpv_import(source="https://127.0.0.1:9/x.geojson", apply=True)
    assert table_counts() == before


def test_a_url_is_downloaded_fingerprinted_and_imported(db, local_server, data_dir):
    url = f"{local_server}/qpv/qpv2024_nord.geojson"
    summary = qpv_import(source=url, apply=True)
    assert summary.unchanged == 94
    expected = hashlib.sha256((data_dir / "qpv" / "qpv2024_nord.geojson").read_bytes()).hexdigest()
    assert summary.sha256 == expected
    assert summary.source == url


def test_an_http_error_is_reported_with_its_status(db, local_server):
    with pytest.raises(ImportRefused, match=r"le serveur a répondu 404"):
        qpv_import(source=f"{local_server}/qpv/absent.geojson")


def test_a_download_larger_than_the_limit_is_interrupted(db, local_server, settings):
    settings.IMPORT_MAX_DOWNLOAD_BYTES = 10_000
    with pytest.raises(ImportRefused, match=r"dépasse la taille maximale"):
        qpv_import(source=f"{local_server}/qpv/qpv2024_nord.geojson")


def test_plain_http_is_refused_outside_the_loopback_test_setting(settings, tmp_path):
    settings.IMPORT_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ImportRefused, match=r"seules les adresses https:// sont acceptées"):
        url_download(url="http://127.0.0.1:9/qpv.geojson", directory=tmp_path)
    settings.IMPORT_ALLOW_HTTP_LOOPBACK = True
    with pytest.raises(ImportRefused, match=r"seules les adresses https://"):
        url_download(url="http://www.data.gouv.fr/qpv.geojson", directory=tmp_path)


def test_the_downloaded_copy_is_deleted_afterwards(db, local_server):
    with source_open(source=f"{local_server}/referentiel/departement_59_2024.json") as src:
        path = src.path
        assert path.read_bytes().startswith(b"[")
    assert not path.exists()
