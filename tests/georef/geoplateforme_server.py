"""A local server of the Géoplateforme geocoding protocol, written from its OpenAPI description
(../shared/data/schemas/geoplateforme_geocodage/geocode.openapi.yaml, "Service de géocodage"
2.0.0) and backed by the real local addok for the matching.

It is the national service's protocol, not a mock of the project's client: paths without a
trailing slash under /geocodage; ``index`` (address | poi | parcel, address by default) and
``limit`` (≤ 50) checked, 400 with ``{"code", "message"}`` otherwise; features carrying ``_type``
("address"), ``_score``, ``x``/``y`` beside the BAN fields; ``/search/csv`` and
``/reverse/csv`` taking a multipart ``data`` file with ``columns``, ``indexes``, ``postcode``,
``citycode``, ``lon``/``lat`` and ``result_columns`` (repeated fields), and answering the
input rows followed by ``latitude``, ``longitude`` and the ``result_*`` columns, including
``result_status`` (ok / not-found / skipped) and ``result_score_next``. Like the national
service it allows ``rate`` requests per second per client address and answers 429 with a
``Retry-After`` header (5 s there) beyond, for as long as that delay.

Run alone: python -m tests.georef.geoplateforme_server ADDOK_URL [RATE] (prints its URL)
"""

from __future__ import annotations

import csv
import email.parser
import email.policy
import io
import json
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx

PREFIX = "/geocodage"
_HTTP = httpx.Client(limits=httpx.Limits(max_connections=16))  # keep-alive to addok
INDEXES = ("address", "poi", "parcel")
ADDRESS_TYPES = ("housenumber", "street", "locality", "municipality")
ALL_RESULT_COLUMNS = (
    "result_label", "result_score", "result_score_next", "result_type", "result_id",
    "result_housenumber", "result_name", "result_street", "result_postcode", "result_city",
    "result_context", "result_citycode", "result_index", "result_status",
)  # fmt: skip


class BadRequest(Exception):
    """400 with the service's JSON error body."""


@dataclass
class GeoplateformeServer:
    addok_url: str
    rate: float = 50.0  # requests per second per client address
    retry_after_s: int = 5
    url: str = ""
    # Every request: (monotonic time, path, status answered).
    log: list[tuple[float, str, int]] = field(default_factory=list)
    _recent: dict[str, deque] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    def admit(self, client: str, path: str) -> int | None:
        """None when the request may go on, else the Retry-After to answer with a 429."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault(client, deque())
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            blocked = self._blocked_until.get(client, 0.0)
            if now < blocked or len(recent) >= self.rate:
                if now >= blocked:
                    self._blocked_until[client] = now + self.retry_after_s
                self.log.append((now, path, 429))
                return max(int(self._blocked_until[client] - now + 0.999), 1)
            recent.append(now)
            self.log.append((now, path, 200))
            return None

    def max_per_second(self) -> int:
        """The most requests admitted in any one-second window."""
        times = [t for t, _, status in self.log if status != 429]
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] <= t - 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best

    def refused(self) -> int:
        return sum(1 for _, _, status in self.log if status == 429)

    # --- the operations ----------------------------------------------------------------------

    def search(self, params: dict[str, str], limit_default: int = 10) -> dict:
        indexes = _indexes(params.get("index", "address"))
        limit = _limit(params.get("limit"), limit_default)
        q = params.get("q", "")
        features: list[dict] = []
        if "address" in indexes:
            if not q.strip():
                raise BadRequest("Le paramètre q est obligatoire pour l'index address.")
            query = {"q": q, "limit": str(limit)}
            for name in ("postcode", "citycode", "type", "lat", "lon"):
                if params.get(name):
                    query[name] = params[name]
            if "type" in query and query["type"] not in ADDRESS_TYPES:
                raise BadRequest(f"type invalide : {query['type']}")
            features = self._addok("/search/", query)
        return {"type": "FeatureCollection", "features": features[:limit]}

    def reverse(self, params: dict[str, str]) -> dict:
        indexes = _indexes(params.get("index", "address"))
        limit = _limit(params.get("limit"), 10)
        try:
            lon, lat = float(params["lon"]), float(params["lat"])
        except (KeyError, ValueError):
            raise BadRequest("lon et lat sont obligatoires sans searchgeom.") from None
        features: list[dict] = []
        if "address" in indexes:
            features = self._addok("/reverse/", {"lon": lon, "lat": lat, "limit": limit})
            for feature in features:
                x, y = feature["geometry"]["coordinates"][:2]
                feature["properties"]["distance"] = round(_metres(lon, lat, x, y), 1)
        return {"type": "FeatureCollection", "features": features}

    def search_csv(self, form: dict[str, list], reverse: bool = False) -> bytes:
        if "data" not in form:
            raise BadRequest("Le fichier data est obligatoire.")
        try:
            text = form["data"][0].decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadRequest("Impossible de lire le fichier CSV") from None
        dialect_delimiter = _sniff(text)
        rows = list(csv.reader(io.StringIO(text), delimiter=dialect_delimiter))
        if not rows:
            raise BadRequest("Impossible de lire le fichier CSV")
        header, body = rows[0], [r for r in rows[1:] if r]
        indexes = _indexes(",".join(_texts(form.get("indexes"))) or "address")
        wanted = _texts(form.get("result_columns")) or list(ALL_RESULT_COLUMNS)
        unknown = [c for c in wanted if c not in (*ALL_RESULT_COLUMNS, "latitude", "longitude",
                                                  "result_latitude", "result_longitude",
                                                  "result_distance")]  # fmt: skip
        if unknown:
            raise BadRequest(f"Colonnes de résultat inconnues : {', '.join(unknown)}")
        columns = _texts(form.get("columns")) or header
        filters = {
            name: _texts(form.get(name))[0]
            for name in ("postcode", "citycode", "lon", "lat")
            if form.get(name)
        }
        for name in [*columns, *filters.values()]:
            if name not in header:
                raise BadRequest(f"La colonne {name} n'existe pas dans le fichier.")
        position = {name: i for i, name in enumerate(header)}

        def answer(row: list[str]) -> dict[str, str]:
            cell = {name: row[i] if i < len(row) else "" for name, i in position.items()}
            if "address" not in indexes:
                return {"result_status": "skipped"}
            if reverse:
                params = {axis: cell.get(filters.get(axis, axis), "") for axis in ("lon", "lat")}
                try:
                    found = self.reverse(params)["features"]
                except BadRequest:
                    return {"result_status": "skipped"}
            else:
                q = " ".join(cell[c] for c in columns if cell[c].strip()).strip()
                if not q:
                    return {"result_status": "skipped"}
                params = {"q": q, "limit": "2"}
                for name in ("postcode", "citycode"):
                    if name in filters and cell[filters[name]].strip():
                        params[name] = cell[filters[name]].strip()
                found = self.search(params)["features"]
            if not found:
                return {"result_status": "not-found"}
            return _csv_result(found, reverse=reverse)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(answer, body))
        if reverse:
            point = ("result_latitude", "result_longitude", "result_distance")
            added = [c for c in point if c in wanted or not form.get("result_columns")]
        else:
            added = ["latitude", "longitude"]
        added += [c for c in wanted if c.startswith("result_") and c not in added]
        kept = [h for h in header if h not in ("latitude", "longitude") or reverse]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*kept, *added])
        for row, result in zip(body, answers, strict=True):
            original = [row[position[h]] if position[h] < len(row) else "" for h in kept]
            writer.writerow([*original, *(result.get(c, "") for c in added)])
        return out.getvalue().encode("utf-8")

    def _addok(self, path: str, params: dict) -> list[dict]:
        response = _HTTP.get(self.addok_url + path, params=params, timeout=10)
        response.raise_for_status()
        features = response.json().get("features") or []
        for feature in features:
            props = feature["properties"]
            x, y = feature["geometry"]["coordinates"][:2]
            props.update({"_type": "address", "_score": props.get("score"), "x": x, "y": y})
        return features


def _csv_result(found: list[dict], *, reverse: bool) -> dict[str, str]:
    best = found[0]["properties"]
    x, y = found[0]["geometry"]["coordinates"][:2]
    following = str(found[1]["properties"].get("score", "")) if len(found) > 1 else ""
    result = {
        "result_label": best.get("label", ""),
        "result_score": str(best.get("score", "")),
        "result_score_next": following,
        "result_type": best.get("type", ""),
        "result_id": best.get("id", ""),
        "result_housenumber": best.get("housenumber", ""),
        "result_name": best.get("name", ""),
        "result_street": best.get("street", ""),
        "result_postcode": best.get("postcode", ""),
        "result_city": best.get("city", ""),
        "result_context": best.get("context", ""),
        "result_citycode": best.get("citycode", ""),
        "result_index": "address",
        "result_status": "ok",
    }
    if reverse:
        result |= {"result_latitude": str(y), "result_longitude": str(x),
                   "result_distance": str(best.get("distance", ""))}  # fmt: skip
    else:
        result |= {"latitude": str(y), "longitude": str(x)}
    return result


def _indexes(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in INDEXES]
    if bad or not names:
        raise BadRequest(f"index invalide : {value}")
    return names


def _limit(value: str | None, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except ValueError:
        raise BadRequest("limit doit être un entier") from None
    if not 1 <= limit <= 50:
        raise BadRequest("limit doit être compris entre 1 et 50")
    return limit


def _texts(values: list | None) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values or []]


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t", "|"), key=first.count)


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    import math

    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(dx, math.radians(lat2 - lat1))


def _multipart(content_type: str, body: bytes) -> dict[str, list]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    form: dict[str, list] = {}
    if not message.is_multipart():
        raise BadRequest("Le corps doit être en multipart/form-data.")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            form.setdefault(str(name), []).append(part.get_payload(decode=True) or b"")
    return form


def _handler(state: GeoplateformeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: object, headers: dict | None = None) -> None:
            self._send(status, json.dumps(data).encode(), "application/json", headers)

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not parts.path.startswith(PREFIX + "/"):
                return self._json(404, {"code": 404, "message": "Not found"})
            path = parts.path[len(PREFIX) :]
            wait = state.admit(self.client_address[0], path)
            if wait is not None:
                return self._json(429, {"code": 429, "message": "Too Many Requests"},
                                  {"Retry-After": str(wait)})  # fmt: skip
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            try:
                if method == "GET" and path == "/search":
                    return self._json(200, state.search(params))
                if method == "GET" and path == "/reverse":
                    return self._json(200, state.reverse(params))
                if method == "GET" and path == "/getCapabilities":
                    return self._json(200, {"info": {"name": "Service de géocodage (local)"},
                                            "indexes": [{"id": "address"}]})  # fmt: skip
                if method == "POST" and path in ("/search/csv", "/reverse/csv"):
                    form = _multipart(self.headers.get("Content-Type", ""), raw)
                    body = state.search_csv(form, reverse=path == "/reverse/csv")
                    return self._send(200, body, "text/csv; charset=utf-8")
            except BadRequest as exc:
                return self._json(400, {"code": 400, "message": str(exc)})
            return self._json(404, {"code": 404, "message": "Not found"})

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


class Running:
    """The server on a free loopback port, in a thread; ``stop()`` ends it."""

    def __init__(self, state: GeoplateformeServer) -> None:
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        self.server.daemon_threads = True
        state.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def geoplateforme_start(*, addok_url: str, rate: float = 50.0, retry_after_s: int = 5) -> Running:
    return Running(GeoplateformeServer(addok_url.rstrip("/"), rate, retry_after_s))


if __name__ == "__main__":
    running = geoplateforme_start(
        addok_url=sys.argv[1], rate=float(sys.argv[2]) if len(sys.argv) > 2 else 50.0
    )
    print(running.state.base_url, flush=True)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()
