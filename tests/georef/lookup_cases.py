"""Real Nord points and addresses for the lookup pages and API tests, picked with the engine
(never hard-coded answers)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import shapely

from quartiers.geography.models import QPV
from quartiers.georef.engine import STATUS_IN, STATUS_OUT
from quartiers.georef.loader import points_locate


def point_inside(code: str, generation: int = 2024) -> tuple[float, float]:
    """A point well inside the contour of QPV ``code`` (its representative point)."""
    qpv = QPV.objects.get(code=code, generation=generation)
    point = shapely.from_wkb(bytes(qpv.contour_wkb)).representative_point()
    return point.x, point.y


def addresses_in_qpv(data_dir: Path, *, count: int = 3, min_depth_m: float = 40.0) -> list[dict]:
    """Indexed addresses of the shared file whose reference position lies in a QPV, farther
    than ``min_depth_m`` from any boundary: {"q", "lon", "lat", "code"}."""
    path = data_dir / "adresses" / "adresses_nord_geocoder_tester.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["housenumber"] and r["street"]]
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    result = points_locate(lon=lon, lat=lat)
    codes = result.primary_codes()
    found = []
    for i in np.flatnonzero((result.status == STATUS_IN) & (result.distance_m > min_depth_m)):
        r = rows[i]
        city = r["city"] or ""
        found.append(
            {
                "q": " ".join(f"{r['housenumber']} {r['street']} {r['postcode']} {city}".split()),
                "lon": lon[i],
                "lat": lat[i],
                "code": str(codes[i]),
            }
        )
        if len(found) == count:
            break
    return found


def point_out_of_every_qpv() -> tuple[float, float]:
    """A Nord point the engine says is out of every QPV, more than 500 m away."""
    rng = np.random.default_rng(7)
    lon = rng.uniform(2.5, 4.0, 2_000)
    lat = rng.uniform(50.2, 51.0, 2_000)
    result = points_locate(lon=lon, lat=lat)
    i = int(np.flatnonzero((result.status == STATUS_OUT) & (result.distance_m > 500))[0])
    return float(lon[i]), float(lat[i])
