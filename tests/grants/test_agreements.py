"""Decision type by amount (23 000 €), a 3-year CPO with its tranches, payments and reports,
late reports flagged when the association applies again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from quartiers.grants.choices import ApplicationStatus, DecisionKind, PaymentKind
from quartiers.grants.models import Application, Tranche
from quartiers.grants.selectors import multi_year_share, reports_late
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.agreements import (
    agreement_sign,
    application_renew,
    payment_add,
    report_receive,
    tranche_confirm,
)
from quartiers.grants.services.workflow import application_transition
from tests.grants.conftest import (
    ATTESTATION,
    application_make,
    call_make,
    granted_make,
    to_committee,
)

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def test_below_23000_euros_an_arrete_is_enough(asso_a, call_mel):
    application = granted_make(asso_a, call_mel, "22999.99", cost="40000.00", asked="30000.00")
    agreement = agreement_sign(
        application=application,
        kind=DecisionKind.ORDER,
        reference="AR-2025-1",
        signed_on=date(2025, 3, 1),
        user=None,
    )
    application.refresh_from_db()
    assert application.status == S.AGREED
    assert agreement.tranches.get().planned_amount == Decimal("22999.99")


@pytest.mark.parametrize("amount", ["23000.00", "23000.01", "45000.00"])
def test_from_23000_euros_a_convention_is_mandatory(asso_a, call_mel, amount):
    application = granted_make(asso_a, call_mel, amount, cost="60000.00", asked="50000.00")
    with pytest.raises(GrantRefused) as error:
        agreement_sign(
            application=application,
            kind=DecisionKind.ORDER,
            reference="AR-2025-2",
            signed_on=date(2025, 3, 1),
            user=None,
        )
    assert "Une convention est obligatoire" in str(error.value)
    assert "décret n° 2001-495" in str(error.value)
    application.refresh_from_db()
    assert application.status == S.GRANTED and application.agreement is None
    agreement_sign(
        application=application,
        kind=DecisionKind.CONVENTION,
        reference="CV-2025-2",
        signed_on=date(2025, 3, 1),
        user=None,
    )
    application.refresh_from_db()
    assert application.status == S.AGREED


def test_a_three_year_cpo_has_its_tranches_renewals_payments_and_reports(
    asso_a, mel, prefecture_agent
):
    calls = [call_make(mel, year) for year in (2025, 2026, 2027)]
    first = granted_make(
        asso_a,
        calls[0],
        "30000.00",
        cost="60000.00",
        asked="30000.00",
        period_kind="pluriannuelle",
        user=prefecture_agent,
    )
    amounts = [Decimal("30000.00"), Decimal("31000.00"), Decimal("32000.00")]
    agreement = agreement_sign(
        application=first,
        kind=DecisionKind.CPO,
        reference="CPO-2025-7",
        signed_on=date(2025, 3, 1),
        user=prefecture_agent,
        years=3,
        tranche_amounts=amounts,
    )
    assert (agreement.first_year, agreement.last_year) == (2025, 2027)
    assert [(t.rank, t.year, t.planned_amount) for t in agreement.tranches.all()] == [
        (1, 2025, amounts[0]),
        (2, 2026, amounts[1]),
        (3, 2027, amounts[2]),
    ]
    applications = [first]
    for rank in (2, 3):
        previous = applications[-1]
        payment_add(
            application=previous,
            kind=PaymentKind.ADVANCE,
            amount=Decimal("15000.00"),
            paid_on=date(2025 + rank - 2, 4, 1),
            user=prefecture_agent,
        )
        payment_add(
            application=previous,
            kind=PaymentKind.BALANCE,
            amount=previous.amount_granted - Decimal("15000.00"),
            paid_on=date(2025 + rank - 2, 9, 1),
            user=prefecture_agent,
        )
        report_receive(
            application=previous,
            received_on=date(2025 + rank - 1, 5, 30),
            expenses_realised=Decimal("59000.00"),
            user=prefecture_agent,
        )
        renewal = application_renew(agreement=agreement, user=prefecture_agent)
        # the whole CERFA content and budget come from the previous year
        assert renewal.request_kind == "renouvellement"
        assert renewal.action_title == first.action_title
        assert renewal.expenses_total == first.expenses_total
        assert renewal.starts_on == date(2025 + rank - 1, 1, 1)
        assert renewal.tranche.rank == rank and renewal.agreement == agreement
        to_committee(renewal, user=prefecture_agent)
        application_transition(
            application=renewal,
            to_status=S.GRANTED,
            user=prefecture_agent,
            amount_granted=Decimal("30000.00"),
        )
        tranche_confirm(
            application=renewal, signed_on=date(2025 + rank - 1, 3, 1), user=prefecture_agent
        )
        renewal.refresh_from_db()
        assert renewal.status == S.AGREED
        applications.append(renewal)
    with pytest.raises(GrantRefused, match="ont déjà une demande"):
        application_renew(agreement=agreement, user=prefecture_agent)
    assert [a.call.year for a in applications] == [2025, 2026, 2027]
    assert [a.report_due_on for a in applications] == [
        date(2026, 6, 30),
        date(2027, 6, 30),
        date(2028, 6, 30),
    ]
    assert [a.status for a in applications] == [S.REPORTED, S.REPORTED, S.AGREED]
    # year 2 and 3 were granted 30 000 €: the tranches follow what was actually granted
    assert list(
        Tranche.objects.filter(agreement=agreement).values_list("planned_amount", flat=True)
    ) == [
        Decimal("30000.00"),
        Decimal("30000.00"),
        Decimal("30000.00"),
    ]
    assert multi_year_share(year=2026).ratio == Decimal(1)


def test_a_cpo_lasts_two_to_four_years(asso_a, call_mel):
    application = granted_make(asso_a, call_mel, "30000.00", cost="60000.00", asked="30000.00")
    with pytest.raises(GrantRefused, match="2 à 4 ans"):
        agreement_sign(
            application=application,
            kind=DecisionKind.CPO,
            reference="CPO-X",
            signed_on=date(2025, 3, 1),
            user=None,
            years=5,
        )


def test_payments_advance_then_balance_to_the_cent(asso_a, call_mel):
    application = granted_make(asso_a, call_mel, "12000.00")
    with pytest.raises(GrantRefused, match="conventionnée"):
        payment_add(
            application=application,
            kind=PaymentKind.ADVANCE,
            amount=Decimal("1"),
            paid_on=date(2025, 4, 1),
            user=None,
        )
    agreement_sign(
        application=application,
        kind=DecisionKind.ORDER,
        reference="AR-9",
        signed_on=date(2025, 3, 1),
        user=None,
    )
    payment_add(
        application=application,
        kind=PaymentKind.ADVANCE,
        amount=Decimal("7200.00"),
        paid_on=date(2025, 4, 1),
        user=None,
    )
    with pytest.raises(GrantRefused, match="reste à payer : 4\u202f800,00"):
        payment_add(
            application=application,
            kind=PaymentKind.BALANCE,
            amount=Decimal("4799.99"),
            paid_on=date(2025, 9, 1),
            user=None,
        )
    payment_add(
        application=application,
        kind=PaymentKind.BALANCE,
        amount=Decimal("4800.00"),
        paid_on=date(2025, 9, 1),
        user=None,
    )
    application.refresh_from_db()
    assert application.status == S.PAID and application.amount_paid == Decimal("12000.00")


def test_a_late_report_is_flagged_when_the_association_applies_again(asso_a, mel):
    old = granted_make(asso_a, call_make(mel, 2024), "5000.00", cost="8000.00", asked="5000.00")
    agreement_sign(
        application=old,
        kind=DecisionKind.ORDER,
        reference="AR-2024-1",
        signed_on=date(2024, 3, 1),
        user=None,
    )
    assert old.report_due_on == date(2025, 6, 30)
    assert reports_late(today=date(2025, 6, 30)) == []
    assert reports_late(today=date(2025, 7, 1)) == [old]
    new = application_make(asso_a, call_make(mel, 2026))
    application_transition(
        application=new, to_status=S.FILED, user=None, **ATTESTATION, today=date(2025, 12, 1)
    )
    new.refresh_from_db()
    assert new.late_report_flag == f"{old.reference} (bilan attendu le 30/06/2025)"
    other = application_make(asso_a, call_make(mel, 2026), title="Autre")
    application_transition(
        application=other, to_status=S.FILED, user=None, **ATTESTATION, today=date(2025, 6, 1)
    )
    assert Application.objects.get(pk=other.pk).late_report_flag == ""
