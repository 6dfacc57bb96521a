"""Login and logout pages: the local form with the ProConnect button beside it, the button's
target, the provider's return, the logout (RP-initiated at the provider when the session came
from ProConnect) and the return from the provider's logout. Policy: docs/auth.md."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from quartiers.core.login_throttle import (
    ThrottledAuthenticationForm,
    client_ip,
    locked_message,
    login_failure_record,
    login_failures_clear,
    login_locked_minutes,
)
from quartiers.core.oidc.accounts import OidcRefused, oidc_login_record
from quartiers.core.oidc.client import (
    OidcError,
    OidcInvalid,
    OidcUnavailable,
    authorization_url,
    end_session_url,
    provider_metadata,
    same_secret,
)
from quartiers.core.oidc.config import oidc_config
from quartiers.core.oidc.services import oidc_code_authenticate

logger = logging.getLogger(__name__)

# Session keys: pending logins (state → nonce, PKCE verifier, next page, start time), the ID
# token of a ProConnect session (id_token_hint of the logout) and the state of a logout.
SESSION_FLOWS = "oidc_flows"
SESSION_ID_TOKEN = "oidc_id_token"  # noqa: S105  (a session key)
SESSION_LOGOUT_STATE = "oidc_logout_state"
FLOW_SECONDS = 600
MAX_FLOWS = 5
# Invalid returns (altered state or nonce, refused code, bad signature) count as login failures
# of this pseudo-username for the client's address (quartiers/core/login_throttle.py).
THROTTLE_USERNAME = "oidc:proconnect"  # never a username: Django refuses ":" in them
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

DISABLED = (
    "La connexion avec ProConnect n'est pas activée sur ce site : connectez-vous avec votre "
    "identifiant Quartiers 2030."
)
UNAVAILABLE = (
    "ProConnect est momentanément indisponible : réessayez dans quelques minutes, ou "
    "connectez-vous avec votre identifiant Quartiers 2030."
)
EXPIRED = (
    "La demande de connexion avec ProConnect a expiré ou n'est pas valide : recommencez la "
    "connexion."
)
INVALID = (
    "La réponse de ProConnect n'a pas pu être vérifiée : la connexion est refusée. Recommencez "
    "la connexion."
)
CANCELLED = (
    "La connexion avec ProConnect a été annulée ou refusée par votre fournisseur d'identité."
)
LOGGED_OUT = "Vous êtes déconnecté de Quartiers 2030 et de ProConnect."
PROVIDER_LOGOUT_FAILED = (
    "Vous êtes déconnecté de Quartiers 2030, mais ProConnect n'a pas pu être joint : fermez "
    "votre navigateur pour terminer aussi votre session ProConnect."
)


class LoginView(auth_views.LoginView):
    """Django's login form (throttled), with the ProConnect button when it is configured."""

    template_name = "core/login.html"
    authentication_form = ThrottledAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = oidc_config() is not None
        return context


def _to_login(request: HttpRequest, message: str, level: int = messages.ERROR) -> HttpResponse:
    messages.add_message(request, level, message)
    return redirect("login")


def _safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("proconnect_callback"))


def _locked(request: HttpRequest, username: str) -> HttpResponse | None:
    minutes = login_locked_minutes(username=username, ip=client_ip(request))
    if not minutes:
        return None
    if username != THROTTLE_USERNAME:
        return _to_login(request, locked_message(minutes))
    unit = "minute" if minutes == 1 else "minutes"
    return _to_login(
        request,
        "Trop de tentatives de connexion ProConnect invalides depuis votre adresse : réessayez "
        f"dans {minutes} {unit}.",
    )


@never_cache
@require_GET
def proconnect_login(request: HttpRequest) -> HttpResponse:
    """The ProConnect button: remembers a fresh state and nonce, sends to the provider."""
    config = oidc_config()
    if config is None:
        return _to_login(request, DISABLED)
    if (locked := _locked(request, THROTTLE_USERNAME)) is not None:
        return locked
    try:
        metadata = provider_metadata(config)
    except OidcError as exc:
        logger.warning("ProConnect indisponible : %s", exc)
        return _to_login(request, UNAVAILABLE)
    now = time.time()
    flows = {
        state: flow
        for state, flow in request.session.get(SESSION_FLOWS, {}).items()
        if now - flow.get("at", 0) < FLOW_SECONDS
    }
    # ProConnect asks for at least 32 characters; 32 random bytes give 43.
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48) if config.use_pkce else ""
    flows[state] = {
        "nonce": nonce,
        "verifier": verifier,
        "next": _safe_next(request, request.GET.get("next", "")),
        "at": now,
    }
    request.session[SESSION_FLOWS] = dict(
        sorted(flows.items(), key=lambda i: i[1]["at"])[-MAX_FLOWS:]
    )
    url = authorization_url(
        config=config,
        metadata=metadata,
        redirect_uri=_callback_uri(request),
        state=state,
        nonce=nonce,
        code_verifier=verifier,
    )
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def proconnect_callback(request: HttpRequest) -> HttpResponse:
    """The provider's return: checks the state, then the code, tokens and account."""
    config = oidc_config()
    if config is None:
        return _to_login(request, DISABLED)
    ip = client_ip(request)
    if (locked := _locked(request, THROTTLE_USERNAME)) is not None:
        return locked
    flows = request.session.get(SESSION_FLOWS, {})
    state = request.GET.get("state", "")
    flow = flows.pop(state, None) if state else None
    request.session[SESSION_FLOWS] = flows
    if request.GET.get("error"):
        logger.info("ProConnect : retour en erreur %s", request.GET.get("error"))
        return _to_login(request, CANCELLED)
    code = request.GET.get("code", "")
    if flow is None or not code or time.time() - flow.get("at", 0) >= FLOW_SECONDS:
        login_failure_record(username=THROTTLE_USERNAME, ip=ip)
        return _to_login(request, EXPIRED)
    try:
        result = oidc_code_authenticate(
            config=config,
            code=code,
            redirect_uri=_callback_uri(request),
            nonce=flow["nonce"],
            code_verifier=flow.get("verifier", ""),
        )
    except OidcUnavailable as exc:
        logger.warning("ProConnect indisponible : %s", exc)
        return _to_login(request, UNAVAILABLE)
    except OidcInvalid as exc:
        logger.warning("ProConnect : réponse refusée : %s", exc)
        login_failure_record(username=THROTTLE_USERNAME, ip=ip)
        return _to_login(request, INVALID)
    except OidcRefused as exc:
        logger.warning("ProConnect : identité refusée : %s", exc)
        return _to_login(request, str(exc))
    # A username locked by failed passwords stays locked from this address, ProConnect or not.
    if (locked := _locked(request, result.user.username)) is not None:
        return locked
    auth_login(request, result.user, backend=MODEL_BACKEND)
    request.session[SESSION_ID_TOKEN] = result.id_token
    oidc_login_record(user=result.user, identity=result.identity)
    login_failures_clear(username=THROTTLE_USERNAME, ip=ip)
    return redirect(flow.get("next") or settings.LOGIN_REDIRECT_URL)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Local logout; after a ProConnect login, also the provider's (RP-initiated logout)."""
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    auth_logout(request)
    config = oidc_config()
    if not id_token or config is None:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    try:
        metadata = provider_metadata(config)
    except OidcError as exc:
        logger.warning("ProConnect injoignable à la déconnexion : %s", exc)
        return _to_login(request, PROVIDER_LOGOUT_FAILED, messages.WARNING)
    state = secrets.token_urlsafe(32)
    url = end_session_url(
        metadata=metadata,
        id_token=id_token,
        post_logout_redirect_uri=request.build_absolute_uri(reverse("proconnect_logout_done")),
        state=state,
    )
    if url is None:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    request.session[SESSION_LOGOUT_STATE] = state
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def proconnect_logout_done(request: HttpRequest) -> HttpResponse:
    """The provider's return after its logout: says so when the state is this logout's."""
    expected = request.session.pop(SESSION_LOGOUT_STATE, "")
    state = request.GET.get("state", "")
    if expected and state and same_secret(state, expected):
        return _to_login(request, LOGGED_OUT, messages.SUCCESS)
    return redirect(settings.LOGOUT_REDIRECT_URL)
