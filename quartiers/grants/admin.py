from django.contrib import admin

from quartiers.grants import models


@admin.register(models.CallForProjects)
class CallAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "contract", "opens_on", "pre_application_deadline")
    list_filter = ("year",)


admin.site.register(models.CommitteeMeeting)
admin.site.register(models.Envelope)
admin.site.register(models.AssociationContact)
admin.site.register(models.AssociationMembership)


@admin.register(models.Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "rna_number", "qpv_location", "is_demo")
    search_fields = ("name", "siret", "rna_number")
