"""Tiny hand-made official files for the import screen, and a private upload-temp directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quartiers.core.audit import AuditEntry
from quartiers.geography.models import QPV, ImportRun
from quartiers.programmes.models import Dispositif

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


# SIG Ville layout (ANCT), two QPV of the Nord, two indicators: 2 × 2 = 4 values; the empty
# cell is a value withheld by statistical secrecy (stored as suppressed).
SIGVILLE_CSV = (
    "COG,lib_com,codeQPV,lib_qp,popMuniQPV,taux_pauvrete_60%\n"
    "59028,Auby,QN05901M,Auby Centre,1370,33.0\n"
    "59028,Auby,QN05902M,Asturies,2100,\n"
)

# A référentiel of one département outside the Nord (Mayotte, COG codes), three files.
REFERENTIAL_FILES = {
    "departements": '[{"code": "976", "nom": "Mayotte", "region": "06"}]',
    "epcis": '[{"code": "200060457", "nom": "CC de Petite-Terre", "type": "CC", '
    '"populationMunicipale": 29000}]',
    "communes": (
        "code_insee,nom,arrondissement,codes_postaux,population_municipale,siren_epci\n"
        "97608,Dzaoudzi,,97615,17000,200060457\n"
        "97615,Pamandzi,,97615|97660,12000,200060457\n"
    ),
}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview_post(client: Client, kind: str, data: dict):
    return client.post(reverse("imports:preview", args=[kind]), data)


def db_state() -> tuple:
    """What an import screen's write may change: provenance rows, QPV 2015, dispositifs, audit."""
    return (
        ImportRun.objects.count(),
        QPV.objects.filter(generation=2015).count(),
        Dispositif.objects.count(),
        AuditEntry.objects.count(),
    )
