"""Which existing account a ProConnect identity may be linked to by its e-mail: never an
administrator or agent account unless an administrator allowed it, and never through a
look-alike address (docs/auth.md, « Comptes »)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quartiers.core.models import Role, User
from quartiers.core.oidc.accounts import OidcIdentityClaims, OidcRefused, oidc_account_resolve
from quartiers.core.oidc.config import oidc_config
from quartiers.core.oidc.models import OidcIdentity
from tests.core.test_proconnect import _logged_in_user_id, _message, proconnect_login
from tests.oidc_provider.world import CAMILLE

pytestmark = pytest.mark.django_db
REFUSED_PRIVILEGED = "doit être autorisée par un administrateur"


def _account(role: str, email: str = CAMILLE.email.lower(), **extra) -> User:
    return User.objects.create_user(
        username=f"compte-{role}", email=email, password="mot-de-passe-local", role=role, **extra
    )


@pytest.mark.parametrize("role", [Role.AGENT, Role.ADMIN])
def test_an_agent_or_admin_account_is_not_linked_by_email_without_permission(
    client, proconnect, agent_browser, role
):
    account = _account(role)
    message = _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert REFUSED_PRIVILEGED in message
    assert _logged_in_user_id(client) is None
    assert not OidcIdentity.objects.exists()
    account.refresh_from_db()
    assert account.oidc_link_allowed is False


def test_a_staff_delegate_account_is_not_linked_either(client, proconnect, agent_browser):
    _account(Role.DELEGATE, is_staff=True)
    assert REFUSED_PRIVILEGED in _message(client, proconnect_login(client, agent_browser, CAMILLE))
    assert not OidcIdentity.objects.exists()


def test_an_administrators_permission_allows_one_link_then_the_sub_opens_the_account(
    client, proconnect, agent_browser, prefecture_admin
):
    account = _account(Role.AGENT)
    # The administrator ticks the box in the account's admin page.
    admin = Client()
    admin.force_login(prefecture_admin)
    page = admin.get(reverse("admin:core_user_change", args=[account.pk]))
    assert 'name="oidc_link_allowed"' in page.content.decode()
    User.objects.filter(pk=account.pk).update(oidc_link_allowed=True)

    proconnect_login(client, agent_browser, CAMILLE)
    assert _logged_in_user_id(client) == str(account.pk)
    account.refresh_from_db()
    assert account.oidc_link_allowed is False  # consumed by the link
    assert OidcIdentity.objects.filter(user=account).count() == 1
    # Later logins go by the stored sub.
    client.logout()
    proconnect_login(client, agent_browser, CAMILLE)
    assert _logged_in_user_id(client) == str(account.pk)
    # Unlinked by an administrator: linking again needs a new permission.
    OidcIdentity.objects.filter(user=account).delete()
    client.logout()
    assert REFUSED_PRIVILEGED in _message(client, proconnect_login(client, agent_browser, CAMILLE))


def test_a_delegate_account_is_linked_by_email_as_before(client, proconnect, agent_browser):
    account = _account(Role.DELEGATE)
    proconnect_login(client, agent_browser, CAMILLE)
    assert _logged_in_user_id(client) == str(account.pk)
    assert OidcIdentity.objects.filter(user=account).exists()


# --- look-alike addresses (the resolver, with identities as the provider would send them) ---


def _resolve(settings, email: str) -> User:
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = "https://fournisseur.test/o", "client"
    identity = OidcIdentityClaims(
        issuer="https://fournisseur.test/o", sub=f"sub-{email}", email=email, email_verified=True
    )
    return oidc_account_resolve(config=oidc_config(), identity=identity)[0]


def test_an_address_differing_only_in_ascii_case_is_linked(settings):
    account = _account(Role.AGENT, email="camille.martin@nord.gouv.fr", oidc_link_allowed=True)
    assert _resolve(settings, "Camille.MARTIN@Nord.Gouv.Fr") == account


@pytest.mark.parametrize(
    ("stored", "sent", "role"),
    [
        # Full-width « ｃ » (U+FF43): NFKC makes it « c ».
        ("camille.martin@nord.gouv.fr", "\uff43amille.martin@nord.gouv.fr", Role.AGENT),
        # The ligature « ﬁ » (U+FB01): NFKC makes it « fi ».
        ("fiona@nord.gouv.fr", "\ufb01ona@nord.gouv.fr", Role.DELEGATE),
        # « ß » casefolds to « ss ».
        ("strasse@nord.gouv.fr", "straße@nord.gouv.fr", Role.DELEGATE),
    ],
)
def test_look_alike_addresses_never_open_the_account(settings, stored, sent, role):
    account = _account(role, email=stored, oidc_link_allowed=True)
    with pytest.raises(OidcRefused, match="ne s'écrit pas exactement"):
        _resolve(settings, sent)
    assert not OidcIdentity.objects.filter(user=account).exists()


def test_a_non_ascii_local_part_links_a_delegate_but_never_an_agent(settings):
    delegate = _account(Role.DELEGATE, email="élodie@nord.gouv.fr")
    assert _resolve(settings, "Élodie@nord.gouv.fr") == delegate
    agent = _account(Role.AGENT, email="anaïs@nord.gouv.fr", oidc_link_allowed=True)
    with pytest.raises(OidcRefused, match="caractères non ASCII"):
        _resolve(settings, "anaïs@nord.gouv.fr")
    assert not OidcIdentity.objects.filter(user=agent).exists()
