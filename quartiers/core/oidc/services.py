"""The end of a ProConnect login, from the authorization code to the local account."""

from __future__ import annotations

from dataclasses import dataclass

from quartiers.core.models import User
from quartiers.core.oidc.accounts import (
    OidcIdentityClaims,
    identity_claims,
    oidc_account_resolve,
)
from quartiers.core.oidc.client import (
    code_exchange,
    id_token_verify,
    provider_metadata,
    userinfo_fetch,
)
from quartiers.core.oidc.config import OidcConfig


@dataclass(frozen=True)
class OidcLogin:
    user: User
    created: bool
    id_token: str  # kept in the session for the provider's logout (id_token_hint)
    identity: OidcIdentityClaims


def oidc_code_authenticate(
    *, config: OidcConfig, code: str, redirect_uri: str, nonce: str, code_verifier: str = ""
) -> OidcLogin:
    """Exchanges the code, verifies the ID token (signature, issuer, audience, expiry, nonce),
    reads userinfo and resolves the account. Raises OidcUnavailable, OidcInvalid or
    OidcRefused; logs nobody in (the view does, after the throttling check)."""
    metadata = provider_metadata(config)
    tokens = code_exchange(
        config=config,
        metadata=metadata,
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
    )
    id_claims = id_token_verify(
        config=config, metadata=metadata, id_token=tokens["id_token"], nonce=nonce
    )
    userinfo = {}
    if metadata.get("userinfo_endpoint"):
        userinfo = userinfo_fetch(
            config=config,
            metadata=metadata,
            access_token=tokens["access_token"],
            sub=id_claims["sub"],
        )
    identity = identity_claims(config=config, id_claims=id_claims, userinfo=userinfo)
    user, created = oidc_account_resolve(config=config, identity=identity)
    return OidcLogin(user=user, created=created, id_token=tokens["id_token"], identity=identity)
