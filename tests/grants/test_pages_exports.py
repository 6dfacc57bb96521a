"""Every funding page renders on the demo content; every list exports to CSV and XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from quartiers.core.models import Role, User
from quartiers.grants.demo import DEMO_ACCOUNT, seed_grants_demo
from quartiers.grants.models import Agreement, Application, Association, CallForProjects
from tests.helpers import response_close

pytestmark = pytest.mark.django_db

EXPORTS = {
    "/financements/export": "Intitulé de l'action",
    "/financements/associations/export": "SIRET",
    "/financements/appels/export": "Pré-dossiers avant le",
    "/financements/conventions/export": "Tranches (€)",
    "/financements/budget/export": "Programmé (€)",
    "/financements/bilans/export": "Bilan attendu le",
    "/financements/ciblage/export": "Part en QPV (%)",
}


@pytest.fixture
def demo(contracts):
    User.objects.create_user(username=DEMO_ACCOUNT, password="x", role=Role.ASSOCIATION)
    return seed_grants_demo()


def test_the_demo_seed_is_idempotent_and_clearly_marked(demo):
    assert (demo.associations, demo.calls, demo.applications) == (3, 3, 6)
    counts = (
        Association.objects.count(),
        CallForProjects.objects.count(),
        Application.objects.count(),
        Agreement.objects.count(),
    )
    again = seed_grants_demo()
    assert (again.associations, again.calls, again.applications) == (0, 0, 0)
    assert (
        Association.objects.count(),
        CallForProjects.objects.count(),
        Application.objects.count(),
        Agreement.objects.count(),
    ) == counts
    assert all(
        a.name.startswith("Association démo") and a.is_demo for a in Association.objects.all()
    )
    cpo = Agreement.objects.get(reference="CPO-DEMO-2025-001")
    assert cpo.tranches.count() == 3
    assert User.objects.get(
        username=DEMO_ACCOUNT
    ).association_membership.association.name.startswith("Association démo")
    locations = set(Association.objects.values_list("qpv_location", flat=True))
    assert "en_qpv" in locations  # located by the georef engine


def test_every_page_renders_for_an_agent(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    application = Application.objects.filter(status="conventionnee").first()
    urls = [
        "/financements/",
        "/financements/associations/",
        "/financements/appels/",
        "/financements/conventions/",
        "/financements/budget/?annee=2025",
        "/financements/bilans/",
        "/financements/ciblage/",
        "/financements/import/",
        "/financements/associations/nouvelle/",
        f"/financements/dossiers/{application.uuid}/",
        f"/financements/associations/{application.association.uuid}/",
        f"/financements/dossiers/nouveau/?association={application.association.uuid}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "45\u202f000,00\u00a0€" in client.get("/financements/budget/?annee=2025").content.decode()
    )


@pytest.mark.parametrize("stem, header", EXPORTS.items())
def test_every_list_exports_to_csv_and_xlsx(demo, client, prefecture_agent, stem, header):
    client.force_login(prefecture_agent)
    csv_response = client.get(f"{stem}.csv?annee=2025")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert header in csv_response.content.decode("utf-8-sig").splitlines()[0]
    xlsx_response = client.get(f"{stem}.xlsx?annee=2025")
    assert xlsx_response.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert header in [c.value for c in sheet[1]]
    assert client.get(f"{stem}.pdf").status_code == 404


def test_an_agent_registers_an_association_located_by_the_georef_engine(
    contracts, client, prefecture_agent
):
    qpv = contracts["CN05911M"].qpvs.order_by("code").first()
    import shapely

    point = shapely.from_wkb(qpv.contour_wkb).representative_point()
    client.force_login(prefecture_agent)
    response = client.post(
        "/financements/associations/nouvelle/",
        {
            "name": "Association du quartier",
            "siret": "732 829 320 00074",
            "rna_number": "W595001234",
            "lon": point.x,
            "lat": point.y,
        },
    )
    assert response.status_code == 302
    association = Association.objects.get(siret="73282932000074")
    assert (association.qpv_location, association.qpv, association.siren) == (
        "en_qpv",
        qpv,
        "732829320",
    )
    bad = client.post(
        "/financements/associations/nouvelle/", {"name": "X", "siret": "73282932000075"}
    )
    assert "clé de contrôle de Luhn" in bad.content.decode()


def test_a_pdf_document_is_checked_by_content(demo, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = User.objects.get(username=DEMO_ACCOUNT)
    client.force_login(member)
    draft = Application.objects.get(status="brouillon")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("statuts.pdf", b"not a pdf", content_type="application/pdf")
    client.post(
        f"/financements/dossiers/{draft.uuid}/documents/", {"kind": "statuts", "file": fake}
    )
    assert not draft.documents.exists()
    real = SimpleUploadedFile("statuts.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(
        f"/financements/dossiers/{draft.uuid}/documents/",
        {"kind": "statuts", "title": "Statuts", "file": real},
    )
    document = draft.documents.get()
    response = client.get(f"/financements/dossiers/{draft.uuid}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response_close(response)
