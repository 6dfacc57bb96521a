"""The footer's mandatory pages, configurable for the deploying préfecture through settings."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

FOOTER_PAGES = {
    "/mentions-legales/": "Mentions légales",
    "/donnees-personnelles/": "Données personnelles",
    "/accessibilite/": "Déclaration d’accessibilité",
    "/plan-du-site/": "Plan du site",
}


def _footer(body: str) -> str:
    return body[body.index('<footer class="fr-footer"') :]


@pytest.mark.parametrize(("url", "heading"), FOOTER_PAGES.items())
def test_footer_page_is_linked_from_every_page_footer_and_opens(client, url, heading):
    home = client.get("/").content.decode()
    assert f'href="{url}"' in _footer(home)
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_report_and_api_docs_are_linked_from_the_footer_and_the_menu(client):
    home = client.get("/").content.decode()
    footer = _footer(home)
    assert 'href="/rapport/"' in footer and 'href="/api/docs"' in footer
    nav = home[
        home.index('id="navigation-principale"') : home.index(
            "</nav>", home.index('id="navigation-principale"')
        )
    ]
    assert 'href="/rapport/"' in nav


def test_legal_pages_show_the_nord_defaults(client):
    notice = client.get("/mentions-legales/").content.decode()
    assert "Le préfet du Nord" in notice
    assert "12-14 rue Jean sans Peur, 59039 Lille Cedex" in notice
    data = client.get("/donnees-personnelles/").content.decode()
    assert "Délégué à la protection des données du ministère de l&#x27;Intérieur" in data
    assert "Adresses des bénéficiaires" in data
    assert "Le fichier est supprimé dès le calcul terminé" in data
    statement = client.get("/accessibilite/").content.decode()
    assert "RGAA), version 4.1.2" in statement
    assert "<strong>non conforme</strong>" in statement
    assert "Schéma pluriannuel" in statement
    assert "Défenseur des droits" in statement


def test_the_accessibility_statement_lists_the_audited_detail_pages(client):
    statement = client.get("/accessibilite/").content.decode()
    listed = statement[statement.index('data-testid="audited-detail-pages"') :]
    listed = listed[: listed.index("</ul>")]
    for label in (
        "fiche d’un contrat de ville (QPV au rattachement incertain)",
        "dossier de demande de subvention (association)",
        "fiche d’un engagement CONCERTO",
        "suivi d’un géoréférencement de fichier",
        "formulaire de modification d’un dispositif",
    ):
        assert f"<li>{label}</li>" in listed
    assert "ne sont pas encore toutes couvertes" not in statement


def test_another_prefecture_configures_its_pages_through_settings(client, settings):
    settings.SITE_PREFECTURE_NAME = "Préfecture du Pas-de-Calais"
    settings.SITE_LOGO_LINES = ["Préfet", "du Pas-de-Calais"]
    settings.SITE_ADDRESS = "Rue Ferdinand Buisson, 62020 Arras Cedex"
    settings.SITE_PUBLICATION_DIRECTOR = "Le préfet du Pas-de-Calais"
    settings.SITE_HOST_NAME = "Hébergeur d'essai"
    settings.SITE_DPO_EMAIL = "dpd@exemple.gouv.fr"
    settings.SITE_CONTACT_EMAIL = "contact@exemple.gouv.fr"
    settings.SITE_ACCESSIBILITY_STATUS = "partiellement conforme"
    settings.SITE_ACCESSIBILITY_PLAN_URL = "https://exemple.gouv.fr/schema"
    settings.GEOREF_RETENTION_DAYS = 3
    notice = client.get("/mentions-legales/").content.decode()
    assert "Préfet<br>du Pas-de-Calais" in notice
    assert "Préfet<br>du Nord" not in notice
    assert "Rue Ferdinand Buisson, 62020 Arras Cedex" in notice
    assert "Le préfet du Pas-de-Calais" in notice
    assert "Hébergeur d&#x27;essai" in notice
    assert "mailto:contact@exemple.gouv.fr" in notice
    data = client.get("/donnees-personnelles/").content.decode()
    assert "mailto:dpd@exemple.gouv.fr" in data
    assert re.search(r"<td>3 jours, puis suppression automatique</td>", data)
    statement = client.get("/accessibilite/").content.decode()
    assert "<strong>partiellement conforme</strong>" in statement
    assert 'href="https://exemple.gouv.fr/schema"' in statement
    assert "Accessibilité : partiellement conforme" in _footer(statement)


def _site_map_links(client) -> set[str]:
    body = client.get("/plan-du-site/").content.decode()
    main = body[body.index('<main id="content"') : body.index("</main>")]
    return set(re.findall(r'<a href="([^"]+)"', main))


def test_site_map_follows_the_menu_of_each_role(client, prefecture_agent, association_user):
    anonymous = _site_map_links(client)
    assert {"/", "/carte/", "/rapport/", "/api/docs", "/connexion/", "/accessibilite/"} <= anonymous
    assert "/financements/" not in anonymous and "/delegues/" not in anonymous
    client.force_login(association_user)
    association = _site_map_links(client)
    assert "/financements/" in association and "/delegues/" not in association
    assert "/connexion/" not in association
    client.force_login(prefecture_agent)
    agent = _site_map_links(client)
    assert {"/financements/", "/delegues/", "/georeferencer/"} <= agent


def test_a_wrong_accessibility_status_is_refused_at_start_up():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SITE_ACCESSIBILITY_STATUS": "conforme",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SITE_ACCESSIBILITY_STATUS='conforme'" in result.stderr
