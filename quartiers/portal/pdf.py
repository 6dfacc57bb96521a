"""PDF rendering of the report with WeasyPrint, offline, tagged
(PDF/UA-1: an accessible PDF with its structure tree).

WeasyPrint fetches stylesheets, fonts and images through a URL fetcher; ours serves only
`data:` URIs and files under the static directories (DSFR's Marianne fonts, our print CSS) and
refuses everything else — http(s), ftp, files elsewhere on disk — so a report never reaches the
network nor reads arbitrary files, whatever the data it prints contains.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from quartiers.portal.report import ReportData

FONT_FILES = {
    ("normal", 400): "dsfr/dist/fonts/Marianne-Regular.woff2",
    ("italic", 400): "dsfr/dist/fonts/Marianne-Regular_Italic.woff2",
    ("normal", 500): "dsfr/dist/fonts/Marianne-Medium.woff2",
    ("normal", 700): "dsfr/dist/fonts/Marianne-Bold.woff2",
    ("italic", 700): "dsfr/dist/fonts/Marianne-Bold_Italic.woff2",
}
PRINT_CSS = "portal/report.css"
PDF_VARIANT = "pdf/ua-1"
MIME_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class RemoteFetchRefused(ValueError):
    pass


def static_roots() -> list[Path]:
    roots = []
    for finder in finders.get_finders():
        for _path, storage in finder.list([]):
            location = getattr(storage, "location", None)
            if location and Path(location).resolve() not in roots:
                roots.append(Path(location).resolve())
    return roots


class StaticOnlyFetcher(URLFetcher):
    """Serves `data:` URIs and static files; refuses (and records) any other URL."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.roots = roots if roots is not None else static_roots()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlparse(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                kind = MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), headers={"Content-Type": kind}
                )
        self.refused.append(url)
        raise RemoteFetchRefused(f"ressource refusée (hors fichiers statiques) : {url}")


def _static_uri(name: str) -> str:
    found = finders.find(name)
    return Path(found).resolve().as_uri() if found else ""


def font_faces_css() -> str:
    """@font-face rules pointing at DSFR's Marianne files (file:// URLs, no network)."""
    rules = []
    for (style, weight), name in FONT_FILES.items():
        if uri := _static_uri(name):
            rules.append(
                f'@font-face {{ font-family: "Marianne"; font-style: {style}; '
                f'font-weight: {weight}; src: url("{uri}") format("woff2"); }}'
            )
    return "\n".join(rules)


def report_html_print(*, report: ReportData) -> str:
    return render_to_string(
        "portal/report_print.html",
        {
            "report": report,
            "font_faces": font_faces_css(),
            "print_css_uri": _static_uri(PRINT_CSS),
        },
    )


def report_pdf_render(*, report: ReportData, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    html = report_html_print(report=report)
    fetcher = fetcher or StaticOnlyFetcher()
    # Tagged PDF (PDF/UA-1): structure tree (headings, tables, figures with their captions),
    # document language and title, so that screen readers read it in order.
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def report_pdf_filename(*, on: date, departement_code: str) -> str:
    return f"rapport-quartiers-2030-{departement_code}-{on:%Y-%m-%d}.pdf"
