"""The workflow: legal steps, dated and attributed; illegal ones refused in French."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from quartiers.core.audit import AuditAction, audit_for
from quartiers.grants.choices import TRANSITIONS, ApplicationStatus
from quartiers.grants.services import GrantRefused
from quartiers.grants.services.applications import budget_line_add
from quartiers.grants.services.workflow import application_transition
from quartiers.organisation.models import PrefectDelegate
from tests.grants.conftest import ATTESTATION, TODAY, application_make, to_committee

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def test_an_application_goes_from_filing_to_granted_each_step_dated_and_attributed(
    asso_a, call_mel, prefecture_agent
):
    application = to_committee(application_make(asso_a, call_mel), user=prefecture_agent)
    application_transition(
        application=application,
        to_status=S.GRANTED,
        user=prefecture_agent,
        amount_granted=Decimal("11999.99"),
    )
    application.refresh_from_db()
    assert application.status == S.GRANTED
    assert application.amount_granted == Decimal("11999.99")
    steps = list(application.steps.all())
    assert [(s.from_status, s.to_status) for s in steps] == [
        (S.DRAFT, S.FILED),
        (S.FILED, S.REVIEW),
        (S.REVIEW, S.DELEGATE_OPINION),
        (S.DELEGATE_OPINION, S.COMMITTEE),
        (S.COMMITTEE, S.GRANTED),
    ]
    assert all(s.by == prefecture_agent and s.at for s in steps)
    assert "11\u202f999,99\u00a0€" in steps[-1].note
    transitions = audit_for(objects=[application]).filter(action=AuditAction.TRANSITION)
    assert transitions.count() == 5
    assert transitions.first().changes["status"] == {
        "label": "statut",
        "before": "Comité de programmation",
        "after": "Accordée",
    }


@pytest.mark.parametrize(
    "start, target",
    [(s, t) for s in S.values for t in S.values if t not in TRANSITIONS[s]],
)
def test_every_illegal_transition_is_refused_in_french(asso_a, call_mel, start, target):
    application = application_make(asso_a, call_mel)
    application.status = start  # set directly: we test the guard, not the way there
    application.save()
    with pytest.raises(GrantRefused, match="Transition interdite"):
        application_transition(application=application, to_status=target, user=None)
    application.refresh_from_db()
    assert application.status == start
    assert not application.steps.exists()


def test_filed_straight_to_granted_is_refused_with_the_next_possible_step(asso_a, call_mel):
    application = application_make(asso_a, call_mel)
    application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    with pytest.raises(GrantRefused) as error:
        application_transition(
            application=application, to_status=S.GRANTED, user=None, amount_granted=Decimal("1")
        )
    assert str(error.value) == (
        "Transition interdite : une demande « Déposée » ne peut pas passer à « Accordée » "
        "(étape(s) suivante(s) possible(s) : « En instruction », « Compléments demandés », "
        "« Refusée »)."
    )


def test_an_unbalanced_budget_cannot_be_filed(asso_a, call_mel):
    application = application_make(asso_a, call_mel, cost="20000.00", asked="12000.00")
    budget_line_add(
        application=application,
        side="charge",
        account="60",
        label="Matériel",
        amount=Decimal("500.50"),
        user=None,
    )
    with pytest.raises(GrantRefused) as error:
        application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    assert "n'est pas équilibré" in str(error.value)
    assert "écart 500,50" in str(error.value)
    assert "produits insuffisants" in str(error.value)
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_refusal_needs_its_reason_and_a_grant_its_amount_within_the_request(asso_a, call_mel):
    application = to_committee(application_make(asso_a, call_mel, asked="12000.00"))
    with pytest.raises(GrantRefused, match="motif du refus"):
        application_transition(application=application, to_status=S.REFUSED, user=None)
    with pytest.raises(GrantRefused, match="montant accordé"):
        application_transition(application=application, to_status=S.GRANTED, user=None)
    with pytest.raises(GrantRefused, match="dépasse le montant demandé"):
        application_transition(
            application=application,
            to_status=S.GRANTED,
            user=None,
            amount_granted=Decimal("12000.01"),
        )
    application_transition(
        application=application, to_status=S.REFUSED, user=None, refusal_reason="Hors priorités"
    )
    application.refresh_from_db()
    assert (application.status, application.refusal_reason) == (S.REFUSED, "Hors priorités")
    assert TODAY  # the fixed date used by the helpers


def test_the_delegate_opinion_step_records_the_opinion(asso_a, call_mel, prefect_delegate):
    delegate = PrefectDelegate.objects.create(name="Délégué MEL", user=prefect_delegate)
    delegate.contracts.add(call_mel.contract)
    application = application_make(asso_a, call_mel)
    application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    application_transition(application=application, to_status=S.REVIEW, user=None)
    with pytest.raises(GrantRefused, match="avis du délégué"):
        application_transition(
            application=application, to_status=S.DELEGATE_OPINION, user=prefect_delegate
        )
    application_transition(
        application=application,
        to_status=S.DELEGATE_OPINION,
        user=prefect_delegate,
        opinion="reserve",
        note="Public à préciser",
    )
    application.refresh_from_db()
    assert application.get_delegate_opinion_display() == "Favorable avec réserves"
    assert application.steps.last().by == prefect_delegate


def test_a_delegate_cannot_give_the_opinion_outside_their_territory(
    asso_a, call_mel, call_dk, prefect_delegate
):
    delegate = PrefectDelegate.objects.create(name="Délégué Dunkerque", user=prefect_delegate)
    delegate.contracts.add(call_dk.contract)
    application = application_make(asso_a, call_mel)
    application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    application_transition(application=application, to_status=S.REVIEW, user=None)
    with pytest.raises(PermissionDenied, match="pas le droit"):
        application_transition(
            application=application,
            to_status=S.DELEGATE_OPINION,
            user=prefect_delegate,
            opinion="favorable",
        )
    application.refresh_from_db()
    assert application.status == S.REVIEW
    assert application.delegate_opinion == ""
