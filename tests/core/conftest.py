"""Fixtures of the core tests: the test OpenID Connect provider (tests/oidc_provider), the app
configured for it, and a browser at the provider."""

from collections.abc import Iterator

import pytest

from quartiers.core.oidc.client import oidc_cache_clear
from tests.oidc_provider import fixtures as provider_fixtures
from tests.oidc_provider.fixtures import ProviderBrowser

oidc_provider = provider_fixtures.oidc_provider  # the session fixture, for the core tests


@pytest.fixture
def proconnect(settings, oidc_provider):
    """The app configured for the test provider's ProConnect-like client, with login counters
    in a memory cache of this process (never the shared file cache)."""
    settings.CACHES = {
        **settings.CACHES,
        "login": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import caches

    caches["login"].clear()
    for name, value in oidc_provider.app_settings().items():
        setattr(settings, name, value)
    oidc_cache_clear()
    yield oidc_provider
    caches["login"].clear()
    oidc_cache_clear()


@pytest.fixture
def agent_browser(oidc_provider) -> Iterator[ProviderBrowser]:
    browser = ProviderBrowser(oidc_provider)
    yield browser
    browser.close()
