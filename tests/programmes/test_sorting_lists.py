"""The measures (one table per programme) and the dispositifs sorted on the server (`?tri=`):
the rows' order in the page checked against the database rows sorted here."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from quartiers.geography.models import Commune
from quartiers.programmes.models import Dispositif, Measure, Programme
from quartiers.programmes.seed import seed_programmes_demo

pytestmark = pytest.mark.django_db


def _measure_codes(html: str, programme: str) -> list[str]:
    body = html.split(f'data-testid="measures-{programme}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-measure="([^"]+)">', body)


def test_every_programme_table_sorts_its_measures_by_deadline(client):
    seed_programmes_demo()
    ascending = client.get(reverse("programmes:measure_list") + "?tri=echeance").content.decode()
    descending = client.get(reverse("programmes:measure_list") + "?tri=-echeance").content.decode()
    checked = 0
    for programme in Programme.objects.filter(measures__isnull=False).distinct():
        rows = list(
            Measure.objects.filter(programme=programme)
            .order_by("order", "label")
            .values_list("code", "deadline")
        )
        dated = [r for r in rows if r[1] is not None]
        undated = [code for code, deadline in rows if deadline is None]  # always last
        up = [code for code, _ in sorted(dated, key=lambda r: r[1])] + undated
        down = [code for code, _ in sorted(dated, key=lambda r: r[1], reverse=True)] + undated
        assert _measure_codes(ascending, programme.code) == up, programme.code
        assert _measure_codes(descending, programme.code) == down, programme.code
        checked += len(dated) > 1
    assert checked >= 2  # several programmes have deadlines to order
    # Every table marks its sorted column and links back to itself.
    assert ascending.count('aria-sort="ascending" data-sort-key="echeance"') == len(
        re.findall(r'data-testid="measures-', ascending)
    )
    assert 'href="?tri=-echeance#programme-' in ascending


def test_the_measures_keep_the_programme_order_without_or_with_an_unknown_order(client):
    seed_programmes_demo()
    html = client.get(reverse("programmes:measure_list") + "?tri=nimporte").content.decode()
    assert "aria-sort" not in html  # the programme's own order: no column is sorted
    for programme in Programme.objects.filter(measures__isnull=False).distinct():
        expected = list(
            Measure.objects.filter(programme=programme)
            .order_by("order", "label")
            .values_list("code", flat=True)
        )
        assert _measure_codes(html, programme.code) == expected


@pytest.fixture
def dispositifs():
    lille = Commune.objects.get(insee_code="59350")
    roubaix = Commune.objects.get(insee_code="59512")
    rows = [
        ("pre", "PRE de Roubaix", roubaix, date(2023, 9, 1)),
        ("pre", "pre d'Armentières", lille, None),
        ("cite_educative", "Cité éducative de Lille", lille, date(2021, 1, 1)),
        ("mediateur_sante", "Écoute santé", roubaix, date(2024, 5, 2)),
    ]
    return [
        Dispositif.objects.create(kind=kind, name=name, commune=commune, start_date=start)
        for kind, name, commune, start in rows
    ]


def _dispositif_names(html: str) -> list[str]:
    body = html.split('data-testid="dispositifs"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>[^<]*</td><td>([^<]+)</td>", body.replace("&#x27;", "'"))


def test_the_dispositifs_sort_by_name_and_by_start_date(client, dispositifs):
    url = reverse("programmes:dispositif_list")
    by_name = ["Cité éducative de Lille", "Écoute santé", "pre d'Armentières", "PRE de Roubaix"]
    assert _dispositif_names(client.get(url + "?tri=nom").content.decode()) == by_name
    assert _dispositif_names(client.get(url + "?tri=-nom").content.decode()) == by_name[::-1]
    started = sorted((d for d in dispositifs if d.start_date), key=lambda d: d.start_date)
    up = [d.name for d in started] + ["pre d'Armentières"]  # no start date: last
    down = [d.name for d in started[::-1]] + ["pre d'Armentières"]
    assert _dispositif_names(client.get(url + "?tri=periode").content.decode()) == up
    html = client.get(url + "?kind=pre&tri=-periode").content.decode()
    assert _dispositif_names(html) == [n for n in down if n.lower().startswith("pre")]
    assert 'href="?kind=pre&amp;tri=periode#dispositif-table"' in html  # the filter is kept
    assert 'aria-sort="descending" data-sort-key="periode"' in html
