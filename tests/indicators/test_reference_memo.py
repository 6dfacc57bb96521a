"""Figures kept between requests under the data version (quartiers/core/datamemo.py): a write
shows on the next request, even one made in the same transaction after a page kept them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quartiers.indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db
OSTRICOURT = "CN05913M"  # one QPV, QN05945M: the contract's population is that QPV's
QPV = "QN05945M"


def _has_number(response, digits: str) -> bool:
    html = response.content.decode()
    spaced = r"[\s\u202f\u00a0]?".join(re.escape(d) for d in (digits[:-3], digits[-3:]))
    return re.search(rf"(?<![\d,]){spaced}(?![\d,])", html) is not None


def _population_set(value: int) -> None:
    indicator = Indicator.objects.get(code="population_municipale")
    rows = IndicatorValue.objects.filter(
        indicator=indicator, territory_kind="qpv", territory_code=QPV
    )
    assert rows.exists()
    for row in rows:  # saved one by one, as an edit: each save renews the data version
        row.value = Decimal(value)
        row.save()


@pytest.mark.parametrize(
    "url",
    [
        reverse("indicators:contract_scorecard", args=[OSTRICOURT]),
        reverse("contracts:contract_detail", args=[OSTRICOURT]),
        reverse("geography:qpv_detail", args=[QPV]),
    ],
)
def test_a_population_edited_after_a_page_is_shown_on_the_next_one_is_true(
    client, nord_contracts, nord_indicators, url
):
    first = client.get(url)
    assert first.status_code == 200
    assert _has_number(first, "2132")  # popMuniQPV of QN05945M in the SIG Ville file
    assert _has_number(client.get(url), "2132")  # kept: the same figure
    _population_set(4321)
    second = client.get(url)
    assert _has_number(second, "4321")
    _population_set(4322)  # again, in the same transaction, after the memo was refilled
    assert _has_number(client.get(url), "4322")


def test_without_page_cache_seconds_nothing_is_kept_is_true(settings):
    from quartiers.core import datamemo

    settings.PAGE_CACHE_SECONDS = 0
    calls = []
    for _ in range(2):
        datamemo.data_memo("test:off", lambda: calls.append(1))
    assert len(calls) == 2 and "test:off" not in datamemo._memo
