"""Read-only admin: writes go through the pages (services + audit trail)."""

from django.contrib import admin

from quartiers.contracts.admin import ReadOnlyAdmin
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name", "kind", "signatory_category", "concerto_member")
    list_filter = ("kind", "concerto_member")


@admin.register(PrefectDelegate)
class PrefectDelegateAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "user", "is_demo")
    filter_horizontal = ("qpvs", "contracts")
    search_fields = ("name", "email")


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("contract", "organisation", "theme", "title", "status", "progress")
    list_filter = ("organisation", "status", "theme")
