"""Read-mostly admin: writes should go through the pages (services + audit trail)."""

from django.contrib import admin

from quartiers.contracts.models import Action, Contract, ContractQPV, Milestone, Signatory
from quartiers.core.audit import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes made here would bypass the rules and the audit trail: consultation only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "generation", "carrier_kind", "carrier_code", "status")
    list_filter = ("generation", "status", "carrier_kind")
    search_fields = ("code", "name")


@admin.register(ContractQPV)
class ContractQPVAdmin(ReadOnlyAdmin):
    list_display = ("contract", "qpv", "link_status", "source_contract_count")
    list_filter = ("link_status",)


@admin.register(Signatory)
class SignatoryAdmin(ReadOnlyAdmin):
    list_display = ("contract", "category", "name", "required", "status", "signed_on")
    list_filter = ("category", "required", "status")


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("title", "contract", "is_priority", "theme", "status", "progress")
    list_filter = ("is_priority", "theme", "status", "is_example")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("label", "action", "due_on", "done_on")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "object_repr")
    list_filter = ("action", "content_type")
