"""The provider's clients and agents, shared by the provider (serve.py) and the tests. Plain
data: importable without Django."""

from __future__ import annotations

from dataclasses import dataclass

# The app's pages on the provider's side: Django's test client (testserver) and the live test
# server (localhost, any port).
REDIRECT_URIS = (
    "http://testserver/connexion/proconnect/retour/",
    "http://localhost/connexion/proconnect/retour/",
)
POST_LOGOUT_REDIRECT_URIS = (
    "http://testserver/deconnexion/proconnect/",
    "http://localhost/deconnexion/proconnect/",
)


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str
    # ProConnect answers userinfo with a signed JWT (application/jwt); the other client gets JSON.
    userinfo_jwt: bool
    # ProConnect takes no PKCE parameter; the JSON client exercises PKCE (S256).
    pkce: bool


PROCONNECT_LIKE = Client("quartiers-proconnect", "secret-proconnect-de-test", True, False)
JSON_PKCE = Client("quartiers-json-pkce", "secret-json-de-test", False, True)
CLIENTS = (PROCONNECT_LIKE, JSON_PKCE)


@dataclass(frozen=True)
class Agent:
    username: str
    email: str
    given_name: str
    usual_name: str
    password: str = "mot-de-passe-du-fournisseur"


# Known to the app when a test creates an account with this e-mail.
CAMILLE = Agent("camille.martin", "Camille.Martin@nord.gouv.fr", "Camille", "Martin")
# Never known to the app: refused or provisioned.
DOMINIQUE = Agent("dominique.petit", "dominique.petit@nord.gouv.fr", "Dominique", "Petit")
# An address outside the State's domains.
EXTERNE = Agent("claude.externe", "claude@exemple.org", "Claude", "Externe")
AGENTS = (CAMILLE, DOMINIQUE, EXTERNE)

# ProConnect claims fixed for every agent of this provider.
SIRET = "13002526500013"
IDP_ID = "fournisseur-de-test"
ACR = "eidas1"


def pkce_required(client_id: str) -> bool:
    """OAUTH2_PROVIDER["PKCE_REQUIRED"]: per client."""
    return any(client.client_id == client_id and client.pkce for client in CLIENTS)
