"""The relying party's side of OpenID Connect (authorization code flow), as ProConnect
documents it: discovery, authorization request with state and nonce (PKCE when enabled), code
exchange, ID token verification with the provider's JWKS, userinfo as JSON or as a signed JWT
(application/jwt), RP-initiated logout URL.

Every network call goes through httpx with the configured timeout; a provider that cannot be
reached or answers an error raises `OidcUnavailable`, a response that fails a check raises
`OidcInvalid`. Discovery documents and JWKS are cached per process for an hour; an unknown key
id refreshes the JWKS once (key rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from quartiers.core.oidc.config import SIGNING_ALGORITHMS, OidcConfig

CACHE_SECONDS = 3600
# Clock difference tolerated with the provider when checking exp / iat (seconds).
LEEWAY_SECONDS = 60
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")

_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


class OidcError(Exception):
    """A ProConnect step failed; `str(error)` says why, for the logs (never shown as is)."""


class OidcUnavailable(OidcError):
    """The provider cannot be reached, or answered with an error status."""


class OidcInvalid(OidcError):
    """A response or parameter failed a check (state, nonce, signature, issuer, audience…)."""


def oidc_cache_clear() -> None:
    """Forget the cached discovery documents and JWKS (tests, key rotation by hand)."""
    with _cache_lock:
        _cache.clear()


def _cached(key: str) -> Any | None:
    with _cache_lock:
        entry = _cache.get(key)
    if entry and entry[0] > time.monotonic():
        return entry[1]
    return None


def _cache_set(key: str, value: Any) -> None:
    with _cache_lock:
        _cache[key] = (time.monotonic() + CACHE_SECONDS, value)


def _http(config: OidcConfig) -> httpx.Client:
    return httpx.Client(timeout=config.timeout_s, follow_redirects=False)


def _get_json(config: OidcConfig, url: str, what: str) -> dict[str, Any]:
    try:
        with _http(config) as http:
            response = http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise OidcUnavailable(f"{what} : {url} injoignable ({exc.__class__.__name__})") from exc
    if response.status_code != 200:
        raise OidcUnavailable(f"{what} : {url} a répondu {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise OidcUnavailable(f"{what} : {url} n'a pas renvoyé de JSON") from exc
    if not isinstance(data, dict):
        raise OidcUnavailable(f"{what} : {url} n'a pas renvoyé un objet JSON")
    return data


def same_secret(received: str, expected: str) -> bool:
    """Constant-time comparison of a received value with ours (any characters: a tampered
    value may hold non-ASCII ones, which hmac.compare_digest refuses as str)."""
    return hmac.compare_digest(received.encode(), expected.encode())


# --- Discovery -----------------------------------------------------------------------------


def provider_metadata(config: OidcConfig) -> dict[str, Any]:
    """The provider's endpoints: its discovery document (cached), overridden by the endpoints
    given in the settings; no network call when authorization, token and JWKS are all given."""
    explicit = {
        "authorization_endpoint": config.authorization_endpoint,
        "token_endpoint": config.token_endpoint,
        "userinfo_endpoint": config.userinfo_endpoint,
        "jwks_uri": config.jwks_uri,
        "end_session_endpoint": config.end_session_endpoint,
    }
    explicit = {name: url for name, url in explicit.items() if url}
    if config.explicit_endpoints:
        return {"issuer": config.issuer, **explicit}
    url = config.discovery_document_url
    metadata = _cached(f"discovery:{url}")
    if metadata is None:
        metadata = _get_json(config, url, "découverte OpenID Connect")
        missing = [name for name in REQUIRED_METADATA if not metadata.get(name)]
        if missing:
            raise OidcUnavailable(f"découverte OpenID Connect : {url} sans {', '.join(missing)}")
        # OpenID Connect Discovery 1.0, § 4.3: the issuer must be exactly the one configured.
        if metadata["issuer"] != config.issuer:
            raise OidcUnavailable(
                f"découverte OpenID Connect : issuer {metadata['issuer']!r} au lieu de "
                f"{config.issuer!r}"
            )
        _cache_set(f"discovery:{url}", metadata)
    return {**metadata, **explicit}


# --- Authorization request -----------------------------------------------------------------


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256 code challenge of a code verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    *,
    config: OidcConfig,
    metadata: dict[str, Any],
    redirect_uri: str,
    state: str,
    nonce: str,
    code_verifier: str = "",
) -> str:
    """Where the browser goes to authenticate. ProConnect refuses any parameter it does not
    document (error Y000400): only the standard ones are sent, PKCE only when enabled."""
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scopes,
        "state": state,
        "nonce": nonce,
    }
    if config.acr_values:
        params["acr_values"] = config.acr_values
    if code_verifier:
        params["code_challenge"] = pkce_challenge(code_verifier)
        params["code_challenge_method"] = "S256"
    endpoint = metadata["authorization_endpoint"]
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


# --- Token endpoint ------------------------------------------------------------------------


def code_exchange(
    *,
    config: OidcConfig,
    metadata: dict[str, Any],
    code: str,
    redirect_uri: str,
    code_verifier: str = "",
) -> dict[str, Any]:
    """The token response (access_token, id_token…) for an authorization code."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    auth = None
    if config.token_auth_method == "client_secret_basic":  # noqa: S105  (a method name)
        auth = httpx.BasicAuth(config.client_id, config.client_secret)
    else:
        data.update(client_id=config.client_id, client_secret=config.client_secret)
    if code_verifier:
        data["code_verifier"] = code_verifier
    url = metadata["token_endpoint"]
    try:
        with _http(config) as http:
            response = http.post(url, data=data, auth=auth, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise OidcUnavailable(f"jeton : {url} injoignable ({exc.__class__.__name__})") from exc
    if response.status_code >= 500:
        raise OidcUnavailable(f"jeton : {url} a répondu {response.status_code}")
    try:
        tokens = response.json()
    except ValueError as exc:
        raise OidcInvalid(f"jeton : réponse {response.status_code} qui n'est pas du JSON") from exc
    if response.status_code != 200 or not isinstance(tokens, dict):
        error = tokens.get("error", "") if isinstance(tokens, dict) else ""
        raise OidcInvalid(f"jeton : code refusé ({response.status_code} {error})")
    if not tokens.get("id_token") or not tokens.get("access_token"):
        raise OidcInvalid("jeton : réponse sans id_token ou sans access_token")
    return tokens


# --- Signatures ----------------------------------------------------------------------------


def _jwks(config: OidcConfig, metadata: dict[str, Any], *, refresh: bool) -> list[dict]:
    url = metadata["jwks_uri"]
    keys = None if refresh else _cached(f"jwks:{url}")
    if keys is None:
        keys = _get_json(config, url, "clés publiques (JWKS)").get("keys")
        if not isinstance(keys, list):
            raise OidcUnavailable(f"clés publiques (JWKS) : {url} sans liste « keys »")
        _cache_set(f"jwks:{url}", keys)
    return keys


def _signing_key(
    config: OidcConfig, metadata: dict[str, Any], *, kid: str | None, algorithm: str
) -> jwt.PyJWK:
    """The provider's public key for this token: same kid, usable for signatures, of a type
    that fits the token's algorithm (the algorithm is fixed here, never read from the JWK)."""
    for refresh in (False, True):  # an unknown kid: the provider may have rotated its keys
        found = []
        for data in _jwks(config, metadata, refresh=refresh):
            if not isinstance(data, dict) or data.get("use") not in (None, "sig"):
                continue
            if (kid is not None and data.get("kid") != kid) or data.get("alg") not in (
                None,
                algorithm,
            ):
                continue
            try:
                found.append(jwt.PyJWK(data, algorithm=algorithm))
            except jwt.PyJWTError:
                continue  # a key of another type (EC for an RSA algorithm…)
        if len(found) == 1 or (found and kid is not None):
            return found[0]
        if len(found) > 1:
            raise OidcInvalid("signature : jeton sans kid et plusieurs clés possibles")
    raise OidcInvalid(f"signature : aucune clé publiée pour kid={kid!r} et {algorithm}")


def jwt_verify(
    *, config: OidcConfig, metadata: dict[str, Any], token: str, what: str
) -> dict[str, Any]:
    """The payload of a JWT signed by the provider, signature checked against its JWKS with an
    allowed asymmetric algorithm (never "none", never HMAC). Claims are checked by callers."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise OidcInvalid(f"{what} : JWT illisible ({exc})") from exc
    algorithm = header.get("alg")
    allowed = [alg for alg in config.algorithms if alg in SIGNING_ALGORITHMS]
    if algorithm not in allowed:
        raise OidcInvalid(f"{what} : algorithme {algorithm!r} refusé (attendu : {allowed})")
    kid = header.get("kid")
    key = _signing_key(
        config, metadata, kid=kid if isinstance(kid, str) else None, algorithm=algorithm
    )
    try:
        return jwt.decode(
            token,
            key=key,
            algorithms=[algorithm],
            options={"verify_aud": False, "verify_iss": False},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.PyJWTError as exc:
        raise OidcInvalid(f"{what} : {exc}") from exc


def _audience_check(claims: dict[str, Any], client_id: str, what: str) -> None:
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise OidcInvalid(f"{what} : audience {audience!r} sans {client_id!r}")
    # OpenID Connect Core 1.0, § 3.1.3.7: several audiences need azp = this client.
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcInvalid(f"{what} : plusieurs audiences et azp {claims.get('azp')!r}")


def id_token_verify(
    *, config: OidcConfig, metadata: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, after OpenID Connect Core § 3.1.3.7: signature, issuer,
    audience, expiry, issue time, nonce of this login (and acr when acr_values are set)."""
    what = "id_token"
    claims = jwt_verify(config=config, metadata=metadata, token=id_token, what=what)
    for name in ("iss", "sub", "aud", "exp", "iat"):
        if name not in claims:
            raise OidcInvalid(f"{what} : claim {name} absent")
    if claims["iss"] != config.issuer:
        raise OidcInvalid(f"{what} : issuer {claims['iss']!r} au lieu de {config.issuer!r}")
    _audience_check(claims, config.client_id, what)
    if not isinstance(claims.get("nonce"), str) or not same_secret(claims["nonce"], nonce):
        raise OidcInvalid(f"{what} : nonce différent de celui de la demande (rejeu ?)")
    if config.acr_values:
        accepted = config.acr_values.split()
        if claims.get("acr") not in accepted:
            raise OidcInvalid(f"{what} : acr {claims.get('acr')!r} hors de {accepted}")
    return claims


# --- Userinfo ------------------------------------------------------------------------------


def userinfo_fetch(
    *, config: OidcConfig, metadata: dict[str, Any], access_token: str, sub: str
) -> dict[str, Any]:
    """The userinfo claims, from JSON or from a JWT signed by the provider (ProConnect answers
    application/jwt). Its sub must be the ID token's (OpenID Connect Core § 5.3.2)."""
    url = metadata.get("userinfo_endpoint")
    if not url:
        raise OidcUnavailable("userinfo : le fournisseur ne publie pas userinfo_endpoint")
    try:
        with _http(config) as http:
            response = http.get(url, headers={"Authorization": f"Bearer {access_token}"})
    except httpx.HTTPError as exc:
        raise OidcUnavailable(f"userinfo : {url} injoignable ({exc.__class__.__name__})") from exc
    if response.status_code >= 500:
        raise OidcUnavailable(f"userinfo : {url} a répondu {response.status_code}")
    if response.status_code != 200:
        raise OidcInvalid(f"userinfo : {url} a répondu {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/jwt":
        claims = jwt_verify(
            config=config, metadata=metadata, token=response.text.strip(), what="userinfo"
        )
        if "iss" in claims and claims["iss"] != config.issuer:
            raise OidcInvalid(f"userinfo : issuer {claims['iss']!r} au lieu de {config.issuer!r}")
        if "aud" in claims:
            _audience_check(claims, config.client_id, "userinfo")
    else:
        try:
            claims = response.json()
        except ValueError as exc:
            raise OidcInvalid(f"userinfo : réponse {content_type!r} illisible") from exc
        if not isinstance(claims, dict):
            raise OidcInvalid("userinfo : la réponse n'est pas un objet JSON")
    if claims.get("sub") != sub:
        raise OidcInvalid("userinfo : sub différent de celui de l'id_token")
    return claims


# --- Logout --------------------------------------------------------------------------------


def end_session_url(
    *, metadata: dict[str, Any], id_token: str, post_logout_redirect_uri: str, state: str
) -> str | None:
    """The provider's logout URL (OpenID Connect RP-Initiated Logout), None when it has none."""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": post_logout_redirect_uri,
    }
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
