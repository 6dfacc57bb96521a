from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from quartiers.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("quartiers.core.urls")),
    path("", include("quartiers.geography.urls")),
    path("", include("quartiers.georef.urls")),
    path("", include("quartiers.indicators.urls")),
    path("", include("quartiers.programmes.urls")),
    path("", include("quartiers.contracts.urls")),
    path("", include("quartiers.organisation.urls")),
    path("", include("quartiers.grants.urls")),
    path("", include("quartiers.worklist.urls")),
    path("", include("quartiers.imports.urls")),
    path("", include("quartiers.portal.urls")),
    path("api/", api.urls),
]
handler400 = "quartiers.core.errors.bad_request"
handler403 = "quartiers.core.errors.permission_denied"
handler404 = "quartiers.core.errors.page_not_found"
handler500 = "quartiers.core.errors.server_error"
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
