"""Which local account a ProConnect identity opens (policy: docs/auth.md, « Comptes »).

1. the identity already linked: the account linked to this issuer + `sub`;
2. otherwise the one account whose e-mail is the identity's verified e-mail, which gets linked
   to the identity. Addresses are compared on casefold(NFKC(address)); an address that NFKC
   changes (full-width letters, ligatures…) links nothing, nor may the identity's and the
   account's addresses differ in anything but ASCII letter case. An account holding the
   administrator or agent role (or staff, superuser) is linked only when an administrator
   allowed it (`User.oidc_link_allowed`, consumed by the link) and its address is ASCII: a
   look-alike address at some identity provider never opens a préfecture account;
3. otherwise an unknown agent: refused (OIDC_PROVISIONING="refuse", the default) or given a new
   account without any role (OIDC_PROVISIONING="create"): public pages only until an
   administrator grants a role and a territory.

OIDC_ALLOWED_EMAIL_DOMAINS, when set, refuses every address outside those domains (and their
subdomains). Refusals raise `OidcRefused`, whose message is shown to the agent as is.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.core.audit import AuditAction, audit_record
from quartiers.core.models import Role, User
from quartiers.core.oidc.config import OidcConfig
from quartiers.core.oidc.models import OidcIdentity

logger = logging.getLogger(__name__)

CONTACT = "contactez l'administrateur de Quartiers 2030 à la préfecture"


class OidcRefused(Exception):
    """The identity is genuine but opens no account here; the message is for the agent."""


@dataclass(frozen=True)
class OidcIdentityClaims:
    """What the provider says about the agent (ID token and userinfo claims)."""

    issuer: str
    sub: str
    email: str = ""
    email_verified: bool = False
    given_name: str = ""
    usual_name: str = ""
    uid: str = ""
    siret: str = ""
    idp_id: str = ""
    acr: str = ""

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower() if "@" in self.email else ""


def _text(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if value not in (None, "") else ""


def identity_claims(
    *, config: OidcConfig, id_claims: dict[str, Any], userinfo: dict[str, Any]
) -> OidcIdentityClaims:
    """The identity from the verified ID token and userinfo (userinfo wins for the profile).

    ProConnect sends no `email_verified`: its addresses come from the agents' administrations'
    identity providers, so with OIDC_TRUST_EMAIL (default) an address without the claim counts
    as verified; `email_verified: false` never does."""
    claims = {**id_claims, **userinfo}
    email = _text(claims.get("email"), 254)
    verified = claims.get("email_verified")
    return OidcIdentityClaims(
        issuer=config.issuer,
        sub=str(id_claims["sub"]),
        email=email,
        email_verified=bool(email)
        and (verified is True or (verified is None and config.trust_email)),
        given_name=_text(claims.get("given_name"), 150),
        usual_name=_text(claims.get("usual_name") or claims.get("family_name"), 150),
        uid=_text(claims.get("uid"), 255),
        siret=_text(claims.get("siret"), 14),
        idp_id=_text(claims.get("idp_id"), 255),
        acr=_text(id_claims.get("acr"), 100),
    )


def _domain_allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    return any(domain == item or domain.endswith("." + item) for item in allowed)


def email_key(email: str) -> str:
    """The form addresses are compared on."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def _privileged(user: User) -> bool:
    return user.is_superuser or user.is_staff or user.role in {Role.ADMIN, Role.AGENT}


def _refuse_unsafe_link(identity: OidcIdentityClaims, account: User) -> None:
    """Refuses links that a look-alike address or a privileged role make unsafe."""
    theirs, ours = identity.email.strip(), account.email.strip()
    stable = all(unicodedata.normalize("NFKC", a) == a for a in (theirs, ours))
    if not stable or theirs.lower() != ours.lower():
        raise OidcRefused(
            f"L'adresse {theirs} transmise par ProConnect ne s'écrit pas exactement comme celle "
            f"du compte Quartiers 2030 ({ours}) : la liaison est refusée ; {CONTACT}."
        )
    if not _privileged(account):
        return
    if not account.oidc_link_allowed:
        raise OidcRefused(
            f"Le compte Quartiers 2030 de l'adresse {theirs} a des droits d'administration ou "
            "d'agent : sa première connexion avec ProConnect doit être autorisée par un "
            f"administrateur ; {CONTACT} (ou connectez-vous avec votre identifiant)."
        )
    if not theirs.rsplit("@", 1)[0].isascii():
        raise OidcRefused(
            f"L'adresse {theirs} contient des caractères non ASCII : un compte d'administration "
            f"ou d'agent ne peut pas y être relié ; {CONTACT}."
        )


def _match_by_email(identity: OidcIdentityClaims) -> User | None:
    if not identity.email_verified:
        return None
    key = email_key(identity.email)
    # Accounts are few and this runs at an agent's first ProConnect login only: the database's
    # case-insensitive match knows nothing of Unicode normalisation, Python does.
    accounts = [
        user
        for user in User.objects.exclude(email="").order_by("pk")
        if email_key(user.email) == key
    ]
    if len(accounts) > 1:
        raise OidcRefused(
            f"Plusieurs comptes Quartiers 2030 portent l'adresse {identity.email} : la connexion "
            f"avec ProConnect est impossible tant qu'il en reste plusieurs ; {CONTACT}."
        )
    if not accounts:
        return None
    account = accounts[0]
    if OidcIdentity.objects.filter(issuer=identity.issuer, user=account).exists():
        raise OidcRefused(
            f"Le compte Quartiers 2030 de l'adresse {identity.email} est déjà relié à une autre "
            f"identité ProConnect ; {CONTACT}."
        )
    _refuse_unsafe_link(identity, account)
    return account


def _username_free(email: str) -> str:
    base = email.lower()[:140]
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _provision(identity: OidcIdentityClaims) -> User:
    if not identity.email_verified:
        raise OidcRefused(
            "ProConnect n'a pas transmis d'adresse électronique vérifiée : aucun compte ne peut "
            f"être créé ; {CONTACT}."
        )
    user = User.objects.create_user(
        username=_username_free(identity.email),
        email=identity.email,
        password=None,  # unusable: this account logs in with ProConnect only
        first_name=identity.given_name,
        last_name=identity.usual_name,
        role=Role.NONE,
    )
    audit_record(
        obj=user,
        user=None,
        action=AuditAction.CREATE,
        note=(
            f"Compte créé à la première connexion ProConnect ({identity.email}, SIRET "
            f"{identity.siret or '—'}), sans rôle ni territoire."
        ),
    )
    return user


def oidc_account_resolve(*, config: OidcConfig, identity: OidcIdentityClaims) -> tuple[User, bool]:
    """The account this identity opens and whether it was just created; OidcRefused when it
    opens none. Links the identity to the account matched by e-mail. Writes no login entry:
    `oidc_login_record` does, once the login has happened."""
    if config.allowed_email_domains and not _domain_allowed(
        identity.email_domain, config.allowed_email_domains
    ):
        raise OidcRefused(
            f"L'adresse {identity.email or '(non transmise)'} n'est pas admise sur Quartiers 2030 "
            f"(domaines acceptés : {', '.join(config.allowed_email_domains)})."
        )
    try:
        with transaction.atomic():
            return _resolve(config=config, identity=identity)
    except IntegrityError:
        # Two first logins of the same identity at once: the other one linked it.
        with transaction.atomic():
            return _resolve(config=config, identity=identity)


def _resolve(*, config: OidcConfig, identity: OidcIdentityClaims) -> tuple[User, bool]:
    link = (
        OidcIdentity.objects.select_related("user")
        .filter(issuer=identity.issuer, sub=identity.sub)
        .first()
    )
    created = False
    if link is None:
        user = _match_by_email(identity)
        if user is None:
            if config.provisioning != "create":
                raise OidcRefused(
                    f"Votre identité ProConnect ({identity.email or 'adresse non transmise'}) "
                    "n'est reliée à aucun compte Quartiers 2030. Demandez à l'administrateur de "
                    "la préfecture de vous créer un compte avec cette adresse, puis "
                    "reconnectez-vous."
                )
            user, created = _provision(identity), True
        link = OidcIdentity(user=user, issuer=identity.issuer, sub=identity.sub)
        if user.oidc_link_allowed:  # an administrator's permission is good for one link
            User.objects.filter(pk=user.pk).update(oidc_link_allowed=False)
            user.oidc_link_allowed = False
        if not created:
            audit_record(
                obj=user,
                user=user,
                action=AuditAction.UPDATE,
                note=(
                    f"Compte relié à l'identité ProConnect de {identity.email} "
                    f"(sub {identity.sub})."
                ),
            )
    user = link.user
    if not user.is_active:
        raise OidcRefused(f"Votre compte Quartiers 2030 est désactivé ; {CONTACT}.")
    link.email, link.siret, link.idp_id = identity.email, identity.siret, identity.idp_id
    link.save()
    return user, created


def oidc_login_record(*, user: User, identity: OidcIdentityClaims) -> None:
    """After a ProConnect login: the identity's last login and an entry in the audit trail."""
    OidcIdentity.objects.filter(issuer=identity.issuer, sub=identity.sub).update(
        last_login_at=timezone.now()
    )
    audit_record(
        obj=user,
        user=user,
        action=AuditAction.LOGIN,
        note=(
            f"Connexion avec ProConnect ({identity.email or identity.sub} ; fournisseur "
            f"d'identité {identity.idp_id or '—'} ; niveau {identity.acr or '—'})."
        ),
    )
    logger.info("Connexion ProConnect : compte %s (sub %s)", user.pk, identity.sub)
