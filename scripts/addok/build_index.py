"""Turn the real Nord addresses of ``adresses/`` into addok's JSON-lines import format.

Standard library only: it runs with the addok virtualenv's Python (no project dependency).

Input (WGS84), about 1,460 addresses:
- ``adresses/adresses_nord_geocoder_tester.csv`` (source, query, housenumber, street, postcode,
  city, lon, lat): the Nord rows with coordinates of the three geocoder-tester files;
- ``adresses/adresses_nord_equipements_combined.csv`` (source, nom, adresse, code_postal,
  code_insee, commune, lon, lat…): collèges and France services, the two other files of the
  folder put together.
The other files of the folder are the raw sources of those two (see PROVENANCE.md): reading
them too would index the same addresses twice. A CSV file of the folder that is neither read
nor a known source stops the build, so a new address file is never silently left out.
``referentiel/communes_nord_2024.csv`` + ``contours/communes-59-nord.geojson`` fill the city
and its INSEE code (``citycode``).

Output, one JSON document per line, as the BAN feeds addok:
- ``street`` documents with their ``housenumbers`` ({number: {lat, lon}}), grouped by
  (street, postcode, city); the street's own position is the mean of its numbers;
- ``street`` documents without numbers for rows that name a street but no number;
- ``locality`` documents for the rest (public buildings given only by a place name, e.g.
  "MAIRIE 59320 SEQUEDIN" or "Plateau Chemerault BP 30211 59363 Avesnes-sur-Helpe"): the text
  before the postcode, stripped of BP/CS/Cedex mentions, at the row's position;
- one ``municipality`` document per Nord commune (centre = mean of its contour's vertices,
  importance from its population), so that a query naming only a town still answers.

Usage: python build_index.py DATA_DIR OUTPUT.ndjson
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

# Street types seen in the Nord files (lower case, no accent); a street name starts with one.
_STREET_TYPES = (
    "rue|r|avenue|av|boulevard|bd|place|chemin|route|allee|impasse|quai|square|chaussee|cours|"
    "r[ée]sidence|passage|sentier|voie|parvis|esplanade|rond-point|grand'?\\s*rue|grand\\s*place|"
    "grand'?\\s*place|grand-place|contour|rang|cite|faubourg|mail|promenade|hameau|lotissement|clos|ruelle|carrefour|"
    "drève|dreve|pave|digue|plateau|parc|domaine|zone|za|zi|zac|centre|le|la|les"
)
_NUMBER = r"(?P<num>\d+)(?:\s*-\s*\d+)?\s*(?P<suffix>bis|ter|quater|[a-d])?\b"
_STREET_RE = re.compile(
    rf"(?:^|\s){_NUMBER}\s*,?\s+(?P<street>(?:{_STREET_TYPES})\b.*)$", re.IGNORECASE
)
_STREET_ONLY_RE = re.compile(
    r"(?:^|\s)(?P<street>(?:rue|avenue|boulevard|place|chemin|route|allée|allee|impasse|quai|"
    r"square|chaussée|chaussee|cours|grand'?\s*rue)\b.*)$",
    re.IGNORECASE,
)
_POSTCODE_RE = re.compile(r"\s(?P<postcode>59\d{3})\s+(?P<city>.+)$")
_NOISE_RE = re.compile(r"\b(?:BP|CS|TSA)\s*\d+\b|\s-\s|\s+-$", re.IGNORECASE)
_CEDEX_RE = re.compile(r"\s+cedex(?:\s+\d+)?\s*$", re.IGNORECASE)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _pretty(text: str) -> str:
    """Upper-case source strings ("RUE JEAN JAURES") read better capitalised."""
    text = " ".join(text.replace(",", " ").split())
    return text.title() if text.isupper() else text


class Communes:
    """Nord communes: name and postcodes from the COG referential, contours for ambiguity."""

    def __init__(self, data_dir: Path) -> None:
        self.rows: dict[str, dict[str, str]] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_postcode: dict[str, list[str]] = defaultdict(list)
        with open(data_dir / "referentiel" / "communes_nord_2024.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                code = row["code_insee"]
                self.rows[code] = row
                self.by_name[_norm(row["nom"])].append(code)
                for postcode in row["codes_postaux"].replace("|", " ").split():
                    self.by_postcode[postcode].append(code)
        geojson = json.loads(
            (data_dir / "contours" / "communes-59-nord.geojson").read_text(encoding="utf-8")
        )
        self.polygons: dict[str, list[list[list[list[float]]]]] = {}
        for feature in geojson["features"]:
            geometry = feature["geometry"]
            polys = geometry["coordinates"]
            if geometry["type"] == "Polygon":
                polys = [polys]
            self.polygons[feature["properties"]["code"]] = polys

    def containing(self, lon: float, lat: float, codes: list[str]) -> str | None:
        for code in codes:
            for poly in self.polygons.get(code, []):
                if _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, h) for h in poly[1:]):
                    return code
        return None

    def resolve(self, *, city: str, postcode: str, lon: float, lat: float) -> str | None:
        """INSEE code: by name (postcode breaks ties), else by postcode, else by contour."""
        if city:
            named = self.by_name.get(_norm(_CEDEX_RE.sub("", city)), [])
            if len(named) == 1:
                return named[0]
            both = [c for c in named if c in self.by_postcode.get(postcode, [])]
            if len(both) == 1:
                return both[0]
        candidates = self.by_postcode.get(postcode, [])
        if len(candidates) == 1:
            return candidates[0]
        return self.containing(lon, lat, candidates or list(self.polygons))

    def centre(self, code: str) -> tuple[float, float]:
        ring = max((poly[0] for poly in self.polygons[code]), key=len)
        return (
            sum(p[0] for p in ring) / len(ring),
            sum(p[1] for p in ring) / len(ring),
        )


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _parse_query(query: str) -> tuple[str, str, str]:
    """(housenumber, street, place name) from a free address line, before its postcode."""
    head = query
    match = _POSTCODE_RE.search(query)
    if match:
        head = query[: match.start()]
    head = " ".join(_NOISE_RE.sub(" ", head).split()).strip(" ,-")
    numbered = _STREET_RE.search(head)
    if numbered and numbered.group("street").split()[0].lower() not in ("le", "la", "les"):
        number = numbered.group("num") + (numbered.group("suffix") or "").lower()
        return number, numbered.group("street").strip(" ,"), ""
    street = _STREET_ONLY_RE.search(head)
    if street:
        return "", street.group("street").strip(" ,"), ""
    return "", "", head


READ = ("adresses_nord_geocoder_tester.csv", "adresses_nord_equipements_combined.csv")
SOURCES = (
    "geocoder_tester_nordpasdecalais_test_addresses.csv",
    "geocoder_tester_nordpasdecalais_test_postal_relays_addresses.csv",
    "geocoder_tester_nordpasdecalais_test_public_buildings_addresses.csv",
    "colleges_nord_education_nationale.csv",
    "france_services_nord_20240801.csv",
)


def address_rows(data_dir: Path) -> list[dict[str, str]]:
    """Every address with coordinates, as (query, housenumber, street, postcode, city, lon,
    lat) texts, with an ``id`` naming its file and line."""
    folder = data_dir / "adresses"
    unknown = sorted(p.name for p in folder.glob("*.csv") if p.name not in READ + SOURCES)
    if unknown:
        sys.exit(f"build_index.py: fichiers d'adresses non pris en compte : {', '.join(unknown)}")
    rows: list[dict[str, str]] = []
    with open(folder / READ[0], encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            rows.append({**row, "id": f"tester_{line}"})
    with open(folder / READ[1], encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if not row["lon"] or not row["lat"]:
                continue
            rows.append(
                {
                    "id": f"equipement_{line}",
                    "query": f"{row['adresse']} {row['code_postal']} {row['commune']}",
                    "housenumber": "",
                    "street": "",
                    "postcode": row["code_postal"],
                    "city": row["commune"],
                    "lon": row["lon"],
                    "lat": row["lat"],
                }
            )
    return rows


def documents(data_dir: Path) -> list[dict]:
    communes = Communes(data_dir)
    streets: dict[tuple[str, str, str], dict] = {}
    docs: list[dict] = []
    for row in address_rows(data_dir):
        i = row["id"]
        lon, lat = float(row["lon"]), float(row["lat"])
        postcode = row["postcode"]
        number, street, place = row["housenumber"], row["street"], ""
        if not street:
            number, street, place = _parse_query(row["query"])
        citycode = communes.resolve(city=row["city"], postcode=postcode, lon=lon, lat=lat)
        city = communes.rows[citycode]["nom"] if citycode else _CEDEX_RE.sub("", row["city"])
        base = {"postcode": postcode, "citycode": citycode or "", "city": city}
        base["context"] = "59, Nord, Hauts-de-France"
        if not street:
            docs.append(
                {
                    "id": f"locality_{i}",
                    "type": "locality",
                    "name": _pretty(place) or city,
                    **base,
                    "lon": lon,
                    "lat": lat,
                    "importance": 0.3,
                }
            )
            continue
        name = _pretty(street)
        key = (_norm(name), postcode, citycode or _norm(city))
        doc = streets.get(key)
        if doc is None:
            doc = streets[key] = {
                "id": f"street_{len(streets) + 1}",
                "type": "street",
                "name": name,
                **base,
                "importance": 0.4,
                "housenumbers": {},
                "_points": [],
            }
        doc["_points"].append((lon, lat))
        if number:
            doc["housenumbers"].setdefault(number, {"lon": lon, "lat": lat})
    for doc in streets.values():
        points = doc.pop("_points")
        doc["lon"] = round(sum(p[0] for p in points) / len(points), 6)
        doc["lat"] = round(sum(p[1] for p in points) / len(points), 6)
        if not doc["housenumbers"]:
            del doc["housenumbers"]
        docs.append(doc)
    biggest = max(int(r["population_municipale"] or 0) for r in communes.rows.values())
    for code, row in sorted(communes.rows.items()):
        lon, lat = communes.centre(code)
        population = int(row["population_municipale"] or 0)
        docs.append(
            {
                "id": code,
                "type": "municipality",
                "name": row["nom"],
                "postcode": row["codes_postaux"].replace("|", " ").split()[0],
                "citycode": code,
                "city": row["nom"],
                "context": "59, Nord, Hauts-de-France",
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                # BAN-like: larger towns rank first among homonyms.
                "importance": round(math.log1p(population) / math.log1p(biggest), 4),
            }
        )
    return docs


def main() -> None:
    data_dir, output = Path(sys.argv[1]), Path(sys.argv[2])
    docs = documents(data_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = defaultdict(int)
    for doc in docs:
        kinds[doc["type"]] += 1
    numbers = sum(len(d.get("housenumbers", {})) for d in docs)
    print(f"{output}: {len(docs)} documents {dict(kinds)}, {numbers} house numbers")


if __name__ == "__main__":
    main()
