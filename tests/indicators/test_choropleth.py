"""The choropleth: the quantile classes rule on hand-made vectors, and the GeoJSON of the Nord."""

from __future__ import annotations

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.indicators.choropleth import class_limits, class_of

VALUES = Path("indicateurs") / "sigville_qpv2024_indicateurs_nord.csv"


def _d(*values: str | int) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def test_quantile_limits_of_one_to_ten_split_it_in_five_pairs():
    values = _d(*range(1, 11))
    limits = class_limits(values=values)
    # Positions 0, 1.8, 3.6, 5.4, 7.2, 9 in the sorted vector, linear interpolation.
    assert limits == _d("1", "2.8", "4.6", "6.4", "8.2", "10")
    assert [class_of(value=v, limits=limits) for v in values] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_a_value_on_a_limit_belongs_to_the_lower_class():
    limits = _d(0, 2, 4, 6, 8, 10)
    assert class_of(value=Decimal(2), limits=limits) == 1
    assert class_of(value=Decimal("2.01"), limits=limits) == 2
    assert class_of(value=Decimal(10), limits=limits) == 5
    assert class_of(value=Decimal(0), limits=limits) == 1


def test_ties_merge_classes_and_no_value_has_no_class():
    limits = class_limits(values=_d(5, 5, 5, 5, 10))
    assert limits == _d("5", "6", "10")  # 0.2·4 = 0.8 → 5; 3.2 → 5 + 0.2·5 = 6
    assert [class_of(value=v, limits=limits) for v in _d(5, 10)] == [1, 2]
    assert class_limits(values=_d(7, 7)) == _d(7, 7)
    assert class_of(value=Decimal(7), limits=_d(7, 7)) == 1
    assert class_limits(values=[]) == []
    assert class_of(value=None, limits=limits) is None
    assert class_of(value=Decimal(1), limits=[]) is None


def _raw_empty_cells(data_dir: Path, column: str) -> int:
    with (data_dir / VALUES).open(encoding="utf-8") as handle:
        rows = {row["codeQPV"]: row for row in csv.DictReader(handle)}
    return sum(1 for row in rows.values() if row[column].strip() == "")


@pytest.mark.django_db
def test_the_geojson_has_the_94_qpv_with_classes_and_secret_flags(
    client, nord_indicators, data_dir
):
    response = client.get(
        reverse("indicators:choropleth_geojson", args=["part_population_etrangere"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    document = json.loads(response.content)
    features = document["features"]
    assert len(features) == 94
    assert all(
        f["geometry"] and f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in features
    )
    secret = [f["properties"] for f in features if f["properties"]["suppressed"]]
    assert len(secret) == _raw_empty_cells(data_dir, "partPopEt") > 0
    assert all(p["class"] is None and p["value"] is None for p in secret)
    assert all(p["value_label"] == "secret statistique" for p in secret)
    classed = [f["properties"] for f in features if not f["properties"]["suppressed"]]
    assert {p["class"] for p in classed} == {1, 2, 3, 4, 5}
    counts = Counter(p["class"] for p in classed)
    assert max(counts.values()) - min(counts.values()) <= 3  # quantiles: ~equal classes
    limits = [c["high"] for c in document["classes"]]
    for p in classed:  # the class matches the published limits
        assert p["value"] <= limits[p["class"] - 1]
        if p["class"] > 1:
            assert p["value"] > limits[p["class"] - 2]
    assert all(p["url"].startswith("/qpv/") for p in classed)


@pytest.mark.django_db
def test_the_map_page_has_a_legend_with_ranges_and_a_table_fallback(client, nord_indicators):
    response = client.get(reverse("indicators:choropleth", args=["taux_pauvrete_60"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-class="') == 5 + 1 + 0  # 5 classes, secret (no « sans valeur »)
    assert "Classe 1 : de " in html and "Classe 5 : plus de " in html
    assert "secret statistique" in html and 'fill="url(#q-choro-secret)"' in html
    assert html.count("<tr>") == 95  # header + 94 QPV
    assert "js/choropleth.js" in html and "<script>" not in html
