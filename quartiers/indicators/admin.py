from django.contrib import admin

from quartiers.indicators.models import Indicator, IndicatorValue


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "kind", "unit", "theme", "source", "vintage", "core_set")
    list_filter = ("kind", "theme", "core_set", "additive")
    search_fields = ("code", "label")
    raw_id_fields = ("numerator", "denominator")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = (
        "indicator",
        "territory_kind",
        "territory_code",
        "period",
        "value",
        "suppressed",
        "source",
        "vintage",
    )
    list_filter = ("territory_kind", "suppressed", "indicator")
    search_fields = ("territory_code", "indicator__code")
    raw_id_fields = ("indicator", "import_run")
