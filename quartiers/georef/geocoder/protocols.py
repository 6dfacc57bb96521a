"""The two geocoding protocols the client speaks: paths, request parameters, answers.

- ``geoplateforme``: the IGN Géoplateforme geocoder (https://data.geopf.fr/geocodage, the
  national service since the BAN API closed in January 2026), described by the OpenAPI file
  ``geocode.yaml`` of gpf-geocodeur: ``GET /search?q=…&index=address``, ``GET /reverse``,
  ``POST /search/csv`` (multipart ``data``, ``columns``, ``indexes``, ``result_columns``), whose
  CSV answer adds ``result_status`` and ``result_score_next``; features carry ``_type``
  ("address") and ``_score`` beside the BAN fields.
- ``addok``: a self-hosted addok (the BAN's engine, scripts/addok/): ``/search/``,
  ``/reverse/``, ``/search/csv/`` (addok-csv).

``result_status`` says "ok" for any row the service matched, garbage included: the client
never decides on it; the georef engine decides on the score and the match type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace

from quartiers.georef.geocoder.types import (
    NOT_FOUND,
    AddressQuery,
    GeocoderError,
    GeocodeResult,
    Protocol,
)

# Columns asked back from the CSV endpoint (addok-csv returns all of its columns, which the
# parser ignores beyond these; the Géoplateforme returns only these).
RESULT_COLUMNS = (
    "latitude",
    "longitude",
    "result_label",
    "result_score",
    "result_type",
    "result_citycode",
    "result_postcode",
)
GEOPLATEFORME_RESULT_COLUMNS = (*RESULT_COLUMNS, "result_score_next", "result_status")


@dataclass(frozen=True)
class Dialect:
    name: Protocol
    search_path: str
    reverse_path: str
    csv_path: str
    # Extra parameters of every /search request.
    search_extra: tuple[tuple[str, str], ...] = ()

    def search_params(self, query: AddressQuery) -> dict[str, str]:
        # Two candidates: the second one's score tells whether the first is ambiguous.
        params = {"q": query.text, "limit": "2", **dict(self.search_extra)}
        if query.postcode:
            params["postcode"] = query.postcode
        if query.citycode:
            params["citycode"] = query.citycode
        return params

    def csv_form(self, queries: Sequence[AddressQuery]) -> dict[str, object]:
        data: dict[str, object] = {"columns": ["q"]}
        if self.name == "geoplateforme":
            data["indexes"] = ["address"]
            data["result_columns"] = list(GEOPLATEFORME_RESULT_COLUMNS)
        else:
            data["result_columns"] = list(RESULT_COLUMNS)
        if any(q.postcode for q in queries):
            data["postcode"] = "postcode"
        if any(q.citycode for q in queries):
            data["citycode"] = "citycode"
        return data


DIALECTS: dict[Protocol, Dialect] = {
    "geoplateforme": Dialect(
        "geoplateforme", "/search", "/reverse", "/search/csv", (("index", "address"),)
    ),
    "addok": Dialect("addok", "/search/", "/reverse/", "/search/csv/"),
}


# --- answers --------------------------------------------------------------------------------


def features_result(features: list[dict]) -> GeocodeResult:
    """The best address feature of a /search answer, with the next one's score. Features of
    another index (``_type`` poi or parcel) are ignored."""
    addresses = [f for f in features if _index(f) == "address"]
    if not addresses:
        return NOT_FOUND
    best = feature_result(addresses[0])
    if len(addresses) > 1:
        nxt = _float((addresses[1].get("properties") or {}).get("score"))
        return replace(best, score_next=nxt)
    return best


def _index(feature: dict) -> str:
    return (feature.get("properties") or {}).get("_type", "address")


def feature_result(feature: dict) -> GeocodeResult:
    props = feature.get("properties") or {}
    lon, lat = feature["geometry"]["coordinates"][:2]
    score = props.get("score", props.get("_score"))
    return GeocodeResult(
        label=props.get("label"),
        score=_float(score),
        type=props.get("type"),
        citycode=props.get("citycode"),
        postcode=props.get("postcode"),
        lon=float(lon),
        lat=float(lat),
    )


def csv_body(queries: Sequence[AddressQuery]) -> bytes:
    lines = ["id,q,postcode,citycode\n"]
    lines.extend(csv_row(i, q) for i, q in enumerate(queries))
    return "".join(lines).encode("utf-8")


def csv_row(index: int, query: AddressQuery) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [index, query.text, query.postcode, query.citycode]
    )
    return out.getvalue()


def parse_csv_results(content: bytes, *, expected: int) -> list[GeocodeResult]:
    """Rows of a CSV answer (either protocol), matched to the input rows by their ``id``.
    A row without coordinates, or whose ``result_status`` is not-found / skipped / error, is
    not found; an "ok" status decides nothing (the score and type do, downstream)."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    results: list[GeocodeResult] = [NOT_FOUND] * expected
    seen = 0
    for row in reader:
        index = int(row["id"])
        seen += 1
        status = (row.get("result_status") or "ok").strip()
        if status != "ok" or not row.get("latitude") or not row.get("longitude"):
            continue
        results[index] = GeocodeResult(
            label=row.get("result_label") or None,
            score=_float(row.get("result_score")),
            type=row.get("result_type") or None,
            citycode=row.get("result_citycode") or None,
            postcode=row.get("result_postcode") or None,
            lon=float(row["longitude"]),
            lat=float(row["latitude"]),
            score_next=_float(row.get("result_score_next")),
        )
    if seen != expected:
        raise GeocoderError(
            f"Réponse incomplète du service de géocodage : {seen} lignes reçues pour {expected}."
        )
    return results


def _float(value: object) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
