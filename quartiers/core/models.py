"""Users and their role. Per-territory rights build on `role` (contracts issue)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur préfecture"
    AGENT = "agent", "Agent de la mission politique de la ville"
    DELEGATE = "delegate", "Délégué du préfet"
    PARTNER = "partner", "Partenaire signataire"
    ASSOCIATION = "association", "Association"
    # An account provisioned at its first ProConnect login (docs/auth.md): public pages only
    # until an administrator grants a role.
    NONE = "none", "Aucun rôle (en attente d'attribution)"


class User(AbstractUser):
    """A person who logs in. Anonymous visitors are the public role and have no row."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.AGENT)
    organisation = models.CharField("organisation", max_length=200, blank=True)
    # A partner account acts for one organisation (France Travail, CAF…): it edits that
    # organisation's CONCERTO commitments and the actions it leads (quartiers.core.access).
    partner_organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name="organisme partenaire",
    )

    # ProConnect may link this account by e-mail at its next first login even though it holds
    # the administrator or agent role (docs/auth.md); consumed by that link.
    oidc_link_allowed = models.BooleanField(
        "liaison ProConnect par adresse électronique autorisée",
        default=False,
        help_text=(
            "Un compte administrateur ou agent n'est relié à une identité ProConnect par son "
            "adresse électronique que si cette case est cochée ; elle se décoche une fois la "
            "liaison faite."
        ),
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"


# The audit trail model lives in its own module; import it so Django always registers it.
from quartiers.core.audit import AuditEntry  # noqa: E402, F401
from quartiers.core.oidc.models import OidcIdentity  # noqa: E402, F401
