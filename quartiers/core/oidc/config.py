"""OpenID Connect settings, read from django.conf.settings at each use (tests override them).

ProConnect is configured when OIDC_CLIENT_ID and OIDC_ISSUER are set; otherwise the login page
shows only the local form. Variables: config/settings.py, .env.example, docs/auth.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

PROVISIONING_MODES = ("refuse", "create")
TOKEN_AUTH_METHODS = ("client_secret_post", "client_secret_basic")
# Asymmetric algorithms only: the keys come from the provider's JWKS (ProConnect: RS256 or ES256).
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
# ProConnect's scopes: each claim is a scope of its own (doc « données fournies »).
PROCONNECT_SCOPES = "openid given_name usual_name email uid siret idp_id"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    discovery_url: str
    # Explicit endpoints win over the discovery document; with authorization, token and JWKS
    # endpoints all given, discovery is skipped.
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str
    acr_values: str
    algorithms: tuple[str, ...]
    use_pkce: bool
    token_auth_method: str
    provisioning: str
    allowed_email_domains: tuple[str, ...]
    trust_email: bool
    timeout_s: float

    @property
    def discovery_document_url(self) -> str:
        return self.discovery_url or self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def explicit_endpoints(self) -> bool:
        return bool(self.authorization_endpoint and self.token_endpoint and self.jwks_uri)

    def origins(self) -> list[str]:
        """The provider's origins known from the settings (Content-Security-Policy)."""
        urls = (self.issuer, self.authorization_endpoint, self.end_session_endpoint)
        found: list[str] = []
        for url in urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
            if origin and origin not in found:
                found.append(origin)
        return found


def oidc_config() -> OidcConfig | None:
    """The OpenID Connect configuration, or None when ProConnect is not configured."""
    client_id = getattr(settings, "OIDC_CLIENT_ID", "")
    issuer = getattr(settings, "OIDC_ISSUER", "")
    if not client_id or not issuer:
        return None
    return OidcConfig(
        issuer=issuer,
        client_id=client_id,
        client_secret=getattr(settings, "OIDC_CLIENT_SECRET", ""),
        scopes=getattr(settings, "OIDC_SCOPES", PROCONNECT_SCOPES),
        discovery_url=getattr(settings, "OIDC_DISCOVERY_URL", ""),
        authorization_endpoint=getattr(settings, "OIDC_AUTHORIZATION_ENDPOINT", ""),
        token_endpoint=getattr(settings, "OIDC_TOKEN_ENDPOINT", ""),
        userinfo_endpoint=getattr(settings, "OIDC_USERINFO_ENDPOINT", ""),
        jwks_uri=getattr(settings, "OIDC_JWKS_URI", ""),
        end_session_endpoint=getattr(settings, "OIDC_END_SESSION_ENDPOINT", ""),
        acr_values=getattr(settings, "OIDC_ACR_VALUES", ""),
        algorithms=tuple(getattr(settings, "OIDC_SIGNING_ALGORITHMS", ["RS256"])),
        use_pkce=bool(getattr(settings, "OIDC_USE_PKCE", False)),
        token_auth_method=getattr(settings, "OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
        provisioning=getattr(settings, "OIDC_PROVISIONING", "refuse"),
        allowed_email_domains=tuple(
            domain.lower().lstrip("@")
            for domain in getattr(settings, "OIDC_ALLOWED_EMAIL_DOMAINS", [])
        ),
        trust_email=bool(getattr(settings, "OIDC_TRUST_EMAIL", True)),
        timeout_s=float(getattr(settings, "OIDC_TIMEOUT_S", 10.0)),
    )
