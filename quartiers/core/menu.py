"""Main navigation. Each app adds its entries here (label, URL name)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

MAIN_MENU: list[tuple[str, str]] = [
    ("Accueil", "home"),
    ("Carte", "geography:map"),
    ("Quartiers (QPV)", "geography:qpv_list"),
    ("Communes", "geography:commune_list"),
    ("EPCI", "geography:epci_list"),
    ("Contrats", "contracts:contract_list"),
    ("Chiffres clés", "indicators:key_figures"),
    ("Programmes et objectifs", "programmes:measure_list"),
]


def main_menu(request: HttpRequest) -> list[dict[str, object]]:
    items = []
    for label, name in MAIN_MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return items
