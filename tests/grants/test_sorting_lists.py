"""The agreements list and the financial reports list sorted on the server (`?tri=`): the
rows' order in the page checked against the order of the database rows sorted here."""

from __future__ import annotations

import re
from datetime import date

import pytest

from quartiers.grants.choices import DecisionKind
from quartiers.grants.models import Agreement, Application
from quartiers.grants.services.agreements import agreement_sign
from tests.grants.conftest import association_make, call_make, granted_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_granted(mel, asso_a):
    """Three granted applications of three years and three associations (hand-named so that
    case and accents matter: « association é » sorts between « Association B » and …)."""
    associations = [asso_a, association_make(303, "association é"), association_make(404, "Zèbre")]
    granted = []
    for year, association in zip((2025, 2024, 2026), associations, strict=True):
        granted.append(granted_make(association, call_make(mel, year), "5000.00"))
    return granted


def _cells(html: str, testid: str, pattern: str) -> list[str]:
    body = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(pattern, body)


def test_the_agreement_list_sorts_by_years_and_by_reference(
    client, prefecture_agent, three_granted
):
    for application, reference in zip(three_granted, ("CV-b", "AR-É", "ar-a"), strict=True):
        agreement_sign(
            application=application,
            kind=DecisionKind.ORDER,
            reference=reference,
            signed_on=date(2025, 3, 1),
            user=None,
        )
    client.force_login(prefecture_agent)

    def references(query: str) -> list[str]:
        html = client.get(f"/financements/conventions/?tri={query}").content.decode()
        return _cells(html, "agreement-table", r"<tr><td>([^<]+)</td>")

    by_year = [
        r
        for r, _ in sorted(
            Agreement.objects.values_list("reference", "first_year"), key=lambda p: p[1]
        )
    ]
    assert references("annees") == by_year == ["AR-É", "CV-b", "ar-a"]
    assert references("-annees") == by_year[::-1]
    assert references("reference") == ["ar-a", "AR-É", "CV-b"]  # no case, no accents
    assert references("-reference") == ["CV-b", "AR-É", "ar-a"]
    assert references("inconnu") == references("-annees")  # the default: newest first
    html = client.get("/financements/conventions/?tri=association").content.decode()
    assert 'aria-sort="ascending" data-sort-key="association"' in html
    assert 'href="?tri=-association#agreement-table"' in html


def test_the_report_list_sorts_by_year_and_by_association(client, prefecture_agent, three_granted):
    client.force_login(prefecture_agent)

    def references(query: str) -> list[str]:
        html = client.get(f"/financements/bilans/?{query}").content.decode()
        return _cells(html, "report-table", r'/financements/dossiers/[0-9a-f-]+/">([^<]+)</a>')

    rows = Application.objects.values_list("reference", "call__year", "association__name")
    by_year = [r for r, year, _ in sorted(rows, key=lambda row: row[1])]
    assert references("tri=annee") == by_year
    assert references("tri=-annee") == by_year[::-1]
    by_name = {name: reference for reference, _, name in rows}
    expected = [by_name[n] for n in ("Association A", "association é", "Zèbre")]
    assert references("tri=association") == expected
    assert references("tri=-association") == expected[::-1]
    # A filter-like parameter is kept in the links; an unknown order falls back to the default.
    html = client.get("/financements/bilans/?annee=2025&tri=-association").content.decode()
    assert 'href="?annee=2025&amp;tri=association#report-table"' in html
    assert references("tri=---") == references("tri=-annee")
