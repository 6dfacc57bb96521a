from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quartiers.geography.selectors import key_counts


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"counts": key_counts(), "title": "Accueil"})
