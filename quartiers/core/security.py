"""Security headers every response carries: Content-Security-Policy and Permissions-Policy
(Django's SecurityMiddleware adds HSTS in production, X-Content-Type-Options, Referrer-Policy
and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds X-Frame-Options: DENY).

Scripts: only files served by the app ('self') or a script tag carrying this request's nonce
(django-dsfr's base template renders `{% dsfr_js nonce=request.csp_nonce %}`); never inline
code or inline event handlers (no 'unsafe-inline', no 'unsafe-eval').
Styles: stylesheets from 'self' only; style="…" attributes are allowed (style-src-attr) because
pages position server-computed bars with them (contracts' Gantt chart, gauges) and Leaflet
sets element styles. A <style> element is refused.
Images: 'self', data: (DSFR icons, Leaflet) and blob: (PNG export of the charts).
Forms: 'self', plus ProConnect's origins when it is configured (docs/auth.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def _provider_origins() -> list[str]:
    """ProConnect's origins when it is configured: the logout form is answered by a redirect
    to its end_session_endpoint, and browsers apply form-action to a form's redirects too."""
    from quartiers.core.oidc.config import oidc_config

    config = oidc_config()
    return config.origins() if config else []


def csp_header(*, nonce: str) -> str:
    """The Content-Security-Policy value for one response."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "style-src-elem": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": " ".join(["'self'", *_provider_origins()]),
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Gives each request a random nonce (request.csp_nonce, created only when a template
    asks for it) and sets the security headers on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce_holder: dict[str, str] = {}

        def nonce() -> str:
            return nonce_holder.setdefault("value", secrets.token_urlsafe(16))

        request.csp_nonce = SimpleLazyObject(nonce)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", csp_header(nonce=nonce()))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def request_max_bytes() -> int:
    """The largest request body accepted: the largest upload limit of the app (georef batch
    files) plus room for the form's other fields."""
    configured = getattr(settings, "REQUEST_MAX_BYTES", 0)
    if configured:
        return int(configured)
    return int(getattr(settings, "GEOREF_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)) + 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuses (413) a request whose declared body exceeds request_max_bytes() before a byte
    of it is read: a 1 GB upload never reaches the disk. Each view still checks its own
    smaller limit (PDF documents, Dauphin extracts…)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_max_bytes()
        if length > limit:
            message = (
                f"Fichier trop volumineux : {length / 1024 / 1024:.0f} Mo envoyés, "
                f"{limit / 1024 / 1024:.0f} Mo au plus. Rien n'a été enregistré."
            )
            return HttpResponse(
                f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                f"<title>Fichier trop volumineux</title></head><body><h1>Fichier trop "
                f"volumineux</h1><p>{message}</p></body></html>",
                status=413,
                headers={"Connection": "close"},
            )
        return self.get_response(request)
