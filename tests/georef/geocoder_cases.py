"""The geocoder-tester queries (Nord, Pas-de-Calais) whose address is indexed in the local addok.

The local addok indexes ``adresses/adresses_nord_geocoder_tester.csv`` (scripts/addok/); the
queries below are the geocoder-tester rows that name one of those addresses, often spelt
otherwise (city instead of postcode, upper case, no accents, abbreviations).
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# test_addresses.csv gives no tolerance: we take the 100 m that the two other files give to
# every one of their rows.
DEFAULT_TOLERANCE_M = 100.0


@dataclass(frozen=True)
class GeocoderTesterRow:
    source: str
    line: int
    query: str
    lon: float
    lat: float
    tolerance_m: float

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6,371,008.8 m)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _read(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def geocoder_tester_rows(data_dir: Path) -> list[GeocoderTesterRow]:
    folder = data_dir / "adresses"
    indexed = _read(folder / "adresses_nord_geocoder_tester.csv")
    cases: list[GeocoderTesterRow] = []

    # test_addresses.csv: the indexed rows are identified by number + street (+ postcode).
    by_street: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in indexed:
        if row["source"].endswith("test_addresses.csv"):
            by_street.setdefault((row["housenumber"], _norm(row["street"])), []).append(row)
    name = "test_addresses.csv"
    for line, row in enumerate(_read(folder / f"geocoder_tester_nordpasdecalais_{name}"), 2):
        found = by_street.get((row["expected_housenumber"], _norm(row["expected_street"])), [])
        if row["expected_postcode"]:
            found = [r for r in found if r["postcode"] == row["expected_postcode"]]
        if len({(r["lon"], r["lat"]) for r in found}) != 1:
            continue  # not indexed (Pas-de-Calais…) or ambiguous
        cases.append(
            GeocoderTesterRow(
                name,
                line,
                row["query"],
                float(found[0]["lon"]),
                float(found[0]["lat"]),
                DEFAULT_TOLERANCE_M,
            )
        )

    # The two other files: the indexed rows are their own Nord rows with coordinates.
    for name, delimiter in (
        ("test_postal_relays_addresses.csv", ","),
        ("test_public_buildings_addresses.csv", ";"),
    ):
        queries = {r["query"] for r in indexed if r["source"].endswith(name)}
        path = folder / f"geocoder_tester_nordpasdecalais_{name}"
        for line, row in enumerate(_read(path, delimiter), 2):
            if row["query"] not in queries or not row["expected_coordinate"]:
                continue
            lat, lon, tolerance = (float(v) for v in row["expected_coordinate"].split(","))
            cases.append(GeocoderTesterRow(name, line, row["query"], lon, lat, tolerance))
    return cases
