"""ProConnect (OpenID Connect) login and logout against a real provider: django-oauth-toolkit
started in its own process (tests/oidc_provider), configured like ProConnect. The app is driven
by Django's test client, the provider's pages by an httpx client (ProviderBrowser)."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client
from django.urls import reverse

from quartiers.core.audit import AuditAction, AuditEntry
from quartiers.core.login_throttle import login_failure_record
from quartiers.core.models import Role, User
from quartiers.core.oidc.client import (
    OidcInvalid,
    id_token_verify,
    provider_metadata,
)
from quartiers.core.oidc.config import oidc_config
from quartiers.core.oidc.models import OidcIdentity
from quartiers.core.oidc.views import SESSION_FLOWS, SESSION_ID_TOKEN, SESSION_LOGOUT_STATE
from tests.oidc_provider.fixtures import ProviderBrowser
from tests.oidc_provider.world import CAMILLE, DOMINIQUE, EXTERNE, JSON_PKCE, PROCONNECT_LIKE

pytestmark = pytest.mark.django_db

DEAD_URL = "http://127.0.0.1:9/o"  # the discard port: nothing listens there


@pytest.fixture
def camille(db) -> User:
    """The app's account of the agent known to the provider (e-mail in another case), which an
    administrator allowed to be linked to ProConnect by its address."""
    return User.objects.create_user(
        username="c.martin",
        email=CAMILLE.email.lower(),
        password="mot-de-passe-local",
        role=Role.AGENT,
        first_name="Camille",
        last_name="Martin",
        oidc_link_allowed=True,
    )


def _start(client: Client, next_url: str = "") -> str:
    response = client.get(reverse("proconnect_login") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response
    return response["Location"]


def _callback(client: Client, url: str):
    parts = urlsplit(url)
    assert parts.netloc == "testserver" and parts.path == reverse("proconnect_callback"), url
    return client.get(f"{parts.path}?{parts.query}")


def proconnect_login(client: Client, browser: ProviderBrowser, agent, next_url: str = ""):
    """The whole round trip: the button, the provider's login form, the return."""
    return _callback(client, browser.follow(_start(client, next_url), agent))


def _message(client: Client, response) -> str:
    assert response.status_code == 302 and response["Location"] == reverse("login"), response
    page = client.get(response["Location"])
    return " ".join(str(message) for message in page.context["messages"])


def _logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# --- Login page ----------------------------------------------------------------------------


def test_login_page_shows_only_the_local_form_when_proconnect_is_not_configured(client, settings):
    settings.OIDC_CLIENT_ID = ""
    html = client.get(reverse("login")).content.decode()
    assert "ProConnect" not in html
    assert 'name="password"' in html
    response = client.get(reverse("proconnect_login"))
    assert "n'est pas activée" in _message(client, response)


def test_proconnect_button_sits_beside_the_local_form(client, proconnect):
    response = client.get(reverse("login") + "?next=/contrats/suivi/")
    html = response.content.decode()
    assert "S’identifier avec" in html and "ProConnect</span>" in html
    assert "Qu’est-ce que ProConnect ?" in html
    assert 'href="/connexion/proconnect/?next=/contrats/suivi/"' in html
    assert 'name="password"' in html
    assert "/static/core/proconnect.css" in html
    # The logout form is answered by a redirect to the provider: form-action must allow it.
    csp = response["Content-Security-Policy"]
    assert f"form-action 'self' {proconnect.url}" in csp


def test_authorization_request_carries_state_nonce_and_proconnect_scopes(client, proconnect):
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [PROCONNECT_LIKE.client_id]
    assert query["scope"] == ["openid given_name usual_name email uid siret idp_id"]
    assert query["redirect_uri"] == ["http://testserver/connexion/proconnect/retour/"]
    assert query["acr_values"] == ["eidas1"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert "code_challenge" not in query  # ProConnect refuses unknown parameters
    assert set(client.session[SESSION_FLOWS]) == set(query["state"])


# --- Login ---------------------------------------------------------------------------------


def test_known_agent_logs_in_with_proconnect_and_userinfo_as_a_signed_jwt(
    client, proconnect, agent_browser, camille
):
    response = proconnect_login(client, agent_browser, CAMILLE, next_url="/contrats/suivi/")
    assert response.status_code == 302 and response["Location"] == "/contrats/suivi/"
    assert _logged_in_user_id(client) == str(camille.pk)
    assert client.session[SESSION_ID_TOKEN].count(".") == 2
    identity = OidcIdentity.objects.get(user=camille)
    assert identity.issuer == proconnect.issuer
    assert identity.email == CAMILLE.email and identity.siret == "13002526500013"
    assert identity.idp_id == "fournisseur-de-test" and identity.last_login_at is not None
    notes = list(
        AuditEntry.objects.filter(object_id=str(camille.pk), action=AuditAction.LOGIN).values_list(
            "note", flat=True
        )
    )
    assert len(notes) == 1 and "Connexion avec ProConnect" in notes[0] and "eidas1" in notes[0]
    home = client.get("/")
    assert home.context["user"] == camille


def test_the_link_shows_on_the_account_in_the_admin(
    client, proconnect, agent_browser, camille, prefecture_admin
):
    proconnect_login(client, agent_browser, CAMILLE)
    admin = Client()
    admin.force_login(prefecture_admin)
    html = admin.get(reverse("admin:core_user_change", args=[camille.pk])).content.decode()
    assert "Identités ProConnect" in html or "identités ProConnect" in html
    assert OidcIdentity.objects.get(user=camille).sub in html


def test_second_login_finds_the_account_by_sub_even_after_an_email_change(
    client, proconnect, agent_browser, camille
):
    proconnect_login(client, agent_browser, CAMILLE)
    sub = OidcIdentity.objects.get(user=camille).sub
    camille.email = "nouvelle.adresse@nord.gouv.fr"
    camille.save()
    other = Client()
    response = proconnect_login(other, agent_browser, CAMILLE)
    assert response.status_code == 302
    assert _logged_in_user_id(other) == str(camille.pk)
    assert OidcIdentity.objects.filter(user=camille).get().sub == sub


def test_json_userinfo_and_pkce_log_in_too(client, proconnect, agent_browser, camille, settings):
    for name, value in proconnect.app_settings(JSON_PKCE).items():
        setattr(settings, name, value)
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    response = proconnect_login(client, agent_browser, CAMILLE)
    assert response.status_code == 302 and response["Location"] == "/a-traiter/"
    assert _logged_in_user_id(client) == str(camille.pk)


# --- Unknown agents and refusals -----------------------------------------------------------


def test_unknown_agent_is_refused_with_a_french_message_by_default(
    client, proconnect, agent_browser
):
    users_before = User.objects.count()
    response = proconnect_login(client, agent_browser, DOMINIQUE)
    message = _message(client, response)
    assert "n'est reliée à aucun compte Quartiers 2030" in message
    assert DOMINIQUE.email in message
    assert _logged_in_user_id(client) is None
    assert User.objects.count() == users_before
    assert not OidcIdentity.objects.exists()


def test_unknown_agent_is_provisioned_without_any_role_in_create_mode(
    client, proconnect, agent_browser, settings
):
    settings.OIDC_PROVISIONING = "create"
    response = proconnect_login(client, agent_browser, DOMINIQUE)
    assert response.status_code == 302 and response["Location"] == "/a-traiter/"
    user = User.objects.get(email=DOMINIQUE.email)
    assert _logged_in_user_id(client) == str(user.pk)
    assert user.role == Role.NONE and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Dominique", "Petit")
    assert AuditEntry.objects.filter(object_id=str(user.pk), action=AuditAction.CREATE).exists()
    # Nothing internal until an administrator grants a role.
    assert client.get(reverse("contracts:follow_up")).status_code == 403
    assert client.get(reverse("organisation:delegate_list")).status_code == 403
    assert client.get("/").status_code == 200
    # The next login finds the same account.
    client.logout()
    proconnect_login(client, agent_browser, DOMINIQUE)
    assert User.objects.filter(email=DOMINIQUE.email).count() == 1


def test_addresses_outside_the_allowed_domains_are_refused(
    client, proconnect, agent_browser, settings, camille
):
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["gouv.fr"]
    settings.OIDC_PROVISIONING = "create"
    message = _message(client, proconnect_login(client, agent_browser, EXTERNE))
    assert "n'est pas admise sur Quartiers 2030" in message and "gouv.fr" in message
    assert not User.objects.filter(email=EXTERNE.email).exists()
    # A subdomain of an allowed domain is allowed (another agent: another browser).
    other, other_browser = Client(), ProviderBrowser(proconnect)
    proconnect_login(other, other_browser, CAMILLE)
    other_browser.close()
    assert _logged_in_user_id(other) == str(camille.pk)


def test_deactivated_account_is_refused(client, proconnect, agent_browser, camille):
    camille.is_active = False
    camille.save()
    message = _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert "est désactivé" in message
    assert _logged_in_user_id(client) is None


def test_two_accounts_with_the_same_address_are_refused(client, proconnect, agent_browser, camille):
    User.objects.create_user(username="doublon", email=CAMILLE.email.upper(), role=Role.AGENT)
    message = _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert "Plusieurs comptes Quartiers 2030" in message


# --- Tampering and replay ------------------------------------------------------------------


def test_tampered_state_is_refused(client, proconnect, agent_browser, camille):
    back = agent_browser.follow(_start(client), CAMILLE)
    parts = urlsplit(back)
    query = parse_qs(parts.query)
    response = client.get(parts.path, {"code": query["code"][0], "state": "x" * 43})
    assert "a expiré ou n'est pas valide" in _message(client, response)
    assert _logged_in_user_id(client) is None


def test_tampered_nonce_is_refused(client, proconnect, agent_browser, camille):
    back = agent_browser.follow(_start(client), CAMILLE)
    session = client.session
    flows = session[SESSION_FLOWS]
    for flow in flows.values():
        flow["nonce"] = "nonce-modifié-" + "x" * 32
    session[SESSION_FLOWS] = flows
    session.save()
    response = _callback(client, back)
    assert "n'a pas pu être vérifiée" in _message(client, response)
    assert _logged_in_user_id(client) is None
    assert not OidcIdentity.objects.exists()


def test_a_return_cannot_be_replayed(client, proconnect, agent_browser, camille):
    back = agent_browser.follow(_start(client), CAMILLE)
    assert _callback(client, back).status_code == 302
    client.logout()
    response = _callback(client, back)
    assert "a expiré ou n'est pas valide" in _message(client, response)
    assert _logged_in_user_id(client) is None


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_forged_id_tokens_are_refused(client, proconnect, agent_browser, camille):
    proconnect_login(client, agent_browser, CAMILLE)
    token = client.session[SESSION_ID_TOKEN]
    config = oidc_config()
    metadata = provider_metadata(config)
    claims = jwt.decode(token, options={"verify_signature": False})
    nonce = claims["nonce"]
    assert id_token_verify(config=config, metadata=metadata, id_token=token, nonce=nonce)["sub"]
    header, _, signature = token.split(".")
    real_header = json.loads(base64.urlsafe_b64decode(header + "=="))
    forged = [
        # another agent's sub under the provider's signature
        f"{header}.{_b64({**claims, 'sub': 'un-autre-agent'})}.{signature}",
        # no signature at all, or a symmetric one made with a guessable key
        jwt.encode(claims, key=None, algorithm="none"),
        jwt.encode(claims, key="k" * 64, algorithm="HS256"),
        # a key id the provider never published (the JWKS is fetched again, then refused)
        f"{_b64({**real_header, 'kid': 'cle-inconnue'})}.{token.split('.')[1]}.{signature}",
    ]
    for candidate in forged:
        with pytest.raises(OidcInvalid):
            id_token_verify(config=config, metadata=metadata, id_token=candidate, nonce=nonce)
    with pytest.raises(OidcInvalid, match="nonce"):
        id_token_verify(config=config, metadata=metadata, id_token=token, nonce="autre-nonce")


def test_an_unexpected_acr_is_refused(client, proconnect, agent_browser, camille, settings):
    settings.OIDC_ACR_VALUES = "eidas2"
    message = _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert "n'a pas pu être vérifiée" in message


def test_a_return_with_a_provider_error_is_explained(client, proconnect):
    _start(client)
    state = next(iter(client.session[SESSION_FLOWS]))
    response = client.get(
        reverse("proconnect_callback"), {"error": "access_denied", "state": state}
    )
    assert "annulée ou refusée" in _message(client, response)


# --- Provider down -------------------------------------------------------------------------


def test_provider_down_gives_a_french_message_not_a_500(client, proconnect, settings):
    settings.OIDC_ISSUER = DEAD_URL
    response = client.get(reverse("proconnect_login"))
    assert "momentanément indisponible" in _message(client, response)


def test_provider_down_during_the_return_gives_a_french_message(
    client, proconnect, agent_browser, camille, settings
):
    back = agent_browser.follow(_start(client), CAMILLE)
    settings.OIDC_TOKEN_ENDPOINT = f"{DEAD_URL}/token/"
    response = _callback(client, back)
    assert "momentanément indisponible" in _message(client, response)
    assert _logged_in_user_id(client) is None


# --- Throttling ----------------------------------------------------------------------------


def test_invalid_returns_lock_proconnect_for_the_address(client, proconnect):
    for _ in range(5):
        response = client.get(reverse("proconnect_callback"), {"code": "x", "state": "y" * 43})
        assert response.status_code == 302
    message = _message(client, client.get(reverse("proconnect_login")))
    assert "Trop de tentatives de connexion" in message


def test_a_username_locked_by_failed_passwords_stays_locked_with_proconnect(
    client, proconnect, agent_browser, camille
):
    for _ in range(5):
        login_failure_record(username=camille.username, ip="127.0.0.1")
    message = _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert "Trop de tentatives de connexion" in message
    assert _logged_in_user_id(client) is None


# --- Logout --------------------------------------------------------------------------------


def test_logout_goes_through_the_provider_and_back(client, proconnect, agent_browser, camille):
    proconnect_login(client, agent_browser, CAMILLE)
    id_token = client.session[SESSION_ID_TOKEN]
    assert agent_browser.is_logged_in()

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert response["Location"].startswith(f"{proconnect.issuer}/logout/")
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/deconnexion/proconnect/"]
    assert _logged_in_user_id(client) is None  # the local session ended first

    back = agent_browser.follow(response["Location"])
    assert back.startswith("http://testserver/deconnexion/proconnect/?state=")
    assert parse_qs(urlsplit(back).query)["state"] == query["state"]
    parts = urlsplit(back)
    message = _message(client, client.get(f"{parts.path}?{parts.query}"))
    assert message == "Vous êtes déconnecté de Quartiers 2030 et de ProConnect."
    assert not agent_browser.is_logged_in()
    # The next ProConnect login asks for the password again.
    forms_before = agent_browser.login_forms_seen
    proconnect_login(client, agent_browser, CAMILLE)
    assert agent_browser.login_forms_seen == forms_before + 1


def test_a_local_session_logs_out_locally(client, proconnect, camille):
    client.force_login(camille)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in_user_id(client) is None


def test_logout_when_the_provider_is_down_still_ends_the_local_session(
    client, proconnect, agent_browser, camille, settings
):
    proconnect_login(client, agent_browser, CAMILLE)
    settings.OIDC_ISSUER = DEAD_URL
    response = client.post(reverse("logout"))
    assert "ProConnect n'a pas pu être joint" in _message(client, response)
    assert _logged_in_user_id(client) is None


def test_logout_return_with_a_foreign_state_says_nothing(client, proconnect):
    session = client.session
    session[SESSION_LOGOUT_STATE] = "etat-de-cette-deconnexion"
    session.save()
    response = client.get(reverse("proconnect_logout_done"), {"state": "état-inconnu"})
    assert response.status_code == 302 and response["Location"] == "/"
