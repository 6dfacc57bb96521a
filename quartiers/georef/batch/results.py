"""Positions → result columns: checks (swapped, outside France), the engine, cell formatting.

Shared by the fast path (compiled) and the generic path (Python): both must write the very
same bytes for the same row, so number formatting here mirrors the compiled ``put_fixed``
(native/lines.c).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from quartiers.georef.contours import LAMBERT93
from quartiers.georef.distances import lonlat_from_lambert93
from quartiers.georef.engine import (
    STATUS_IN,
    STATUS_INVALID,
    STATUS_OUT,
    STATUS_UNCERTAIN,
    Distances,
    status_with_geocoding,
)
from quartiers.georef.loader import index_get, points_locate

STATUS_NOT_GEOCODED = 4
STATUS_OUTSIDE = 5
STATUS_KEYS = {
    STATUS_OUT: "out",
    STATUS_IN: "in",
    STATUS_UNCERTAIN: "uncertain",
    STATUS_INVALID: "invalid",
    STATUS_NOT_GEOCODED: "not_geocoded",
    STATUS_OUTSIDE: "outside",
}
STATUS_TEXT = {
    STATUS_OUT: "hors QPV",
    STATUS_IN: "en QPV",
    STATUS_UNCERTAIN: "incertain",
    STATUS_INVALID: "invalide",
    STATUS_NOT_GEOCODED: "non géocodée",
    STATUS_OUTSIDE: "hors zone",
}
RESULT_COLUMNS = (
    "qpv_code",
    "qpv_name",
    "status",
    "score",
    "distance_m",
    "geocoded_label",
    "lon",
    "lat",
    "generation",
    "remark",
)
# The names a user reads (the default); RESULT_COLUMNS stay available (column_names="machine").
RESULT_COLUMNS_FR = (
    "code_qpv",
    "nom_qpv",
    "statut",
    "score_geocodage",
    "distance_limite_qpv_m",
    "adresse_trouvee",
    "longitude_wgs84",
    "latitude_wgs84",
    "geographie_prioritaire",
    "remarque",
)
_MEANINGS = (
    "code du QPV qui contient la position (le plus profond s'il y en a plusieurs), vide sinon",
    "nom de ce QPV",
    "en QPV, hors QPV, incertain (à vérifier : voir la remarque), non géocodée, invalide "
    "(valeur illisible : voir la remarque) ou hors zone (hors de France ou du territoire "
    "couvert)",
    "score du géocodeur, de 0 à 1 (adresses seulement)",
    "distance en mètres à la limite de QPV la plus proche, que la position soit dedans ou "
    "dehors (Lambert-93), pour toute ligne localisée",
    "adresse trouvée par le géocodeur (adresses seulement)",
    "longitude WGS84 de la position retenue",
    "latitude WGS84 de la position retenue",
    "géographie prioritaire utilisée (2024…)",
    "pourquoi la ligne n'est pas simplement en ou hors QPV : incertitude (limite proche, score "
    "faible, deuxième candidat proche, adresse trouvée à la voie ou à la commune), adresse non "
    "trouvée, valeur invalide (ligne, colonne et valeur), champs en trop",
)


def result_columns_doc() -> list[tuple[str, str, str]]:
    """(French name, machine name, meaning) of each result column, for the pages."""
    return list(zip(RESULT_COLUMNS_FR, RESULT_COLUMNS, _MEANINGS, strict=True))


# Remarks shared by many rows (the fast path writes them from a table); row-specific ones
# (errors naming line and column, geocoding doubts) go through the generic path.
REMARK_NONE = 0
REMARK_SWAPPED = 1
REMARK_OUTSIDE = 2
REMARK_NEAR = 3
REMARK_SWAPPED_NEAR = 4
REMARK_OUT_OF_ZONE = 5
_SWAPPED_TEXT = "longitude et latitude inversées dans le fichier : position corrigée"


def remark_texts(*, tolerance_m: float, zone: str = "") -> tuple[str, ...]:
    """The shared remarks, by REMARK_* index."""
    near = f"à moins de {tolerance_m:g} m d'une limite de QPV : à vérifier sur la carte".replace(
        ".", ","
    )
    where = f" (départements : {zone})" if zone else ""
    return (
        "",
        _SWAPPED_TEXT,
        "position hors de France",
        near,
        f"{_SWAPPED_TEXT} ; {near}",
        f"position hors du territoire couvert{where}",
    )


REMARKS = remark_texts(tolerance_m=10.0)

# Bounding boxes (lon min, lon max, lat min, lat max) of France: metropolitan France and
# Corsica, then the overseas territories (Antilles, Guyane, Réunion, Mayotte, Saint-Pierre-et-
# Miquelon, Polynésie, Nouvelle-Calédonie, Wallis-et-Futuna).
FRANCE_BOXES = np.array(
    [
        (-5.8, 10.0, 41.0, 51.6),
        (-63.2, -60.7, 14.3, 18.2),
        (-54.7, -51.5, 2.1, 5.8),
        (55.1, 56.0, -21.5, -20.8),
        (44.9, 45.4, -13.1, -12.5),
        (-56.5, -56.0, 46.7, 47.2),
        (-155.0, -134.0, -28.0, -7.0),
        (163.5, 168.5, -23.0, -19.5),
        (-178.3, -176.0, -14.5, -13.0),
    ]
)
# Lambert-93 covers metropolitan France and Corsica (metres).
LAMBERT93_BOX = (50_000.0, 1_300_000.0, 6_000_000.0, 7_150_000.0)

# The same prefixes as quartiers.shared.exports.FORMULA_PREFIXES (a test checks it), not
# imported from there: that module loads openpyxl, which a CSV job does not need.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_SIGNED = re.compile(r"[+-][0-9.,]*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass
class Located:
    """Per-row answers of a chunk (arrays of the chunk's length)."""

    primary: np.ndarray  # int32, index in codes or -1
    status: np.ndarray  # int8, STATUS_*
    distance: np.ndarray  # float64, NaN: unknown / farther than the band
    lon: np.ndarray  # float64 WGS84 of the located position, NaN when not located
    lat: np.ndarray
    remark: np.ndarray  # int8 index in REMARKS
    score: np.ndarray  # float64, NaN without geocoding


def in_boxes(lon: np.ndarray, lat: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    x0, x1, y0, y1 = boxes[0]
    inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    rest = np.flatnonzero(~inside)  # usually few: test the other boxes on those only
    if len(rest) and len(boxes) > 1:
        inside[rest] = in_boxes(lon[rest], lat[rest], boxes[1:])
    return inside


def _all_in(x: np.ndarray, y: np.ndarray) -> bool:
    """Every (x, y) finite and inside the first box (metropolitan France); NaN fails."""
    x0, x1, y0, y1 = FRANCE_BOXES[0]
    return bool(x.min() >= x0 and x.max() <= x1 and y.min() >= y0 and y.max() <= y1)


_constants: dict[tuple, np.ndarray] = {}


def _constant(n: int, value: float, dtype: type) -> np.ndarray:
    """A read-only array of n times ``value``, shared (one allocation for every block)."""
    key = (value if value == value else "nan", np.dtype(dtype).str)
    array = _constants.get(key)
    if array is None or len(array) < n:
        array = np.full(max(n, 1 << 20), value, dtype=dtype)
        array.flags.writeable = False
        _constants[key] = array
    return array[:n]


def number_parse(text: str) -> float | None:
    """The generic path's number parser (same acceptance as the compiled one, plus spaces and
    exponents); None when the text is not a number."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", "."))


def positions_locate(
    *,
    x: np.ndarray,
    y: np.ndarray,
    crs: str,
    generation: int | None,
    distances: Distances,
    score: np.ndarray | None = None,
    match_type: np.ndarray | None = None,
) -> Located:
    """Check and locate positions (NaN: no position, already reported by the caller). The
    result's lon/lat may be ``x``/``y`` themselves."""
    n = len(x)
    if n and crs != LAMBERT93 and score is None and match_type is None and _all_in(x, y):
        # The usual file: every position valid and in metropolitan France, nothing swapped;
        # no copy to make (same answers as below).
        result = points_locate(lon=x, lat=y, generation=generation, distances=distances)
        remark = np.where(result.status == STATUS_UNCERTAIN, REMARK_NEAR, REMARK_NONE)
        located = Located(
            result.primary, result.status, result.distance_m, x, y, remark.astype(np.int8),
            _constant(n, np.nan, np.float64),
        )  # fmt: skip
        return _out_of_zone(located, copy=True)
    x = np.asarray(x, dtype=np.float64).copy()
    y = np.asarray(y, dtype=np.float64).copy()
    remark = np.zeros(n, dtype=np.int8)
    valid = np.isfinite(x) & np.isfinite(y)
    boxes = np.array([LAMBERT93_BOX]) if crs == LAMBERT93 else FRANCE_BOXES
    inside = in_boxes(x, y, boxes)
    swapped = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(valid & ~inside)
    swapped[candidates] = in_boxes(y[candidates], x[candidates], boxes)
    x[swapped], y[swapped] = y[swapped], x[swapped]
    remark[swapped] = REMARK_SWAPPED
    inside |= swapped
    outside = valid & ~inside
    remark[outside] = REMARK_OUTSIDE
    if crs == LAMBERT93:
        lon, lat = lonlat_from_lambert93(x, y)
    else:
        lon, lat = x, y
    status = np.full(n, STATUS_INVALID, dtype=np.int8)
    status[outside] = STATUS_OUTSIDE
    primary = np.full(n, -1, dtype=np.int32)
    distance = np.full(n, np.nan)
    todo = np.flatnonzero(valid & inside)
    if len(todo):
        # Located on the file's own coordinates (Lambert-93 ones measure their distances on
        # themselves), with the lon/lat computed above.
        lonlat = (lon[todo], lat[todo]) if crs == LAMBERT93 else None
        result = points_locate(
            lon=x[todo], lat=y[todo], crs=crs, lonlat=lonlat, generation=generation,
            distances=distances,
        )  # fmt: skip
        primary[todo] = result.primary
        status[todo] = result.status
        distance[todo] = result.distance_m
    score = np.full(n, np.nan) if score is None else np.asarray(score, dtype=np.float64)
    if match_type is not None:
        status = status_with_geocoding(
            status=status,
            score=score,
            match_type=match_type,
            min_score=float(settings.GEOREF_MIN_SCORE),
        )
    near = status == STATUS_UNCERTAIN
    if match_type is None:  # geocoded rows say their own doubts (chunks.py)
        remark[near & (remark == REMARK_NONE)] = REMARK_NEAR
        remark[near & (remark == REMARK_SWAPPED)] = REMARK_SWAPPED_NEAR
    located = np.isin(status, (STATUS_IN, STATUS_OUT, STATUS_UNCERTAIN))
    lon = np.where(located, lon, np.nan)
    lat = np.where(located, lat, np.nan)
    return _out_of_zone(Located(primary, status, distance, lon, lat, remark, score), copy=False)


def _out_of_zone(located: Located, *, copy: bool) -> Located:
    """Rows « hors QPV » outside the registry's territory become « hors zone » (no distance,
    no position): the QPV of that place are simply not known here."""
    from quartiers.georef.batch.zone import zone_get

    zone = zone_get()
    out = np.flatnonzero(located.status == STATUS_OUT)
    if zone is None or not len(out):
        return located
    away = out[~zone.contains(located.lon[out], located.lat[out])]
    if not len(away):
        return located
    if copy:
        located = Located(
            located.primary, located.status.copy(), located.distance.copy(), located.lon.copy(),
            located.lat.copy(), located.remark, located.score,
        )  # fmt: skip
    located.status[away] = STATUS_OUTSIDE
    located.remark[away] = REMARK_OUT_OF_ZONE
    located.distance[away] = np.nan
    located.lon[away] = np.nan
    located.lat[away] = np.nan
    return located


def qpv_names(*, generation: int | None) -> tuple[np.ndarray, dict[str, str]]:
    """The codes of the generation's index (positions used by ``primary``) and their names."""
    from quartiers.geography.models import QPV

    index = index_get(generation=generation)
    names = dict(QPV.objects.of_generation(index.generation).values_list("code", "name").iterator())
    return index.codes, names


# --- cells ----------------------------------------------------------------------------------


def cell_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP "CSV injection") with a
    leading apostrophe; a plain signed number ("-3.25", "+33") is left as it is."""
    if value.startswith(FORMULA_PREFIXES) and not _PLAIN_SIGNED.fullmatch(value):
        return "'" + value
    return value


def cell_csv(value: str) -> str:
    """One CSV cell for the `;` output: quoted when it holds `;`, a quote or a line end."""
    if any(c in value for c in ';"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def fixed(value: float, decimals: int) -> str:
    """Same rounding and text as put_fixed (native/lines.c): half-even on value * 10**decimals,
    decimal comma."""
    if value != value:  # NaN
        return ""
    scale = 10.0**decimals
    n = int(np.rint(value * scale))
    sign = "-" if n < 0 else ""
    n = abs(n)
    unit = int(scale)
    whole, frac = divmod(n, unit)
    return f"{sign}{whole},{frac:0{decimals}d}" if decimals else f"{sign}{whole}"


def result_cells(
    located: Located,
    i: int,
    *,
    codes: np.ndarray,
    names: dict[str, str],
    generation: int,
    label: str = "",
    remark: str | None = None,
    remarks: tuple[str, ...] = REMARKS,
) -> list[str]:
    p = int(located.primary[i])
    code = str(codes[p]) if p >= 0 else ""
    return [
        code,
        names.get(code, ""),
        STATUS_TEXT[int(located.status[i])],
        fixed(float(located.score[i]), 2),
        fixed(float(located.distance[i]), 1),
        label,
        fixed(float(located.lon[i]), 6),
        fixed(float(located.lat[i]), 6),
        str(generation),
        remarks[int(located.remark[i])] if remark is None else remark,
    ]


def row_bytes(fields: list[str], results: list[str]) -> bytes:
    """One output record (input cells neutralised, then results), `;`, CRLF, UTF-8."""
    cells = [cell_csv(cell_safe(v)) for v in fields]
    cells += [cell_csv(cell_safe(v)) for v in results]
    return (";".join(cells) + "\r\n").encode("utf-8")
