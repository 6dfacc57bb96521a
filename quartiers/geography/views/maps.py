"""The interactive map page and the GeoJSON endpoints read by static/js/map.js."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from quartiers.core.pagecache import public_page
from quartiers.geography.mapdata import (
    AREA_KINDS,
    LAYERS,
    Payload,
    area_payload,
    layer_payload,
    tolerance_resolve,
)
from quartiers.geography.models import Departement
from quartiers.geography.selectors import key_counts
from quartiers.geography.views.common import map_layer, request_generation

LAYER_LABELS = {
    "departement": "Département",
    "arrondissements": "Arrondissements",
    "communes": "Communes comptant un QPV",
    "qpv": "Quartiers prioritaires (QPV)",
}


@public_page()
def map_page(request: HttpRequest) -> HttpResponse:
    generation = request_generation(request)
    query = f"?generation={generation}"
    # Drawn bottom to top; QPV last so they stay clickable.
    layers = [
        map_layer(
            layer_id=layer,
            label=LAYER_LABELS[layer],
            url=reverse("geography:layer_geojson", args=[layer]) + query,
            fit=layer == "departement",
        )
        for layer in ("departement", "arrondissements", "communes", "qpv")
    ]
    # Zoomed in (street level), map.js swaps the QPV layer for its unsimplified version.
    layers[-1]["detail_url"] = layers[-1]["url"] + "&simplification=0"
    return render(
        request,
        "geography/map.html",
        {
            "title": "Carte des quartiers prioritaires",
            "breadcrumb": [("Carte", None)],
            "map_layers": layers,
            "counts": key_counts(generation=generation),
            "departements": Departement.objects.filter(qpvs__generation=generation).distinct(),
            "generation": generation,
        },
    )


def _payload_response(request: HttpRequest, payload: Payload) -> HttpResponse:
    """Serve a cached GeoJSON payload: gzipped when accepted, 304 when unchanged."""
    if request.headers.get("If-None-Match") == payload.etag:
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(payload.gzipped, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(payload.raw, content_type="application/geo+json")
    response["ETag"] = payload.etag
    # Always revalidate: an import must show up at once; the 304 costs a few queries.
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def layer_geojson(request: HttpRequest, layer: str) -> HttpResponse:
    if layer not in LAYERS:
        raise Http404("Couche inconnue.")
    payload = layer_payload(
        layer=layer,
        generation=request_generation(request),
        tolerance=tolerance_resolve(raw=request.GET.get("simplification")),
    )
    return _payload_response(request, payload)


def area_geojson(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    if kind not in AREA_KINDS:
        raise Http404("Type de territoire inconnu.")
    payload = area_payload(kind=kind, code=code, generation=request_generation(request))
    if payload is None:
        raise Http404("Territoire inconnu.")
    return _payload_response(request, payload)
