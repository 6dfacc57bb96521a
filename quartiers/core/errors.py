"""French, DSFR error pages: 400, 403, 404, 500 and CSRF failures (config/urls.py handlers and
settings.CSRF_FAILURE_VIEW).

403 and 404 show the application's own French message (`PermissionDenied("Page réservée à la
préfecture.")`, `Http404("Format d'export inconnu.")`) and never Django's English internals
(`No QPV matches the given query.`, the resolver's tried patterns). The pages extend the site's
base template (menu, CSP nonce for DSFR's script); when that cannot be rendered — and always for
500 — a self-contained page is used, built from settings only: no database, no context
processor, no script.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest, HttpResponse
from django.template import loader

from quartiers.core.site import site_identity

logger = logging.getLogger(__name__)

# Messages Django writes itself, in English, that a visitor must not see.
_DJANGO_MESSAGES = re.compile(r"^No .* matches the given query\.$|^Page not found|^Empty ")

_PAGES: dict[int, tuple[str, str]] = {
    400: (
        "Requête incorrecte",
        "La demande envoyée au site n’a pas pu être comprise. Vérifiez l’adresse de la page "
        "ou recommencez depuis la page précédente.",
    ),
    403: (
        "Accès refusé",
        "Vous n’avez pas les droits nécessaires pour ouvrir cette page. Si vous pensez que "
        "c’est une erreur, connectez-vous avec le bon compte ou contactez la préfecture.",
    ),
    404: (
        "Page non trouvée",
        "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée. "
        "Si vous avez tapé l’adresse, vérifiez qu’elle est correcte ; la page a peut-être été "
        "déplacée ou supprimée.",
    ),
    500: (
        "Erreur inattendue",
        "Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus "
        "rapidement possible. Essayez de rafraîchir la page ou réessayez plus tard.",
    ),
}
CSRF_PAGE = (
    "Formulaire expiré",
    "Le formulaire n’a pas pu être envoyé : la page a été ouverte il y a trop longtemps, dans "
    "un autre onglet ou avant une connexion, ou les cookies sont bloqués. Rechargez la page du "
    "formulaire, puis envoyez-le de nouveau ; rien n’a été enregistré.",
)


def exception_message(exception: BaseException | None) -> str:
    """The application's own French message carried by the exception, or ""."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str) or _DJANGO_MESSAGES.match(message.strip()):
        return ""
    return message.strip()


def minimal_error_page(*, status: int, heading: str, lead: str, message: str = "") -> str:
    """The self-contained page: settings only (no database, no context processor)."""
    context = {"status": status, "heading": heading, "lead": lead, "message": message}
    try:
        context["site"] = site_identity()
        return loader.get_template("core/errors/minimal.html").render(context)
    except Exception:  # the last resort must answer whatever failed
        logger.exception("Page d'erreur minimale impossible à rendre")
        return (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f"<title>{heading} — Quartiers 2030</title></head><body><main><h1>{heading}</h1>"
            f"<p>Erreur {status}</p><p>{lead}</p></main></body></html>"
        )


def error_page(
    request: HttpRequest, *, status: int, heading: str, lead: str, message: str = ""
) -> HttpResponse:
    context = {
        "status": status,
        "heading": heading,
        "lead": lead,
        "message": message,
        "title": heading,
    }
    try:
        body = loader.render_to_string("core/errors/error.html", context, request=request)
    except Exception:  # an error page must not fail in turn
        logger.exception("Page d'erreur %s impossible à rendre avec le gabarit du site", status)
        body = minimal_error_page(status=status, heading=heading, lead=lead, message=message)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    heading, lead = _PAGES[400]
    return error_page(request, status=400, heading=heading, lead=lead)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    heading, lead = _PAGES[403]
    message = exception_message(exception)
    return error_page(request, status=403, heading=heading, lead=lead, message=message)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    heading, lead = _PAGES[404]
    message = exception_message(exception)
    return error_page(request, status=404, heading=heading, lead=lead, message=message)


def server_error(request: HttpRequest) -> HttpResponse:
    heading, lead = _PAGES[500]
    return HttpResponse(minimal_error_page(status=500, heading=heading, lead=lead), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    heading, lead = CSRF_PAGE
    return error_page(request, status=403, heading=heading, lead=lead)
