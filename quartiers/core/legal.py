"""The footer's mandatory pages: mentions légales, données personnelles, déclaration
d'accessibilité, plan du site. Their préfecture-specific content comes from settings
(quartiers/core/site.py), the plan du site from the menu of the visitor's role."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from quartiers.core.accessibility import AUDIT_TOOL, AUDITED_DETAIL_PAGES, KNOWN_FINDINGS
from quartiers.core.menu import main_menu


def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal/legal_notice.html", {"title": "Mentions légales"})


def personal_data(request: HttpRequest) -> HttpResponse:
    context = {
        "title": "Données personnelles",
        "login_lockout_minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60),
        "geocoder_url": settings.GEOCODER_URL,
    }
    return render(request, "core/legal/personal_data.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "title": "Déclaration d’accessibilité",
        "audit_tool": AUDIT_TOOL,
        "known_findings": KNOWN_FINDINGS,
        "audited_detail_pages": [label for _key, label in AUDITED_DETAIL_PAGES],
    }
    return render(request, "core/legal/accessibility.html", context)


def site_map_sections(request: HttpRequest) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(label, url)…]) for the visitor's role: its menu, the open data, the
    information pages and the account pages."""
    menu = [(item["label"], item["url"]) for item in main_menu(request)]
    open_data = [
        ("Rapport (page web)", reverse("portal:report")),
        ("Rapport (PDF)", reverse("portal:report_pdf")),
        ("API ouverte : documentation interactive", reverse("api:openapi-view")),
        ("API ouverte : schéma OpenAPI (JSON)", reverse("api:openapi-json")),
    ]
    information = [
        ("Mentions légales", reverse("legal_notice")),
        ("Données personnelles", reverse("personal_data")),
        ("Déclaration d’accessibilité", reverse("accessibility")),
        ("Plan du site", reverse("site_map")),
    ]
    user = getattr(request, "user", None)
    account = [] if user and user.is_authenticated else [("Se connecter", reverse("login"))]
    sections = [
        ("Navigation principale", menu),
        ("Données ouvertes", open_data),
        ("Informations", information),
    ]
    if account:
        sections.append(("Compte", account))
    return sections


def site_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/legal/site_map.html",
        {"title": "Plan du site", "sections": site_map_sections(request)},
    )
