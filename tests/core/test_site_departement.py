"""The préfecture's name follows the DEPARTEMENT setting: header, footer, legal pages, report,
e-mails. The expected names are written by hand (the COG's article type, « type de nom en
clair », read by a person: Rhône is « le Rhône », the Bouches-du-Rhône « les », La Réunion
carries its article in its name)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from quartiers.core.site import site_identity
from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune, Departement
from quartiers.shared.placenames import PlaceName, departement_place_name
from tests.browser.a11y import parameterless_paths

NORD_WORD = re.compile(r"\bNord\b")


@pytest.mark.parametrize(
    ("code", "with_article", "of"),
    [
        ("59", "le Nord", "du Nord"),
        ("69", "le Rhône", "du Rhône"),
        ("13", "les Bouches-du-Rhône", "des Bouches-du-Rhône"),
        ("974", "La Réunion", "de La Réunion"),
        ("01", "l'Ain", "de l'Ain"),
        ("2A", "la Corse-du-Sud", "de la Corse-du-Sud"),
        ("75", "Paris", "de Paris"),
    ],
)
def test_a_departement_name_takes_the_article_of_its_cog_name_type(
    data_dir, code, with_article, of
):
    place = departement_place_name(data_dir=data_dir, code=code)

    assert place is not None
    assert (place.with_article, place.of) == (with_article, of)


def test_an_unknown_name_type_is_refused_in_french():
    with pytest.raises(ValueError, match="Type de nom en clair"):
        PlaceName("Nulle part", 9)


@pytest.mark.parametrize(
    ("code", "title", "prefet", "prefecture", "director"),
    [
        ("69", "Préfète", "Préfète du Rhône", "Préfecture du Rhône", "La préfète du Rhône"),
        (
            "13",
            "Préfet",
            "Préfet des Bouches-du-Rhône",
            "Préfecture des Bouches-du-Rhône",
            "Le préfet des Bouches-du-Rhône",
        ),
        (
            "974",
            "Préfet",
            "Préfet de La Réunion",
            "Préfecture de La Réunion",
            "Le préfet de La Réunion",
        ),
    ],
)
def test_the_site_identity_derives_from_the_departement_setting(
    settings, data_dir, code, title, prefet, prefecture, director
):
    settings.DEPARTEMENT = code
    settings.SITE_PREFET_TITLE = title

    site = site_identity()

    assert site.prefet == prefet
    assert site.prefecture == site.host_name == prefecture
    assert site.publication_director == director
    assert site.logo_lines == (title, prefet.removeprefix(title + " "))
    assert site.address == site.contact_url == ""  # the Nord's are never shown elsewhere


def test_site_settings_still_override_the_derived_names(settings, data_dir):
    settings.DEPARTEMENT = "69"
    settings.SITE_PREFECTURE_NAME = "Préfecture de la région Auvergne-Rhône-Alpes"
    settings.SITE_LOGO_LINES = ["Préfet", "de la région", "Auvergne-Rhône-Alpes"]

    site = site_identity()

    assert site.prefecture == "Préfecture de la région Auvergne-Rhône-Alpes"
    assert site.logo_lines == ("Préfet", "de la région", "Auvergne-Rhône-Alpes")
    assert site.publication_director == "Le préfet du Rhône"


# --- The application set up for the Rhône (no Nord row left) -------------------------------


@pytest.fixture
def rhone(db, data_dir, settings, capsys):
    """demo_setup --departement 69 on a registry without the Nord (rolled back at the end)."""
    for model in (QPV, Commune, Arrondissement, EPCI, Departement):
        model.objects.all().delete()
    settings.DEPARTEMENT = "69"
    settings.SITE_PREFET_TITLE = "Préfète"
    call_command("demo_setup", "--departement", "69")
    capsys.readouterr()


def _footer(body: str) -> str:
    return body[body.index('<footer class="fr-footer"') :]


def test_header_footer_and_home_name_the_rhone(rhone, client):
    body = client.get("/").content.decode()

    header = body[body.index('<header role="banner"') : body.index("</header>")]
    assert "Préfète<br>du Rhône" in header
    assert "Préfète<br>du Rhône" in _footer(body)
    assert "Rhône" in body[body.index("<main") :]
    assert not NORD_WORD.search(body)


def test_legal_notices_name_the_prefecture_of_the_rhone(rhone, client):
    notice = client.get("/mentions-legales/").content.decode()
    assert "Quartiers 2030 est édité par la Préfecture du Rhône." in notice
    assert "La préfète du Rhône" in notice
    data = client.get("/donnees-personnelles/").content.decode()
    assert "Le responsable des traitements est la Préfecture du Rhône." in data
    statement = client.get("/accessibilite/").content.decode()
    assert "La Préfecture du Rhône s’engage" in statement
    for page in (notice, data, statement):
        assert not NORD_WORD.search(page)
        assert "Lille" not in page  # the Nord's address


def test_the_report_and_its_pdf_name_the_rhone(rhone, client):
    html = client.get("/rapport/", {"date": "2024-04-15"}).content.decode()
    assert "<h1>Engagements Quartiers 2030 — Rhône</h1>" in html
    assert "(QPV) du département du Rhône, calculés" in html
    assert "dossier de presse de mars 2024 sont rappelés" not in html  # the Nord's press kit
    assert not NORD_WORD.search(html)

    response = client.get("/rapport.pdf", {"date": "2024-04-15"})
    assert response.status_code == 200
    assert "rapport-quartiers-2030-69-2024-04-15.pdf" in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Engagements Quartiers 2030 — Rhône" in text
    assert str(pdf.metadata.title).startswith("Engagements Quartiers 2030 — Rhône")
    assert not NORD_WORD.search(text)


def _detail_paths() -> list[str]:
    qpv = QPV.objects.filter(departement_code="69").order_by("code").first()
    commune = Commune.objects.filter(departement__insee_code="69").order_by("insee_code").first()
    epci = EPCI.objects.filter(communes__departement__insee_code="69").order_by("siren").first()
    from quartiers.contracts.models import Contract

    contract = Contract.objects.filter(generation=2024).order_by("code").first()
    return [
        f"/qpv/{qpv.code}/",
        f"/communes/{commune.insee_code}/",
        f"/epci/{epci.siren}/",
        "/departements/69/",
        f"/contrats/{contract.code}/",
        f"/indicateurs/contrats/{contract.code}/",
    ]


@pytest.mark.parametrize(
    "role",
    [
        None,
        "association_user",
        "partner",
        "prefect_delegate",
        "prefecture_agent",
        "prefecture_admin",
    ],
)
def test_no_page_says_nord_when_the_application_is_set_up_for_the_rhone(
    rhone, client, request, role
):
    if role:
        client.force_login(request.getfixturevalue(role))
    seen, saying_nord = [], []
    for path in parameterless_paths() + _detail_paths():
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.append(path)
        if NORD_WORD.search(response.content.decode()):
            saying_nord.append(path)
    assert len(seen) >= 15, seen
    assert saying_nord == []


def test_a_shared_qpv_of_la_reunion_is_marked_uncertain_on_its_pages(
    db, data_dir, settings, client, capsys
):
    """The national table links QN97417M to CN97401I and CN97402I (legacy CVnnn rows aside):
    counted by hand in contrats_de_ville_2024_x_qpv2024_france_derived.csv."""
    settings.DEPARTEMENT = "974"
    call_command("demo_setup", "--departement", "974")
    capsys.readouterr()

    qpv_page = client.get("/qpv/QN97417M/").content.decode()
    assert "rattachement incertain" in qpv_page
    assert "CN97401I" in qpv_page and "CN97402I" in qpv_page
    contract_page = client.get("/contrats/CN97401I/").content.decode()
    assert "rattachement incertain" in contract_page
    assert "QN97417M" in contract_page
    assert "rattachement incertain" in client.get("/contrats/").content.decode()
