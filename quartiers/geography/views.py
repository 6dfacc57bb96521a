"""Placeholder views; the pages are built in the foundation issue."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _todo(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "geography/placeholder.html", {"title": title})


def map_page(request: HttpRequest) -> HttpResponse:
    return _todo(request, "Carte")


def qpv_list(request: HttpRequest) -> HttpResponse:
    return _todo(request, "Quartiers prioritaires")


def commune_list(request: HttpRequest) -> HttpResponse:
    return _todo(request, "Communes")


def epci_list(request: HttpRequest) -> HttpResponse:
    return _todo(request, "EPCI")
