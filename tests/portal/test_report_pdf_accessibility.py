"""The report PDF is tagged (accessible PDF) and marks every estimated NPNRU figure « estimé »
as the site does."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from quartiers.geography.models import QPV, NpnruStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_pdf(client, nord_report_data) -> PdfReader:
    response = client.get(reverse("portal:report_pdf"), {"date": "2024-04-15"})
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def test_the_pdf_is_tagged_with_a_structure_tree_language_and_title(report_pdf):
    root = report_pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree["/K"]  # the document's structure elements
    assert str(root["/Lang"]).lower().startswith("fr")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    # Every page's content is linked to the structure tree.
    assert all("/StructParents" in page for page in report_pdf.pages)


def _structure_types(node, seen: set[str]) -> set[str]:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_types(child, seen)
        return seen
    if hasattr(node, "get") and node.get("/S"):
        seen.add(str(node["/S"]))
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is not None and not isinstance(kids, int):
        _structure_types(kids, seen)
    return seen


def test_the_structure_tree_has_headings_tables_and_figures(report_pdf):
    tree = report_pdf.trailer["/Root"]["/StructTreeRoot"]
    types = _structure_types(tree["/K"], set())
    assert {"/H1", "/H2", "/Table", "/TR", "/TH", "/TD", "/Figure"} <= types, types


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_every_estimated_npnru_figure_is_marked_estime(report_pdf):
    estimated = QPV.objects.filter(generation=2024, npnru_status=NpnruStatus.UNKNOWN).exclude(
        npnru_estimate=""
    )
    assert estimated.exists(), "la base de test doit contenir des statuts NPNRU estimés"
    text = _text(report_pdf)
    sentence = re.search(r"dont \d+ concernés par un projet de renouvellement urbain[^.]*\.", text)
    assert sentence, text[:2000]
    assert "estimé, à vérifier" in sentence.group(0)
    assert f"pour {estimated.count()} QPV" in sentence.group(0)
    # The contracts' table: each estimated QPV row says « (estimé) »; one row per contract the
    # QPV belongs to, so at least one mark per estimated QPV.
    assert text.count("(estimé)") >= estimated.count()
    for code in estimated.values_list("code", flat=True)[:5]:
        assert re.search(rf"{code} .{{0,160}}?\(estimé\)", text), code
