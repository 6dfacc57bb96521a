"""Main navigation. Each app adds its entries here (label, URL name)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

MAIN_MENU: list[tuple[str, str]] = [
    ("Accueil", "home"),
    ("Carte", "geography:map"),
    ("Vérifier une adresse", "georef:verify"),
    ("Quartiers (QPV)", "geography:qpv_list"),
    ("Contrats", "contracts:contract_list"),
    ("Chiffres clés", "indicators:key_figures"),
    ("Programmes et objectifs", "programmes:measure_list"),
    ("CONCERTO", "organisation:commitment_list"),
    ("Rapport", "portal:report"),
    ("Données ouvertes", "portal:subsidies"),
]
# Internal entries, shown only to the roles that may open them (quartiers.core.access).
ROLE_MENU: dict[str, list[tuple[str, str]]] = {
    "association": [("À traiter", "worklist:todo"), ("Financements", "grants:application_list")],
    "partner": [("À traiter", "worklist:todo"), ("Géoréférencer un fichier", "georef:file")],
    "delegate": [
        ("À traiter", "worklist:todo"),
        ("Géoréférencer un fichier", "georef:file"),
        ("Financements", "grants:application_list"),
        ("Mon territoire", "organisation:my_territory"),
    ],
    "admin": [
        ("À traiter", "worklist:todo"),
        ("Géoréférencer un fichier", "georef:file"),
        ("Financements", "grants:application_list"),
        ("Délégués", "organisation:delegate_list"),
        ("Imports", "imports:index"),
    ],
    "agent": [
        ("À traiter", "worklist:todo"),
        ("Géoréférencer un fichier", "georef:file"),
        ("Financements", "grants:application_list"),
        ("Délégués", "organisation:delegate_list"),
        ("Imports", "imports:index"),
    ],
}


def main_menu(request: HttpRequest) -> list[dict[str, object]]:
    from quartiers.core.access import role_of

    items = []
    for label, name in MAIN_MENU + ROLE_MENU.get(role_of(getattr(request, "user", None)), []):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return items
