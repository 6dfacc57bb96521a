"""The link between a local account and its identity at an OpenID Connect provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OidcIdentity(models.Model):
    """One ProConnect identity (issuer + its stable subject identifier `sub`) opening one local
    account. Created at the first ProConnect login (matched by e-mail, or provisioned); later
    logins find the account by `sub` alone, whatever becomes of the e-mail addresses."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identities",
        verbose_name="compte",
    )
    issuer = models.CharField("fournisseur d'identité (issuer)", max_length=255)
    sub = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    # What the provider last said (ProConnect claims email, siret, idp_id), for the admin.
    email = models.EmailField("adresse transmise", max_length=254, blank=True)
    siret = models.CharField("SIRET de l'administration", max_length=14, blank=True)
    idp_id = models.CharField(
        "fournisseur d'identité d'origine (idp_id)", max_length=255, blank=True
    )
    created_at = models.DateTimeField("relié le", auto_now_add=True)
    last_login_at = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = "identité ProConnect"
        verbose_name_plural = "identités ProConnect"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_identity_unique_sub"),
            models.UniqueConstraint(fields=["issuer", "user"], name="oidc_identity_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.email or self.sub} ({self.issuer})"
