from django.contrib import admin

from quartiers.programmes.models import Dispositif, Measure, Programme, ProgressEntry


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "responsible_body", "dispositif_kind", "declared_total"]


class ProgressEntryInline(admin.TabularInline):
    model = ProgressEntry
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["label", "programme", "scope", "target_value", "deadline"]
    list_filter = ["programme", "theme", "scope"]
    search_fields = ["label", "code"]
    inlines = [ProgressEntryInline]


@admin.register(Dispositif)
class DispositifAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "start_date", "end_date"]
    list_filter = ["kind"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune", "qpvs", "contracts"]
