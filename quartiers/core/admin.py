from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quartiers.core.models import User
from quartiers.core.oidc.models import OidcIdentity


class OidcIdentityInline(admin.TabularInline):
    """The account's ProConnect identity: deleting it unlinks the account (docs/auth.md)."""

    model = OidcIdentity
    extra = 0
    can_delete = True
    fields = ("issuer", "sub", "email", "siret", "idp_id", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # linked at the agent's first ProConnect login only


@admin.register(User)
class QuartiersUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Rôle", {"fields": ("role", "organisation")}),
        ("ProConnect", {"fields": ("oidc_link_allowed",)}),
    )
    list_display = ("username", "email", "role", "organisation", "is_staff")
    list_filter = ("role", "is_staff", "is_active")
    inlines = (OidcIdentityInline,)
