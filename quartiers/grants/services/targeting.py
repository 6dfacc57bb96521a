"""QPV targeting measured: the share of an action's beneficiaries living in a QPV.

The beneficiaries' file (CSV with lon/lat columns) is read, located by the georef engine,
reduced to aggregates stored on the application, and DELETED — also when it is refused.
Addresses without coordinates will go through the geocoder (GEOCODER helper) — see
`addresses_to_points`, the hook.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from quartiers.core.audit import AuditAction, audit_record
from quartiers.georef.engine import STATUS_INVALID, STATUS_UNCERTAIN
from quartiers.georef.loader import points_locate
from quartiers.grants.models import Application
from quartiers.grants.services.errors import GrantRefused

MAX_ROWS = 200_000
LON_NAMES = ("lon", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return next((lowered.index(n) for n in names if n in lowered), None)


def addresses_to_points(
    *, header: list[str], rows: list[list[str]], name: str
) -> tuple[np.ndarray, np.ndarray]:
    """HOOK for the geocoder: a file of postal addresses without lon/lat. Until the geocoder
    client lands (quartiers.georef.geocoder), such a file is refused with a French message."""
    raise GrantRefused(
        f"{name} : colonnes « lon » et « lat » introuvables. Le géocodage des adresses postales "
        "arrive avec le géocodeur ; en attendant, fournissez un fichier avec les colonnes lon et "
        "lat (WGS84)."
    )


def _read_points(path: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GrantRefused(f"{name} : le fichier doit être un CSV encodé en UTF-8.") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise GrantRefused(f"{name} : fichier vide.")
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if len(rows) > MAX_ROWS:
        raise GrantRefused(f"{name} : {len(rows)} lignes, {MAX_ROWS} au plus.")
    lon_col, lat_col = _column(header, LON_NAMES), _column(header, LAT_NAMES)
    if lon_col is None or lat_col is None:
        return addresses_to_points(header=header, rows=rows, name=name)

    def number(row: list[str], col: int) -> float:
        try:
            return (
                float(row[col].replace(",", ".")) if col < len(row) and row[col].strip() else np.nan
            )
        except ValueError:
            return np.nan

    lon = np.array([number(row, lon_col) for row in rows], dtype=np.float64)
    lat = np.array([number(row, lat_col) for row in rows], dtype=np.float64)
    return lon, lat


def beneficiaries_measure(
    *,
    application: Application,
    path: Path,
    user: Any,
    name: str = "",
    generation: int | None = None,
) -> Application:
    """Measure the share of beneficiaries in a QPV; the file at `path` is always deleted."""
    path = Path(path)
    name = name or path.name
    try:
        lon, lat = _read_points(path, name)
        if not len(lon):
            raise GrantRefused(f"{name} : aucune ligne de bénéficiaire.")
        result = points_locate(lon=lon, lat=lat, generation=generation, distances="band")
    finally:
        path.unlink(missing_ok=True)
    valid = result.status != STATUS_INVALID
    inside = result.primary >= 0
    codes = result.primary_codes()[inside]
    by_qpv = dict(sorted(Counter(str(c) for c in codes).items(), key=lambda kv: (-kv[1], kv[0])))
    with transaction.atomic():
        application.beneficiaries_total = int(valid.sum())
        application.beneficiaries_in_qpv = int(inside.sum())
        application.beneficiaries_uncertain = int((result.status == STATUS_UNCERTAIN).sum())
        application.beneficiaries_invalid = int((~valid).sum())
        application.beneficiaries_by_qpv = by_qpv
        application.targeting_generation = result.generation
        application.targeting_measured_at = timezone.now()
        application.save()
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "targeting": {
                    "label": "ciblage QPV mesuré",
                    "before": None,
                    "after": (
                        f"{application.beneficiaries_in_qpv} / "
                        f"{application.beneficiaries_total} en QPV"
                    ),
                }
            },
            note=f"Fichier {name} analysé puis supprimé (seuls les totaux sont conservés).",
        )
    return application
