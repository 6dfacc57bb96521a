"""Address rows of a chunk: geocode them (through ``ctx.geocode``), locate the positions, and
say in French why a row is uncertain or not geocoded."""

from __future__ import annotations

import numpy as np
from django.conf import settings

from quartiers.georef.batch.results import (
    STATUS_IN,
    STATUS_NOT_GEOCODED,
    STATUS_OUT,
    STATUS_UNCERTAIN,
    Located,
    positions_locate,
)
from quartiers.georef.contours import WGS84


def addresses_locate(
    records: list[tuple[int, list[str]]],
    ctx,
    errors: list,
    labels: list[str],
    notes: list[str],
) -> Located:
    from quartiers.georef.geocoder import AddressQuery

    columns = ctx.mapping.columns

    def cell(fields: list[str], role: str) -> str:
        i = columns.get(role)
        return fields[i].strip() if i is not None and i < len(fields) else ""

    queries = []
    asked = []
    for i, (line, fields) in enumerate(records):
        postcode = cell(fields, "postcode")
        if postcode.isdigit() and len(postcode) == 4:
            postcode = "0" + postcode  # a spreadsheet dropped the leading zero
        insee = cell(fields, "insee")
        if ctx.mapping.mode == "address":
            text = cell(fields, "address")
        else:
            parts = ("number", "street", "postcode", "city")
            text = " ".join(p for p in (cell(fields, r) for r in parts) if p)
        if ctx.mapping.mode == "address" and not text:
            errors[i] = f"ligne {line} : adresse vide"
            continue
        if ctx.mapping.mode == "fields" and not cell(fields, "street"):
            name = ctx.header[columns["street"]]
            errors[i] = f"ligne {line}, colonne « {name} » : voie absente, adresse non géocodée"
            continue
        queries.append(AddressQuery(text=text, postcode=postcode, citycode=insee))
        asked.append(i)
    n = len(records)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    score = np.full(n, np.nan)
    match_type = np.full(n, None, dtype=object)
    score_next = np.full(n, np.nan)
    if queries:
        if ctx.geocode is None:
            raise RuntimeError("geocoder missing for an address file")
        for i, result in zip(asked, ctx.geocode(queries), strict=True):
            if result.found:
                lon[i], lat[i] = result.lon, result.lat
                score[i] = result.score if result.score is not None else np.nan
                match_type[i] = result.type
                labels[i] = result.label or ""
                if result.score_next is not None:
                    score_next[i] = result.score_next
    located = positions_locate(
        x=lon, y=lat, crs=WGS84, generation=ctx.generation, distances=ctx.distances,
        score=score, match_type=match_type,
    )  # fmt: skip
    gap = float(settings.GEOREF_SECOND_CANDIDATE_GAP)
    close = (score - score_next) < gap  # NaN (no second candidate) compares False
    located.status[close & np.isin(located.status, (STATUS_IN, STATUS_OUT))] = STATUS_UNCERTAIN
    not_found = ~np.isfinite(lon)
    located.status[not_found] = STATUS_NOT_GEOCODED
    for i in np.flatnonzero(not_found).tolist():
        if errors[i] is None:
            notes[i] = "adresse non trouvée par le géocodeur"
    for i in np.flatnonzero(located.status == STATUS_UNCERTAIN).tolist():
        notes[i] = _doubts(
            float(score[i]), match_type[i], float(score_next[i]), float(located.distance[i])
        )
    return located


_TYPE_LEVELS = {"street": "la voie", "locality": "le lieu-dit", "municipality": "la commune"}


def _doubts(score: float, match_type: str | None, score_next: float, distance: float) -> str:
    """Why a geocoded row is uncertain, in French."""
    minimum = float(settings.GEOREF_MIN_SCORE)
    tolerance = float(settings.GEOREF_BOUNDARY_TOLERANCE_M)
    reasons = []
    if not score >= minimum:
        reasons.append(f"score de géocodage faible ({_decimal(score)} < {_decimal(minimum)})")
    if match_type in _TYPE_LEVELS:
        reasons.append(f"adresse trouvée seulement au niveau de {_TYPE_LEVELS[match_type]}")
    if score - score_next < float(settings.GEOREF_SECOND_CANDIDATE_GAP):
        reasons.append(
            f"deuxième candidat proche (score {_decimal(score_next)} contre {_decimal(score)})"
        )
    if distance <= tolerance:
        reasons.append(f"à moins de {tolerance:g} m d'une limite de QPV".replace(".", ","))
    return " ; ".join(reasons) + " : à vérifier" if reasons else ""


def _decimal(value: float) -> str:
    return "?" if value != value else f"{value:.2f}".replace(".", ",")
