"""BOP 147 views: programmed / committed / paid / remaining add up to the cent across the
contract, theme and association views, on the page and in the exports; CPO and Fonds vert
shares against their targets."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from quartiers.grants.choices import DecisionKind, Fund, PaymentKind
from quartiers.grants.models import Envelope
from quartiers.grants.selectors import budget_table, fonds_vert_share, multi_year_share
from quartiers.grants.services.agreements import agreement_sign, payment_add
from tests.grants.conftest import application_make, granted_make

pytestmark = pytest.mark.django_db

# Amounts chosen so that any float arithmetic would drift (0.1 + 0.2 …).
AMOUNTS = ["10000.10", "2000.20", "3333.33", "0.30", "15000.07"]


@pytest.fixture
def programmed(asso_a, asso_b, call_mel, call_dk, mel, dunkerque):
    Envelope.objects.create(year=2025, fund=Fund.BOP147, contract=mel, amount=Decimal("50000.00"))
    Envelope.objects.create(
        year=2025, fund=Fund.BOP147, contract=dunkerque, amount=Decimal("20000.01")
    )
    made = []
    for i, amount in enumerate(AMOUNTS):
        association = asso_a if i % 2 else asso_b
        call = call_mel if i < 3 else call_dk
        theme = ["emploi", "education", "sante"][i % 3]
        made.append(
            granted_make(
                association,
                call,
                amount,
                cost="40000.00",
                asked="20000.00",
                title=f"Action {i}",
                theme=theme,
            )
        )
    agreement_sign(
        application=made[0],
        kind=DecisionKind.CONVENTION,
        reference="C-1",
        signed_on=date(2025, 3, 1),
        user=None,
    )
    payment_add(
        application=made[0],
        kind=PaymentKind.ADVANCE,
        amount=Decimal("5000.05"),
        paid_on=date(2025, 4, 1),
        user=None,
    )
    agreement_sign(
        application=made[2],
        kind=DecisionKind.ORDER,
        reference="A-3",
        signed_on=date(2025, 3, 1),
        user=None,
    )
    application_make(asso_a, call_mel, title="Brouillon non compté")
    return made


def test_totals_add_up_to_the_cent_across_every_view(programmed):
    expected = sum((Decimal(a) for a in AMOUNTS), Decimal("0"))
    totals = [budget_table(year=2025, by=by).total for by in ("contract", "theme", "association")]
    assert {t.programmed for t in totals} == {expected} == {Decimal("30334.00")}
    assert {t.committed for t in totals} == {Decimal("13333.43")}
    assert {t.paid for t in totals} == {Decimal("5000.05")}
    assert {t.count for t in totals} == {5}
    by_contract = budget_table(year=2025, by="contract")
    assert by_contract.total.envelope == Decimal("70000.01")
    assert by_contract.total.remaining == Decimal("70000.01") - expected
    mel_row = next(r for r in by_contract.rows if r.key == "CN05911M")
    assert mel_row.programmed == Decimal("15333.63")
    assert mel_row.remaining == Decimal("34666.37")
    assert all(isinstance(r.programmed, Decimal) for r in by_contract.rows)


def _csv_total(content: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return rows[-1]


def test_the_page_and_the_exports_show_the_same_totals(programmed, client, prefecture_agent):
    client.force_login(prefecture_agent)
    page = client.get("/financements/budget/?annee=2025").content.decode()
    for by in ("contract", "theme", "association"):
        assert f'data-testid="total-programmed-{by}">30\u202f334,00\u00a0€' in page
        export = client.get(f"/financements/budget/export.csv?annee=2025&vue={by}")
        assert export.status_code == 200
        total = _csv_total(export.content)
        assert total[0] == "Total" and total[3] == "30334,00" and total[5] == "5000,05"


def test_the_multi_year_share_is_shown_against_the_50_percent_target(
    programmed, asso_a, call_mel, client, prefecture_agent
):
    cpo = granted_make(asso_a, call_mel, "30334.00", cost="60000.00", asked="30334.00", title="CPO")
    agreement_sign(
        application=cpo,
        kind=DecisionKind.CPO,
        reference="CPO-1",
        signed_on=date(2025, 3, 1),
        user=None,
        years=3,
    )
    share = multi_year_share(year=2025)
    assert (share.part, share.whole, share.ratio, share.reached) == (
        Decimal("30334.00"),
        Decimal("60668.00"),
        Decimal("0.5"),
        True,
    )
    client.force_login(prefecture_agent)
    page = client.get("/financements/conventions/?annee=2025").content.decode()
    assert "50,0 %" in page and "objectif au moins 50 %" in page


def test_the_fonds_vert_share_in_qpv_is_measured_against_the_departement_total(
    asso_a, call_mel, mel
):
    qpv = mel.qpvs.order_by("code").first()
    Envelope.objects.create(
        year=2025, fund=Fund.FONDS_VERT, contract=None, amount=Decimal("1000000.00")
    )
    granted_make(
        asso_a,
        call_mel,
        "120000.00",
        cost="200000.00",
        asked="150000.00",
        fund="fonds_vert",
        title="Îlot de fraîcheur",
        qpvs=[qpv],
        theme="transition",
    )
    granted_make(
        asso_a,
        call_mel,
        "30000.00",
        cost="50000.00",
        asked="30000.00",
        fund="fonds_vert",
        title="Hors QPV",
        theme="transition",
    )
    share = fonds_vert_share(year=2025)
    assert (share.part, share.whole, share.percent, share.reached) == (
        Decimal("120000.00"),
        Decimal("1000000.00"),
        Decimal("12.0"),
        False,
    )
    assert budget_table(year=2025, by="contract").total.programmed == Decimal("0")  # BOP 147 only
