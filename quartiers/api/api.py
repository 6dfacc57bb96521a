"""The NinjaAPI mounted at /api/: schema at /api/openapi.json, Swagger UI at /api/docs (served
from django-ninja's own static files, no CDN). Every error is JSON with a French `detail`.

Rate limiting per client: quartiers/api/throttle.py (429 with Retry-After).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger

from quartiers.api.actions import router as actions_router
from quartiers.api.contracts import router as contracts_router
from quartiers.api.geography import router as geography_router
from quartiers.api.georef import router as georef_router
from quartiers.api.indicators import router as indicators_router
from quartiers.api.programmes import router as programmes_router
from quartiers.api.qpv import router as qpv_router
from quartiers.api.subsidies import router as subsidies_router
from quartiers.api.throttle import client_throttle
from quartiers.core.site import departement_name
from quartiers.georef.lookup import LookupInputError

logger = logging.getLogger(__name__)


class SessionSwagger(Swagger):
    """Swagger UI from django-ninja's own templates and static files (found through
    settings.NINJA_DIR: no CDN), with the CSRF token, so that « Try it out » works for the POST
    of a logged-in user."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": json.dumps(self.settings), "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = NinjaAPI(
    title="Quartiers 2030 — API",
    version="1",
    description=(
        "Données ouvertes de la politique de la ville du département "
        f"{departement_name(code=settings.DEPARTEMENT).of} : territoires et QPV "
        "(contours GeoJSON), indicateurs (secret statistique : valeur null), contrats de ville, "
        "actions, programmes et objectifs ; géoréférencement (un point ou une adresse → son "
        "quartier prioritaire ; fichiers entiers en traitement de fond). Listes par pages "
        "(page, taille ≤ 500, total) ; débit limité par client (429 et Retry-After). "
        "Réponses et messages d'erreur en français. "
        "Les traitements de fichiers demandent une session connectée et le jeton CSRF "
        "(en-tête X-CSRFToken) ; voir docs/api.md."
    ),
    urls_namespace="api",
    docs=SessionSwagger(),
    throttle=[client_throttle],
)
api.add_router("/georef", georef_router)
api.add_router("/qpv", qpv_router)
api.add_router("", geography_router)
api.add_router("", indicators_router)
api.add_router("", contracts_router)
api.add_router("", actions_router)
api.add_router("", programmes_router)
api.add_router("", subsidies_router)

# pydantic error types → French wording.
_TYPES = {
    "missing": "paramètre obligatoire manquant",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "uuid_parsing": "identifiant invalide",
    "uuid_type": "identifiant invalide",
    "string_type": "texte attendu",
}


def _field(error: dict) -> str:
    parts = [str(p) for p in error.get("loc", ()) if p not in {"query", "path", "form", "body"}]
    parts = [p for p in parts if p not in {"params", "file", "fichier"}] or parts
    return parts[-1] if parts else ""


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    messages = []
    for error in exc.errors:
        name = _field(error)
        text = _TYPES.get(error.get("type", ""), "valeur invalide")
        bounds = error.get("ctx") or {}
        if "le" in bounds or "lt" in bounds:
            text = f"valeur trop grande ({bounds.get('le', bounds.get('lt'))} au plus)"
        elif "ge" in bounds or "gt" in bounds:
            text = f"valeur trop petite ({bounds.get('ge', bounds.get('gt'))} au moins)"
        received = request.GET.get(name) or request.POST.get(name) if name else None
        shown = f" (reçu « {str(received)[:40]} »)" if isinstance(received, str | int) else ""
        messages.append(f"« {name} » : {text}{shown}" if name else f"{text}{shown}")
    first = _field(exc.errors[0]) if exc.errors else None
    return api.create_response(
        request,
        {"detail": "Paramètres invalides : " + " ; ".join(messages) + ".", "champ": first or None},
        status=422,
    )


@api.exception_handler(LookupInputError)
def lookup_error(request: HttpRequest, exc: LookupInputError) -> HttpResponse:
    detail = exc.message[:1].upper() + exc.message[1:]
    return api.create_response(request, {"detail": detail, "champ": exc.field}, status=exc.status)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Authentification requise : connectez-vous au site (session) et envoyez le "
            "jeton CSRF dans l'en-tête X-CSRFToken pour les requêtes POST."
        },
        status=401,
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = max(int(exc.wait or 1), 1)
    response = api.create_response(
        request,
        {
            "detail": f"Trop de requêtes : réessayez dans {wait} s "
            "(limite par client et par minute)."
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if "CSRF" in message:
        message = "jeton CSRF absent ou invalide : envoyez-le dans l'en-tête X-CSRFToken."
    return api.create_response(
        request, {"detail": message[:1].upper() + message[1:]}, status=exc.status_code
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if str(exc) and not str(exc).startswith("docs_url") else "Introuvable."
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An unexpected error is logged with its traceback and answered in JSON, never with the
    site's HTML error page."""
    logger.error("API error on %s", request.path, exc_info=exc)
    return api.create_response(
        request,
        {
            "detail": "Erreur interne du serveur : l'équipe technique est prévenue. Réessayez plus "
            "tard."
        },
        status=500,
    )
