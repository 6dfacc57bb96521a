"""Key figures page, indicator pages, chart and CSV downloads, the QPV core set."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from quartiers.geography.models import QPV
from quartiers.indicators.importers import indicators_import
from quartiers.indicators.selectors import qpv_core_indicators

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_key_figures_page_shows_our_figures_and_the_press_kit_with_sources(client, nord_indicators):
    response = client.get(reverse("indicators:key_figures"))
    assert response.status_code == 200
    text = _text(response)
    assert f"432{NBSP}926 habitants" in text  # Σ popMuniQPV over the 94 QPV
    assert f"398{NBSP}500 habitants" in text  # press kit
    assert f"2{NBSP}616{NBSP}909 habitants" in text  # Σ communes of the Nord
    assert f"16,5{NBSP}%" in text and f"14{NBSP}%" in text
    assert "SIG Ville (ANCT) — compilation tierce" in text
    assert "Préfet du Nord, dossier de presse « Engagements Quartiers 2030 », mars 2024" in text
    assert "étude COMPAS de juin 2023" in text
    assert "différent" in text
    assert (
        "valeur hors QPV non disponible : la source de cet indicateur (SIG Ville) ne donne que"
        in text
    )
    assert "dénominateur (population de 15 à 64 ans) inconnu : agrégation impossible" in text
    assert f"60,1{NBSP}%" in text  # social housing rate recomputed over the Nord QPV


def test_key_figures_use_imported_reference_values_for_outside_qpv(
    client, nord_indicators, tmp_path: Path
):
    path = tmp_path / "reference.csv"
    path.write_text(
        "indicator_code;territory_kind;territory_code;period;value;source;vintage\n"
        "population_municipale;departement;59;COG 2024;2616909;Insee, populations "
        "municipales;COG 2024\n",
        encoding="utf-8",
    )
    indicators_import(source=path, apply=True)
    text = _text(client.get(reverse("indicators:key_figures")))
    assert f"2{NBSP}183{NBSP}983" in text  # 2,616,909 − 432,926
    assert "département moins QPV" in text


def test_key_figures_charts_download_as_svg_and_csv(client, nord_indicators):
    page = client.get(reverse("indicators:key_figures")).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    svg = client.get(
        reverse("indicators:key_figures_export", kwargs={"slug": "habitants-qpv", "fmt": "svg"})
    )
    assert svg["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)  # noqa: S314 - our own SVG
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Habitants des QPV"
    assert "url(#q-hatch)" in svg.content.decode()  # second series told apart by a pattern
    data = client.get(
        reverse("indicators:key_figures_export", kwargs={"slug": "habitants-qpv", "fmt": "csv"})
    )
    body = data.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][2] == "432926" and rows[2][2] == "398500"
    assert client.get("/chiffres-cles/graphiques/inconnu.svg").status_code == 404


def test_indicator_page_lists_the_94_qpv_with_ranks_and_secret_cells(client, nord_indicators):
    response = client.get(
        reverse("indicators:indicator_detail", kwargs={"code": "part_population_etrangere"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('data-testid="indicator-table"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr") == 95  # header + 94 QPV
    assert table.count("<em>secret statistique</em>") == 11
    assert ">0 %<" not in table and f">0{NBSP}%<" not in table
    assert "1er sur 83" in table  # 94 QPV − 11 under secrecy
    assert "La Briquetterie" in table[: table.index("2e sur 83")]  # highest value first
    assert "dont 11 sous secret statistique" in _text(response)


def test_indicator_csv_export_keeps_secret_cells_apart(client, nord_indicators):
    response = client.get(
        reverse(
            "indicators:indicator_export",
            kwargs={"code": "part_population_etrangere", "fmt": "csv"},
        )
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 94
    secret = [r for r in rows if r["secret_statistique"] == "oui"]
    assert len(secret) == 11 and {r["valeur"] for r in secret} == {"secret statistique"}
    assert rows[0]["rang"] == "1" and rows[0]["valeur"] == "31"


def test_catalogue_page_states_how_each_indicator_aggregates(client, nord_indicators):
    text = _text(client.get(reverse("indicators:catalogue")))
    assert "recalcul Σ logements sociaux / Σ ménages" in text
    assert "moyenne pondérée par ménages" in text
    assert "non agrégeable : dénominateur (population de 15 à 64 ans) inconnu" in text


def test_unknown_indicator_is_a_404(client, nord_indicators):
    assert client.get("/indicateurs/inconnu/").status_code == 404


def test_qpv_core_indicators_give_value_rank_source_and_vintage(nord_indicators):
    qpv = QPV.objects.get(code="QN05903M")
    rows = {row.indicator.code: row for row in qpv_core_indicators(qpv=qpv)}
    social = rows["taux_logements_sociaux"]
    assert str(social.value.normalize()) == "102.07"
    assert social.ranked_count == 90 and 1 <= social.rank <= 90
    assert social.source == "SIG Ville (ANCT) — compilation tierce"
    assert social.vintage == "non documenté"
    population = rows["population_municipale"]
    assert population.value == 2018 and population.ranked_count == 94


def test_qpv_core_set_include_renders_secret_cells(nord_indicators):
    qpv = QPV.objects.get(code="QN05974M")  # households under statistical secrecy
    html = Template("{% load indicators_tags %}{% qpv_core_set qpv %}").render(
        Context({"qpv": qpv})
    )
    assert 'data-testid="qpv-core-set"' in html
    assert "secret statistique" in html
    assert "Taux de logements sociaux" in html


def test_main_menu_links_to_the_key_figures(client, nord_indicators):
    html = client.get(reverse("indicators:key_figures")).content.decode()
    assert 'href="/chiffres-cles/"' in html
