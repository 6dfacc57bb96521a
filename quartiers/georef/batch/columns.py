"""Which input columns hold the position: detected from French/English headers, overridable.

Modes, in order of preference when several are present: ``lonlat`` (WGS84), ``xy``
(Lambert-93, EPSG:2154), ``address`` (one full address line, optionally with postcode / INSEE
code columns as filters) and ``fields`` (number, street, postcode, city, INSEE code).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from quartiers.georef.batch.errors import BatchInputError

Mode = Literal["lonlat", "xy", "address", "fields"]
ROLES = ("lon", "lat", "x", "y", "address", "number", "street", "postcode", "city", "insee")
ROLE_LABELS = {
    "lon": "longitude",
    "lat": "latitude",
    "x": "X Lambert-93",
    "y": "Y Lambert-93",
    "address": "adresse complète",
    "number": "numéro",
    "street": "voie",
    "postcode": "code postal",
    "city": "commune",
    "insee": "code INSEE",
}

# Normalised header (lower case, no accents, letters and digits only) → role.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "lon": ("lon", "lng", "long", "longitude", "xwgs84", "lonwgs84", "longitudewgs84"),
    "lat": ("lat", "latitude", "ywgs84", "latwgs84", "latitudewgs84"),
    "x": ("x", "xl93", "xlambert93", "lambertx", "coordx", "coordonneex", "x2154", "xlambert"),
    "y": ("y", "yl93", "ylambert93", "lamberty", "coordy", "coordonneey", "y2154", "ylambert"),
    "address": (
        "adresse",
        "address",
        "adressecomplete",
        "fulladdress",
        "libelleadresse",
        "adressepostale",
        "q",
        "query",
    ),
    "number": ("numero", "num", "no", "n", "housenumber", "numerovoie", "number", "numvoie"),
    "street": (
        "rue",
        "voie",
        "street",
        "nomvoie",
        "libellevoie",
        "streetname",
        "nomrue",
        "adresseligne",
        "lignevoie",
    ),
    "postcode": ("codepostal", "cp", "postcode", "zip", "zipcode", "postalcode", "cpostal"),
    "city": ("commune", "ville", "city", "nomcommune", "localite", "town", "libellecommune"),
    "insee": (
        "codeinsee",
        "insee",
        "citycode",
        "codecommune",
        "cog",
        "inseecode",
        "depcom",
        "codgeo",
    ),
}


def header_normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


@dataclass(frozen=True)
class ColumnMapping:
    """Column indices (0-based) of each role used; ``mode`` says which ones matter."""

    mode: Mode
    columns: dict[str, int] = field(default_factory=dict)

    def describe(self, header: list[str]) -> str:
        parts = [f"{ROLE_LABELS[role]} = « {header[i]} »" for role, i in self.columns.items()]
        return ", ".join(parts)

    def as_options(self, header: list[str]) -> dict[str, str]:
        return {role: header[i] for role, i in self.columns.items()}


def columns_parse(*, text: str) -> dict[str, str]:
    """``"lon=Longitude,lat=Latitude"`` (CLI) → {"lon": "Longitude", "lat": "Latitude"}."""
    result: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, sep, name = part.partition("=")
        role = role.strip().lower()
        if not sep or role not in ROLES:
            raise BatchInputError(
                f"option de colonnes « {part} » invalide : attendu rôle=nom de colonne, rôles "
                f"possibles : {', '.join(ROLES)}."
            )
        result[role] = name.strip()
    return result


def columns_detect(*, header: list[str], overrides: dict[str, str] | None = None) -> ColumnMapping:
    """The mapping for ``header``; ``overrides`` (role → header name or 1-based number) win."""
    found: dict[str, int] = {}
    normalised = [header_normalise(name) for name in header]
    for role, names in SYNONYMS.items():
        for index, name in enumerate(normalised):
            if name in names and index not in found.values():
                found[role] = index
                break
    for role, name in (overrides or {}).items():
        found[role] = _column_index(header, name, role)
    mode = _mode(found, forced=set(overrides or {}))
    if mode is None:
        raise BatchInputError(
            "aucune colonne utilisable : il faut une adresse complète, ou numéro/voie/code "
            "postal/commune, ou longitude/latitude, ou X/Y Lambert-93. Colonnes lues : "
            + ", ".join(f"« {name} »" for name in header)
            + ". Indiquez les colonnes à utiliser.",
            line=1,
        )
    used = {
        "lonlat": ("lon", "lat"),
        "xy": ("x", "y"),
        "address": ("address", "postcode", "insee"),
        "fields": ("number", "street", "postcode", "city", "insee"),
    }[mode]
    return ColumnMapping(mode=mode, columns={r: found[r] for r in used if r in found})


def _column_index(header: list[str], name: str, role: str) -> int:
    if name in header:
        return header.index(name)
    lowered = [h.lower() for h in header]
    if name.lower() in lowered:
        return lowered.index(name.lower())
    if name.isdigit() and 1 <= int(name) <= len(header):
        return int(name) - 1
    raise BatchInputError(
        f"la colonne « {name} » demandée pour « {ROLE_LABELS[role]} » n'existe pas (colonnes : "
        + ", ".join(f"« {h} »" for h in header)
        + ").",
        line=1,
    )


def _mode(found: dict[str, int], *, forced: set[str]) -> Mode | None:
    candidates: list[tuple[Mode, bool]] = [
        ("lonlat", {"lon", "lat"} <= found.keys()),
        ("xy", {"x", "y"} <= found.keys()),
        ("address", "address" in found),
        ("fields", "street" in found and ({"postcode", "city", "insee"} & found.keys()) != set()),
    ]
    # An explicit override chooses its mode even when another one is also detected.
    for mode, ok in candidates:
        if (
            ok
            and forced
            & {
                "lonlat": {"lon", "lat"},
                "xy": {"x", "y"},
                "address": {"address"},
                "fields": {"number", "street", "city"},
            }[mode]
        ):
            return mode
    for mode, ok in candidates:
        if ok:
            return mode
    return None
