"""Pages, exports and the progress entry form."""

from __future__ import annotations

import io
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from quartiers.core.audit import AuditEntry
from quartiers.geography.models import QPV, Commune
from quartiers.programmes.models import Dispositif, Measure, ProgressEntry
from quartiers.programmes.seed import seed_programmes_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seed_programmes_demo()


@pytest.fixture
def mediator():
    dispositif = Dispositif.objects.create(
        kind="mediateur_sante",
        name="Médiateur santé du CCAS",
        commune=Commune.objects.get(insee_code="59512"),
        contract_codes=["CN05911M"],
    )
    dispositif.qpvs.set(QPV.objects.filter(code="QN05981M"))
    return dispositif


def test_measures_page_groups_measures_by_programme_with_status_text(client, seeded):
    response = client.get(reverse("programmes:measure_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Entrepreneuriat Quartiers 2030" in html and "Fonds vert" in html
    assert "70\u00a0000 personnes" in html
    assert html.count('data-status="no_data"') == 27  # nothing measured yet
    assert "Données insuffisantes" in html and "non renseigné" in html
    assert "Programmes et objectifs" in html  # menu entry


def test_measures_page_shows_a_gauge_once_a_value_is_entered(client, seeded, mediator):
    measure = Measure.objects.get(code="eq2030-citeslab")
    measure.entries.create(on=date(2025, 12, 31), value=120)
    html = client.get(reverse("programmes:measure_list")).content.decode()
    assert 'data-testid="gauge"' in html
    assert "120 CitésLab au 31/12/2025" in html
    assert "1,1\u00a0% des QPV couverts (1 QPV sur 94)" in html  # health mediators


def test_measure_page_shows_entries_chart_and_source(client, seeded):
    measure = Measure.objects.get(code="eq2030-prets-honneur")
    measure.entries.create(on=date(2024, 12, 31), value=5000, note="bilan Bpifrance (test)")
    measure.entries.create(on=date(2025, 12, 31), value=12000)
    response = client.get(reverse("programmes:measure_detail", args=[measure.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="trajectory"' in html
    assert "12\u00a0000" in html and "bilan Bpifrance (test)" in html
    assert "30 000 prêts d'honneur" in unescape(html)  # the press kit's wording
    assert 'data-testid="entry-form"' not in html  # anonymous: no form
    svg = client.get(reverse("programmes:measure_trajectory_svg", args=[measure.code]))
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert b"objectif : 30\xc2\xa0000 pr" in svg.content


def test_prefecture_agent_records_a_value(client, seeded, prefecture_agent):
    client.force_login(prefecture_agent)
    measure = Measure.objects.get(code="eq2030-citeslab")
    url = reverse("programmes:measure_detail", args=[measure.code])
    assert 'data-testid="entry-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("programmes:progress_entry_create", args=[measure.code]),
        {"on": "2025-06-30", "value": "80,5", "note": "remontée Bpifrance"},
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(measure=measure)
    assert (entry.on, str(entry.value), entry.recorded_by) == (
        date(2025, 6, 30),
        "80.5000",
        prefecture_agent,
    )
    assert AuditEntry.objects.filter(object_id=str(entry.pk), user=prefecture_agent).exists()


def test_invalid_values_are_refused_in_french(client, seeded, prefecture_agent):
    client.force_login(prefecture_agent)
    measure = Measure.objects.get(code="fonds-vert-part-qpv")
    url = reverse("programmes:progress_entry_create", args=[measure.code])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"on": tomorrow.isoformat(), "value": "120"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "La date ne peut pas être dans le futur." in html
    assert "Un pourcentage ne peut pas dépasser 100." in html
    response = client.post(url, {"on": "2025-01-01", "value": "-3"})
    assert "La valeur ne peut pas être négative." in response.content.decode()
    measure.entries.create(on=date(2025, 1, 1), value=10)
    response = client.post(url, {"on": "2025-01-01", "value": "12"})
    assert "Une valeur est déjà enregistrée à cette date." in response.content.decode()
    assert measure.entries.count() == 1


def test_value_before_the_baseline_is_refused(client, seeded, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("programmes:progress_entry_create", args=["fonds-vert-renovation"])
    response = client.post(url, {"on": "2023-06-30", "value": "40"})
    assert "La date précède la situation de départ (31/12/2023)." in response.content.decode()


def test_only_prefecture_staff_may_record_values(client, seeded, partner):
    url = reverse("programmes:progress_entry_create", args=["eq2030-citeslab"])
    assert client.post(url, {"on": "2025-01-01", "value": "1"}).status_code == 302  # login
    client.force_login(partner)
    assert client.post(url, {"on": "2025-01-01", "value": "1"}).status_code == 403
    assert not ProgressEntry.objects.exists()


def test_dispositifs_page_lists_filters_and_shows_coverage(client, seeded, mediator):
    url = reverse("programmes:dispositif_list")
    html = client.get(url).content.decode()
    assert "Médiateur santé du CCAS" in html and "CN05911M" in html
    assert "déclaré par le dossier de presse" in html
    assert html.count('data-testid="coverage-gauge"') == 7
    filtered = client.get(url, {"kind": "pre"}).content.decode()
    assert "Médiateur santé du CCAS" not in filtered
    by_qpv = client.get(url, {"qpv": "QN05981M", "commune": "59512"}).content.decode()
    assert "Médiateur santé du CCAS" in by_qpv
    other_qpv = client.get(url, {"qpv": "QN05950M"}).content.decode()
    assert "Médiateur santé du CCAS" not in other_qpv


def test_exports_of_measures_and_dispositifs(client, seeded, mediator):
    csv = client.get(reverse("programmes:measure_export", args=["csv"]))
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("programme;code;mesure")
    assert len(text.splitlines()) == 28
    assert "eq2030-citeslab;CitésLab" in text
    xlsx = client.get(reverse("programmes:dispositif_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("type", "nom", "code INSEE")
    assert rows[1][1] == "Médiateur santé du CCAS" and rows[1][4] == "QN05981M"
    assert client.get(reverse("programmes:measure_export", args=["pdf"])).status_code == 404


def test_pages_answer_before_any_seed(client):
    assert client.get(reverse("programmes:measure_list")).status_code == 200
    assert client.get(reverse("programmes:dispositif_list")).status_code == 200
    assert client.get(reverse("programmes:measure_detail", args=["inconnue"])).status_code == 404


def test_unknown_filter_is_ignored_and_shown(client, seeded, mediator):
    response = client.get(reverse("programmes:dispositif_list"), {"qpv": "QN00000X"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Valeur inconnue, filtre ignoré." in html
    assert "Médiateur santé du CCAS" in html


def test_measure_without_target_nor_value_has_no_chart(client, seeded):
    url = reverse("programmes:measure_detail", args=["aides-permis"])
    html = client.get(url).content.decode()
    assert "Pas de trajectoire : ni objectif chiffré ni valeur constatée." in html
    svg = reverse("programmes:measure_trajectory_svg", args=["aides-permis"])
    assert client.get(svg).status_code == 404
