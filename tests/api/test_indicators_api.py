"""GET /api/indicateurs and /api/indicateurs/{code}/valeurs on the real SIG Ville file of the
94 Nord QPV: source and vintage on every value, secret values null (never 0)."""

from __future__ import annotations

import pytest

from quartiers.indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_every_indicator_with_source_and_vintage(client, open_data):
    body = client.get("/api/indicateurs", {"taille": 500}).json()
    assert body["total"] == Indicator.objects.count() > 10
    assert all(i["millesime"] for i in body["resultats"])
    core = client.get("/api/indicateurs", {"socle": "true"}).json()
    assert core["total"] == Indicator.objects.filter(core_set=True).count() > 0
    qpv_level = client.get("/api/indicateurs", {"echelon": "qpv", "taille": 500}).json()
    assert all("qpv" in i["echelons"] for i in qpv_level["resultats"])


def test_secret_values_are_null_and_flagged_never_zero(client, open_data):
    secret = IndicatorValue.objects.filter(suppressed=True).select_related("indicator").first()
    assert secret is not None
    body = client.get(
        f"/api/indicateurs/{secret.indicator.code}/valeurs",
        {"territoire_type": "qpv", "territoire": secret.territory_code},
    ).json()
    (row,) = [r for r in body["resultats"] if r["periode"] == secret.period]
    assert row["secret"] is True and row["valeur"] is None
    assert row["numerateur"] is None and row["denominateur"] is None
    assert row["source"] == secret.source and row["millesime"] == secret.vintage


def test_values_of_an_indicator_cover_the_94_qpv(client, open_data):
    code = (
        IndicatorValue.objects.filter(territory_kind="qpv")
        .values_list("indicator__code", flat=True)
        .first()
    )
    expected = IndicatorValue.objects.filter(indicator__code=code, territory_kind="qpv")
    body = client.get(f"/api/indicateurs/{code}/valeurs", {"territoire_type": "qpv"}).json()
    assert body["total"] == expected.count() >= 94
    shown = {(r["territoire"], r["periode"]): r for r in body["resultats"]}
    for value in expected.filter(suppressed=False, value__isnull=False)[:20]:
        assert shown[(value.territory_code, value.period)]["valeur"] == pytest.approx(
            float(value.value)
        )


def test_an_unknown_indicator_is_404(client, open_data):
    response = client.get("/api/indicateurs/inconnu/valeurs")
    assert response.status_code == 404
    assert response.json()["detail"] == "Indicateur « inconnu » inconnu."
