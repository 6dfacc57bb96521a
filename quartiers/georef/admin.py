"""Admin of the geocoding cache: which geocoder is configured, and a check of it (the same
report as ``manage.py geocoder_check``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse

from quartiers.georef.geocoder.check import PROTOCOL_NAMES, geocoder_check
from quartiers.georef.geocoder.types import GeocoderConfig
from quartiers.georef.models import GeocodeCache


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(admin.ModelAdmin):
    list_display = ("label", "score", "result_type", "citycode", "service", "created_at")
    list_filter = ("found", "result_type", "service")
    readonly_fields = [f.name for f in GeocodeCache._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self):
        check = self.admin_site.admin_view(self.check_view)
        return [path("verifier/", check, name="georef_geocodecache_check"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        config = GeocoderConfig.from_settings()
        url = reverse("admin:georef_geocodecache_check")
        messages.info(
            request,
            f"Géocodeur configuré : {config.service} — protocole "
            f"{PROTOCOL_NAMES[config.dialect]}. Vérifier qu'il répond et mesurer son débit : "
            f"{request.build_absolute_uri(url)}",
        )
        return super().changelist_view(request, extra_context)

    def check_view(self, request: HttpRequest) -> HttpResponseRedirect:
        if not request.user.has_perm("georef.view_geocodecache"):
            return HttpResponseRedirect(reverse("admin:index"))
        report = geocoder_check(requests=10)
        level = messages.SUCCESS if report.answers else messages.ERROR
        for line in report.lines_fr():
            messages.add_message(request, level, line)
        return HttpResponseRedirect(reverse("admin:georef_geocodecache_changelist"))
