"""Fixtures of the geocoder tests: the real local addok (scripts/addok/setup.sh) and a small
local HTTP server that speaks the BAN protocol and misbehaves on purpose (429, 502…)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/search/", params={"q": "lille", "limit": 1}, timeout=5).is_success
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def addok_url() -> str:
    """The local addok: ADDOK_URL (default http://127.0.0.1:7878), started by
    scripts/addok/setup.sh when it does not answer. In CI a missing addok fails the test;
    elsewhere (no redis-server, no network for pip…) the test is skipped, with the reason."""
    url = os.environ.get("ADDOK_URL", "http://127.0.0.1:7878").rstrip("/")
    if _answers(url):
        return url
    port = urlsplit(url).port or 7878
    env = {**os.environ, "ADDOK_PORT": str(port), "QUARTIERS_DATA_DIR": str(settings.DATA_DIR)}
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "addok" / "setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if run.returncode == 0 and _answers(url):
        return url
    reason = (
        f"addok local indisponible sur {url} (scripts/addok/setup.sh a échoué, code "
        f"{run.returncode}) : {(run.stdout + run.stderr).strip()[-800:]}"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


# --- a BAN-protocol server that misbehaves on purpose ---------------------------------------


@dataclass
class FlakyServer:
    """Answers /search/ and /search/csv/ like addok (one feature at the Lille town hall), after
    replaying ``script``: one (status, headers) per request, then 200s. Records every request."""

    url: str = ""
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def count(self) -> int:
        return len(self.times)

    def next_status(self, path: str) -> tuple[int, dict[str, str]]:
        with self.lock:
            self.times.append(time.monotonic())
            self.paths.append(path)
            return self.script.pop(0) if self.script else (200, {})


LILLE = {"lon": 3.063218, "lat": 50.631818}


def _handler(state: FlakyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _reply(self, status: int, headers: dict[str, str], body: bytes, kind: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _refused(self, status: int, headers: dict[str, str]) -> bool:
            if status == 200:
                return False
            self._reply(status, headers, b'{"message": "try later"}', "application/json")
            return True

        def do_GET(self) -> None:
            path = urlsplit(self.path)
            status, headers = state.next_status(path.path)
            if self._refused(status, headers):
                return
            q = parse_qs(path.query).get("q", [""])[0]
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [LILLE["lon"], LILLE["lat"]]},
                "properties": {
                    "label": f"{q} (Lille)",
                    "score": 0.9,
                    "type": "housenumber",
                    "citycode": "59350",
                    "postcode": "59000",
                },
            }
            body = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
            self._reply(200, {}, body, "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            status, headers = state.next_status(urlsplit(self.path).path)
            if self._refused(status, headers):
                return
            # The CSV part of the multipart body: from the "id,q" header to the boundary.
            text = raw.decode("utf-8")
            csv_text = text[text.index("id,q") :]
            csv_text = csv_text[: csv_text.index("\r\n--")]
            rows = list(csv.reader(io.StringIO(csv_text)))
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            extra = ["result_label", "result_score", "result_type", "result_citycode"]
            writer.writerow([*rows[0], "latitude", "longitude", *extra, "result_postcode"])
            for row in rows[1:]:  # the label echoes the query: the client's order shows
                answer = [row[1], 0.9, "housenumber", "59350", "59000"]
                writer.writerow([*row, LILLE["lat"], LILLE["lon"], *answer])
            self._reply(200, {}, out.getvalue().encode(), "text/csv")

    return Handler


@pytest.fixture
def flaky_server() -> Iterator[FlakyServer]:
    state = FlakyServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the Géoplateforme protocol, served locally over the real addok -------------------------


@pytest.fixture(scope="module")
def geoplateforme(addok_url: str):
    """A local server of the Géoplateforme protocol (tests/georef/geoplateforme_server.py) over
    the real local addok, allowing 50 requests/s like the national service."""
    from tests.georef.geoplateforme_server import geoplateforme_start

    running = geoplateforme_start(addok_url=addok_url, rate=50.0, retry_after_s=5)
    try:
        yield running.state
    finally:
        running.stop()
