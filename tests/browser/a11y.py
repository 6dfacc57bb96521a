"""Accessibility audit: axe-core (vendored, tests/vendor/axe-core-<version>, no download) run in
headless Chromium on every page of the URL conf a role can open (`make a11y`,
tests/browser/test_accessibility.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from quartiers.core.accessibility import AXE_CORE_VERSION

AXE_JS = (
    Path(__file__).resolve().parent.parent
    / "vendor"
    / f"axe-core-{AXE_CORE_VERSION}"
    / "axe.min.js"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# Not pages of the site: Django's admin, the JSON API (its Swagger UI is a third-party tool, see
# the accessibility statement), the login/logout round trips, files.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/deconnexion/", "/connexion/proconnect/", "/media/")
SKIPPED_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".png", ".geojson")


@dataclass(frozen=True)
class Finding:
    url: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def parameterless_paths() -> list[str]:
    """Every route of the URL conf without a parameter, as a path ("/carte/")."""
    paths = []
    for route in _walk(get_resolver().url_patterns):
        if "<" in route or route.startswith("^") or "(?P" in route:
            continue
        path = "/" + route
        if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES):
            continue
        if path not in paths:
            paths.append(path)
    return paths


def page_audit(page, url: str) -> list[Finding]:
    """axe-core's WCAG 2.1 A/AA violations on the page loaded at `url`."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        Finding(
            url=url,
            rule=v["id"],
            impact=v.get("impact") or "",
            help=v["help"],
            targets=tuple(str(n["target"]) for n in v["nodes"][:3]),
        )
        for v in result["violations"]
    ]
