"""Tiny hand-made official files for the import screen, and a private upload-temp directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# Two squares in Lille and Roubaix (lon/lat, WGS84), with their areas known by hand:
# 0.01° × 0.01° and 0.02° × 0.01° (square degrees).
SQUARES = {
    "QP059901": (
        "Quartier d'essai A",
        "59350",
        [(3.05, 50.62), (3.06, 50.62), (3.06, 50.63), (3.05, 50.63)],
    ),
    "QP059902": (
        "Quartier d'essai B",
        "59512",
        [(3.16, 50.68), (3.18, 50.68), (3.18, 50.69), (3.16, 50.69)],
    ),
}
DISPOSITIFS_CSV = (
    "kind,name,insee_code,qpv_codes,contract_codes,start_date,end_date\n"
    "pre,PRE d'essai de Lille,59350,,,2024-01-01,\n"
    "cite_educative,Cité éducative d'essai,59512,,,,\n"
)
DISPOSITIFS_BAD_CSV = (
    "kind,name,insee_code,qpv_codes,contract_codes,start_date,end_date\n"
    "pre,PRE d'essai de Lille,59350,,,2024-01-01,\n"
    "pre,PRE d'essai ailleurs,99999,,,,\n"
)


def qpv_geojson(squares: dict[str, tuple[str, str, list[tuple[float, float]]]]) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"code_qp": code, "lib_qp": name, "insee_com": commune},
            "geometry": {"type": "Polygon", "coordinates": [[*map(list, ring), list(ring[0])]]},
        }
        for code, (name, commune, ring) in squares.items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, indent=1).encode()


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, "application/octet-stream")


@pytest.fixture(autouse=True)
def upload_temp(settings, tmp_path) -> Path:
    """Each test's own private upload-temp directory (deposits included)."""
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    return settings.UPLOAD_TEMP_DIR
