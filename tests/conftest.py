"""Shared fixtures: the real data directory and persona users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from quartiers.core.models import Role, User


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real public data (../shared/data by default, QUARTIERS_DATA_DIR to move it)."""
    path = Path(settings.DATA_DIR)
    if not (path / "qpv" / "qpv2024_nord.geojson").exists():
        pytest.fail(f"Données réelles introuvables dans {path} (variable QUARTIERS_DATA_DIR).")
    return path


def _user(username: str, role: str, **extra: object) -> User:
    return User.objects.create_user(
        username=username, password="mot-de-passe-de-test", role=role, **extra
    )


@pytest.fixture
def prefecture_agent(db) -> User:
    return _user("agent", Role.AGENT, first_name="Camille", last_name="Agent")


@pytest.fixture
def prefecture_admin(db) -> User:
    return _user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def prefect_delegate(db) -> User:
    return _user("delegue", Role.DELEGATE, first_name="Dominique", last_name="Délégué")


@pytest.fixture
def partner(db) -> User:
    return _user("partenaire", Role.PARTNER, organisation="France Travail")


@pytest.fixture
def association_user(db) -> User:
    return _user("association", Role.ASSOCIATION, organisation="Association de test")
