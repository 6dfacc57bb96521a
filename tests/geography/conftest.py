"""Helpers of the import tests: table counts and copies of the real files, made in the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps


def geography_counts() -> dict[str, int]:
    """Row count of every geography table, many-to-many tables included."""
    counts = {}
    for model in apps.get_app_config("geography").get_models(include_auto_created=True):
        counts[model._meta.db_table] = model.objects.count()
    return counts


@pytest.fixture
def table_counts() -> Callable[[], dict[str, int]]:
    return geography_counts


@pytest.fixture
def nord_geojson(data_dir: Path) -> dict[str, Any]:
    """The real Nord QPV file, parsed (a fresh copy for each test to modify)."""
    return json.loads((data_dir / "qpv" / "qpv2024_nord.geojson").read_text(encoding="utf-8"))


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, Any], Path]:
    def write(name: str, document: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    return write
