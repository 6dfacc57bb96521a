"""Real servers for tests that need several processes: gunicorn on a free loopback port, a
small reverse proxy appending X-Forwarded-For, and an HTTP client bound to a chosen loopback
source address (127.0.0.0/8 is all loopback on Linux), so that distinct clients really come
from distinct addresses."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(env: dict[str, str], *, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn serving the app on 127.0.0.1:port, once it answers."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += [f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--log-level=warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def process_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


class ReverseProxy:
    """A reverse proxy as nginx's `proxy_set_header X-Forwarded-For
    $proxy_add_x_forwarded_for`: forwards every request to the upstream, appending the
    address it received the request from to the client's X-Forwarded-For."""

    def __init__(self, *, upstream_port: int) -> None:
        upstream = upstream_port

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                previous = self.headers.get("X-Forwarded-For")
                peer = self.client_address[0]
                headers.pop("X-Forwarded-For", None)
                headers["X-Forwarded-For"] = f"{previous}, {peer}" if previous else peer
                connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                content = answer.read()
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                connection.close()

            do_GET = do_POST = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ReverseProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """A client connecting from `source` (a loopback address), keeping its cookies."""

    def __init__(self, *, port: int, source: str) -> None:
        self.port, self.source = port, source
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
        )
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return answer.status, dict(answer.getheaders()), text

    def get(self, path: str, **kwargs) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, **kwargs)

    def login(self, username: str, password: str) -> tuple[int, str]:
        """Posts the login form as a browser does (CSRF token from the page)."""
        _status, _headers, html = self.get("/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _headers, text = self.request(
            "POST",
            "/connexion/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        return status, text
