"""Shared fixtures: the real data directory and persona users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from quartiers.core.models import Role, User

# Headless Chromium fixtures (one Playwright session for the whole run), for every app's tests.
pytest_plugins = ["tests.browser.fixtures"]

# The shared stores (login throttling, data version of the cached public pages, API rate-limit
# counters, the report's PDF) stay inside this test process: the shared file stores under
# var/cache, or Redis in CI, would mix concurrent test runs and the pytest-xdist workers of one
# run. Set before any test opens those caches.
for _name in ("login", "page_versions", "api_throttle", "report_pdf"):
    settings.CACHES[_name] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"{_name}-tests",
    }


@pytest.fixture(scope="session", autouse=True)
def _georef_index_cache(tmp_path_factory) -> None:
    """Spatial indexes cached on disk in this test run's own folder, not the developer's var/."""
    settings.GEOREF_INDEX_CACHE_DIR = tmp_path_factory.mktemp("georef-index")


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings():
    """Two costs that production pays once per process, and the suite once per test client:

    * WhiteNoise lists and stats every static file (DSFR: ~1,800) when its middleware is built,
      i.e. for every new test client (0.4 s each): in autorefresh mode it looks a file up when
      it is requested instead (what it does under DEBUG);
    * Django's PBKDF2 costs ~0.3 s per hash on 2 cores, and the suite creates and logs in
      thousands of users: MD5 first, as Django's documentation advises for tests (hashing is
      not what they test). Subprocesses started by tests keep the production settings.
    """
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    previous = (settings.PASSWORD_HASHERS, getattr(settings, "WHITENOISE_AUTOREFRESH", None))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *previous[0]]
    settings.WHITENOISE_AUTOREFRESH = True
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = previous[0]
    if previous[1] is None:
        del settings.WHITENOISE_AUTOREFRESH
    else:
        settings.WHITENOISE_AUTOREFRESH = previous[1]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


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


# --- The Nord geography, imported once for the whole session (IMPORTERS helper) -------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test sees the real Nord (94 QPV, 648 communes…) without re-importing it.

    Tests run inside a transaction rolled back at the end, so this baseline stays as it is;
    tests that count rows must compare with it ("before/after"), not with zero.
    """
    from quartiers.geography.importers import import_nord_demo

    with django_db_blocker.unblock():
        import_nord_demo(data_dir=Path(settings.DATA_DIR), apply=True)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test (live_server…) flushes the database when its fixtures are torn
    down: the Nord is imported again right after, for whatever test comes next. pytest-django
    runs transactional tests last, but under pytest-xdist (``make test``) a worker runs the tests
    in the order it is given them, so a plain database test may follow one."""
    yield
    if nextitem is None or not _transactional(item):
        return
    from pytest_django.plugin import blocking_manager_key

    from quartiers.geography.importers import import_nord_demo
    from quartiers.geography.models import QPV

    with item.config.stash[blocking_manager_key].unblock():
        if not QPV.objects.exists():
            import_nord_demo(data_dir=Path(settings.DATA_DIR), apply=True)


@pytest.fixture(autouse=True)
def _api_rate_counters_reset():
    """Each test starts with fresh API rate-limit counters, an empty default cache and no cached
    public page."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()
    caches["page_versions"].clear()
    caches["api_throttle"].clear()
    caches["report_pdf"].clear()
    yield
