"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import (  # noqa: F401 - the handlers are looked up on this module
    handler400,
    handler403,
    handler404,
    handler500,
)
from config.urls import urlpatterns as site_urlpatterns


def _server_error(request):
    raise RuntimeError("panne simulée")


def _bad_request(request):
    raise SuspiciousOperation("requête suspecte simulée")


urlpatterns = [
    path("essai/erreur-500/", _server_error),
    path("essai/erreur-400/", _bad_request),
    *site_urlpatterns,
]
