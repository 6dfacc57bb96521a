"""French DSFR error pages (400, 403, 404, 500, CSRF) through Django's handlers, DEBUG off."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quartiers.core.errors import exception_message

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.core.error_urls"


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = ERROR_URLS
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_unknown_page_is_a_french_404_page_in_the_site_template(client):
    response = client.get("/cette-page-n-existe-pas/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr"' in body
    assert "<h1>Page non trouvée</h1>" in body
    assert "Erreur 404" in body
    assert 'class="fr-footer"' in body and 'id="navigation-principale"' in body
    assert "Not Found" not in body and "tried" not in body


def test_the_application_s_own_404_message_is_shown(client):
    response = client.get("/qpv/export.docx")
    assert response.status_code == 404
    assert "Format d&#x27;export inconnu." in response.content.decode()


def test_django_s_english_404_message_is_not_shown(client):
    response = client.get("/qpv/QN00000X/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "matches the given query" not in body
    assert 'data-testid="error-message"' not in body


def test_permission_denied_shows_its_french_message(client, association_user):
    client.force_login(association_user)
    response = client.get("/mon-territoire/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in body
    assert "« Mon territoire » est la page des délégués du préfet." in body
    assert "403 Forbidden" not in body


def test_server_error_page_is_french_and_needs_no_database(failing_site):
    with CaptureQueriesContext(connection) as queries:
        response = failing_site.get("/essai/erreur-500/")
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr"' in body
    assert "<h1>Erreur inattendue</h1>" in body
    assert "panne simulée" not in body
    assert "<script" not in body
    assert "Préfet<br>du Nord" in body
    # The queries are the failing view's session/user lookups at most, never the page's.
    assert not [q for q in queries.captured_queries if "geography" in q["sql"]]


def test_server_error_page_renders_when_the_database_is_unreachable(monkeypatch):
    from quartiers.core import errors

    def _no_database(*args, **kwargs):
        raise AssertionError("la page 500 ne doit pas interroger la base")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _no_database)
    response = errors.server_error(None)
    assert response.status_code == 500
    assert "<h1>Erreur inattendue</h1>" in response.content.decode()


def test_suspicious_request_is_a_french_400_page(failing_site):
    response = failing_site.get("/essai/erreur-400/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in body
    assert "requête suspecte simulée" not in body


def test_a_form_posted_without_its_csrf_token_gets_the_french_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": "x", "password": "y"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Formulaire expiré</h1>" in body
    assert "CSRF" not in body


def test_exception_message_keeps_french_and_drops_django_internals():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert exception_message(PermissionDenied("Page réservée à la préfecture.")) == (
        "Page réservée à la préfecture."
    )
    assert exception_message(Http404("No QPV matches the given query.")) == ""
    assert exception_message(Http404({"tried": [], "path": "x"})) == ""
    assert exception_message(None) == ""
