"""A real OpenID Connect provider for the tests: django-oauth-toolkit (OIDC, RS256, RP-initiated
logout) configured like ProConnect (its scopes and claims, userinfo as a signed JWT), run as a
separate process by `tests.oidc_provider.fixtures.oidc_provider`. Never imported by the app."""
