"""The report as a public HTML page (/rapport/) and as an A4 PDF (/rapport.pdf, command)."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

from quartiers.contracts.models import Contract
from quartiers.contracts.services.actions import action_create
from quartiers.portal.pdf import RemoteFetchRefused, StaticOnlyFetcher, _static_uri

SECTIONS = (
    "report-key-figures",
    "report-map",
    "report-contracts",
    "report-qpv-table",
    "report-calendar",
    "report-programmes",
    "report-actions",
    "report-sources",
)
A4_POINTS = (595, 842)


def test_the_report_page_is_public_and_has_every_section(client, nord_report_data):
    response = client.get(reverse("portal:report"), {"date": "2024-04-15"})

    assert response.status_code == 200
    html = response.content.decode()
    for testid in SECTIONS:
        assert f'data-testid="{testid}"' in html, testid
    assert 'value="2024-04-15"' in html
    assert html.count('data-testid="report-qpv-row"') == 98  # 94 QPV, 4 under two contracts
    assert html.count('data-testid="report-calendar-entry"') == 10
    assert "rattachement incertain" in html
    assert f"{reverse('portal:report_pdf')}?date=2024-04-15" in html


def test_a_wrong_date_falls_back_to_today_with_a_french_message(client, nord_report_data):
    response = client.get(reverse("portal:report"), {"date": "15/04/2024"})

    assert response.status_code == 200
    assert "non reconnue (format AAAA-MM-JJ)" in response.content.decode()


def test_the_page_shows_no_lead_email_budget_or_note(client, nord_report_data):
    action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=None,
        values={
            "title": "Action visible",
            "theme": "sante",
            "is_priority": True,
            "lead_name": "Claude Secret",
            "lead_email": "claude.secret@demo.invalid",
            "budget": Decimal("98765"),
        },
    )

    html = client.get(reverse("portal:report")).content.decode()

    assert "Action visible" in html
    assert "claude.secret@demo.invalid" not in html and "Claude Secret" not in html
    assert "98765" not in html and "98 765" not in html


def test_the_pdf_is_an_a4_document_with_cover_map_tables_and_sources(client, nord_report_data):
    started = time.perf_counter()
    response = client.get(reverse("portal:report_pdf"), {"date": "2024-04-15"})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "rapport-quartiers-2030-59-2024-04-15.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 4
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4_POINTS
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Engagements Quartiers 2030 — Nord" in cover
    assert "Données au 15 avril 2024" in cover
    assert reader.metadata.title.startswith("Engagements Quartiers 2030 — Nord")
    for title in ("Chiffres clés", "Géographie prioritaire", "Calendrier de signature"):
        assert title in text
    assert "Sources et méthode" in reader.pages[-1].extract_text()
    assert elapsed < 30


def test_the_pdf_embeds_dsfr_marianne_fonts(client, nord_report_data):
    reader = PdfReader(io.BytesIO(client.get(reverse("portal:report_pdf")).content))

    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert {"Marianne", "Marianne-Bold"} <= fonts


def test_the_fetcher_serves_static_files_and_data_uris_only():
    fetcher = StaticOnlyFetcher()

    css = fetcher.fetch(_static_uri("portal/report.css"))
    assert css.content_type == "text/css" and b"@page" in css.read()
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"
    for url in (
        "https://example.org/style.css",
        "http://127.0.0.1:9/image.png",
        "ftp://example.org/font.woff2",
        Path("/etc/passwd").as_uri(),
        _static_uri("portal/report.css").replace("report.css", "../../../../settings.py"),
    ):
        with pytest.raises(RemoteFetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_a_remote_url_in_the_html_is_refused_and_the_pdf_still_renders():
    fetcher = StaticOnlyFetcher()
    html = (
        '<link rel="stylesheet" href="https://example.org/x.css">'
        '<p>Rapport</p><img src="http://127.0.0.1:9/x.png" alt="">'
        "<style>@font-face { font-family: X; src: url(https://example.org/x.woff2); }"
        "p { font-family: X; }</style>"
    )

    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()

    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == [
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        "https://example.org/x.woff2",
    ]


def test_the_report_pdf_command_writes_the_file(nord_report_data, tmp_path):
    output = tmp_path / "rapport.pdf"
    out = io.StringIO()

    call_command("report_pdf", str(output), "--date", "2024-06-01", stdout=out)

    assert output.read_bytes().startswith(b"%PDF")
    assert "Rapport au 01/06/2024" in out.getvalue()


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_is_built_once_per_data_version_and_rebuilt_after_a_change(
    client, nord_report_data
):
    url = reverse("portal:report_pdf")
    first = client.get(url, {"date": "2024-04-15"})
    assert first["X-Report-Cache"] == "MISS"
    again = client.get(url, {"date": "2024-04-15"})
    assert again["X-Report-Cache"] == "HIT" and again.content == first.content
    # Another date is another PDF.
    assert client.get(url, {"date": "2024-05-02"})["X-Report-Cache"] == "MISS"
    # A change to the data the report shows: the next request builds it again, with the change.
    contract = Contract.objects.order_by("pk").first()
    contract.name = "Contrat renommé pour le test du cache"
    contract.save()
    changed = client.get(url, {"date": "2024-04-15"})
    assert changed["X-Report-Cache"] == "MISS"
    assert "Contrat renommé pour le test du cache" in _pdf_text(changed.content)
    assert "Contrat renommé pour le test du cache" not in _pdf_text(first.content)


def test_while_another_process_rebuilds_the_pdf_others_get_the_previous_one_or_a_503(
    client, nord_report_data
):
    from django.core.cache import caches

    from quartiers.portal.pdf_cache import LOCK_KEY

    url = reverse("portal:report_pdf")
    previous = client.get(url, {"date": "2024-04-15"})
    contract = Contract.objects.order_by("pk").first()
    contract.name = "Contrat renommé pendant la reconstruction"
    contract.save()
    # Another worker holds the rebuild (the lock of the shared store).
    assert caches["report_pdf"].add(LOCK_KEY, "autre-processus", timeout=60)
    stale = client.get(url, {"date": "2024-04-15"})
    assert stale.status_code == 200 and stale["X-Report-Cache"] == "STALE"
    assert stale.content == previous.content
    # No earlier PDF of that date: « en cours de préparation », come back later.
    waiting = client.get(url, {"date": "2024-06-30"})
    assert waiting.status_code == 503
    assert int(waiting["Retry-After"]) > 0
    assert "en cours de préparation" in waiting.content.decode()
    # The rebuild over, the next request builds the current version.
    caches["report_pdf"].delete(LOCK_KEY)
    fresh = client.get(url, {"date": "2024-04-15"})
    assert fresh["X-Report-Cache"] == "MISS"
    assert "Contrat renommé pendant la reconstruction" in _pdf_text(fresh.content)
