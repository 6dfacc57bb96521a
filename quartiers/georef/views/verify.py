"""« Vérifier une adresse »: public, works without JavaScript (GET form, server-rendered
answer); static/js/verifier.js adds the map and answers clicks through the JSON API."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from quartiers.core.rate_limit import request_throttle_wait
from quartiers.georef.forms import VerifyForm
from quartiers.georef.lookup import (
    Answer,
    LookupInputError,
    address_locate,
    coordinate_parse,
    point_locate,
)


def _lookup(form: VerifyForm, generation: int) -> Answer | None:
    data = form.cleaned_data
    if data["lon"] or data["lat"]:
        lon = coordinate_parse(text=data["lon"], name="longitude")
        lat = coordinate_parse(text=data["lat"], name="latitude")
        return point_locate(lon=lon, lat=lat, generation=generation)
    if data["adresse"].strip():
        return address_locate(q=data["adresse"], generation=generation)
    return None


def _asks_lookup(form: VerifyForm) -> bool:
    data = form.cleaned_data
    return bool(data["lon"] or data["lat"] or data["adresse"].strip())


def verify_page(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None, initial={"generation": str(settings.QPV_GENERATION)})
    answer: Answer | None = None
    error = ""
    wait: int | None = None
    generation = int(settings.QPV_GENERATION)
    if form.is_bound and form.is_valid():
        generation = int(form.cleaned_data["generation"] or generation)
        # Each lookup counts in the client's API bucket (quartiers/core/rate_limit.py).
        if _asks_lookup(form) and (wait := request_throttle_wait(request)) is not None:
            error = (
                f"Trop de recherches : réessayez dans {wait} s (limite par visiteur et par "
                "minute, commune avec l'API)."
            )
        else:
            try:
                answer = _lookup(form, generation)
            except LookupInputError as exc:
                error = exc.message[:1].upper() + exc.message[1:]
        if answer is None and not error:
            error = "Saisissez une adresse, ou des coordonnées, ou cliquez sur la carte."
    elif form.is_bound:
        error = "Formulaire invalide : " + " ".join(
            str(message) for messages in form.errors.values() for message in messages
        )
    query = f"?generation={generation}"
    response = render(
        request,
        "georef/verify.html",
        {
            "title": "Vérifier une adresse",
            "breadcrumb": [("Vérifier une adresse", None)],
            "form": form,
            "answer": answer,
            "error": error,
            "generation": generation,
            "tolerance_m": settings.GEOREF_BOUNDARY_TOLERANCE_M,
            "min_score": settings.GEOREF_MIN_SCORE,
            "map_config": {
                "point_url": reverse("api:georef_point"),
                "qpv_url": reverse("geography:layer_geojson", args=["qpv"]) + query,
                "qpv_detail_url": reverse("geography:layer_geojson", args=["qpv"])
                + query
                + "&simplification=0",
                "area_url": reverse("geography:area_geojson", args=["qpv", "CODE"]) + query,
                "qpv_page_url": reverse("geography:qpv_detail", args=["CODE"]) + query,
                "generation": generation,
                "result": _result_marker(answer),
            },
        },
        status=200 if wait is None else 429,
    )
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


def _result_marker(answer: Answer | None) -> dict | None:
    if answer is None:
        return None
    return {
        "lon": answer.lon,
        "lat": answer.lat,
        "status": answer.status,
        "qpv": answer.qpv.code if answer.qpv else None,
        "nearest": answer.nearest.code if answer.nearest else None,
    }
