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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

from quartiers.core.uploads.handler import request_max_bytes, too_large_text

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


class RequestSizeLimitMiddleware:
    """Upload limits checked before a byte of the body is read.

    - Any route: a request whose declared body exceeds request_max_bytes() is refused (413):
      a 1 GB upload never reaches the disk.
    - A view declaring ``@upload_limit(SETTING)`` (core/uploads/handler.py): a body announcing
      more than that limit (plus the form's envelope) is refused (413, a French page naming the
      limit; JSON under /api/), and ``request.upload_max_bytes`` tells the upload handler where
      to stop reading a body that lied about its size.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _declared_length(request)
        limit = request_max_bytes()
        if length > limit:
            message = (
                f"Fichier trop volumineux : {length / 1024 / 1024:.0f} Mo envoyés, "
                f"{limit / 1024 / 1024:.0f} Mo au plus. Rien n'a été enregistré."
            )
            return _refusal(request, message, bare=True)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        setting = getattr(view_func, "upload_limit_setting", None)
        if setting is None:
            return None
        limit = int(getattr(settings, setting))
        request.upload_max_bytes = limit
        length = _declared_length(request)
        if request.method == "POST" and length > limit + MULTIPART_OVERHEAD:
            return _refusal(request, too_large_text(length, limit))
        return None


MULTIPART_OVERHEAD = 64 * 1024  # the multipart envelope and the form's other fields


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refusal(request: HttpRequest, message: str, *, bare: bool = False) -> HttpResponse:
    headers = {"Connection": "close"}  # the unread body is not kept for a next request
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413, headers=headers)
    if bare:  # before the session and the user exist: no site template
        return HttpResponse(
            f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>Fichier trop volumineux</title></head><body><h1>Fichier trop "
            f"volumineux</h1><p>{escape(message)}</p></body></html>",
            status=413,
            headers=headers,
        )
    response = render(
        request,
        "core/upload_refused.html",
        {"title": "Fichier trop volumineux", "message": message, "back": _back(request)},
        status=413,
    )
    response["Connection"] = "close"
    return response


def _back(request: HttpRequest) -> str:
    """The page the form was on (same site only), else the page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.path
