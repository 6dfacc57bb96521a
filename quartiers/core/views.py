from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quartiers.core.pagecache import public_page

# What the home page shows, given by the apps (AppConfig.ready): core imports none of them.
_HOME_CONTEXT: list[Callable[[HttpRequest], dict[str, Any]]] = []


def home_context_register(provider: Callable[[HttpRequest], dict[str, Any]]) -> None:
    _HOME_CONTEXT.append(provider)


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"title": "Accueil"}
    for provider in _HOME_CONTEXT:
        context.update(provider(request))
    return render(request, "core/home.html", context)
