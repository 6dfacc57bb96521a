"""Fixtures of the core tests: the test OpenID Connect provider (tests/oidc_provider)."""

from tests.oidc_provider.fixtures import oidc_provider  # noqa: F401  (fixture)
