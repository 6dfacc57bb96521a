"""« Demande de compléments », refusal before the committee, the CERFA's association section
and attestation, and the e-mails an association receives when its application moves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from quartiers.grants.choices import ApplicationStatus
from quartiers.grants.models import Application
from quartiers.grants.services.errors import GrantRefused
from quartiers.grants.services.workflow import application_transition
from tests.grants.conftest import ATTESTATION, application_make

pytestmark = pytest.mark.django_db
S = ApplicationStatus
DETAIL = "/financements/dossiers/{}/"


@pytest.fixture
def filed(asso_a, call_mel, member_a, settings):
    settings.SITE_URL = "https://quartiers.nord.gouv.fr"
    asso_a.email = "contact@asso-a.example"
    asso_a.save()
    member_a.email = "nadia@asso-a.example"
    member_a.save()
    application = application_make(asso_a, call_mel)
    application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    return application


def test_an_agent_asks_for_complements_the_association_completes_and_files_again(
    client, filed, member_a, prefecture_agent, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(prefecture_agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DETAIL.format(filed.uuid) + "statut/",
            {"to_status": "complements", "complement_request": "Joignez les statuts signés."},
        )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.complement_request) == (S.COMPLEMENT, "Joignez les statuts signés.")
    assert filed.steps.last().note == "Joignez les statuts signés."
    [message] = mail.outbox
    assert sorted(message.to) == ["contact@asso-a.example", "nadia@asso-a.example"]
    assert "compléments demandés" in message.subject
    assert "Joignez les statuts signés." in message.body
    assert f"https://quartiers.nord.gouv.fr/financements/dossiers/{filed.uuid}/" in message.body

    client.force_login(member_a)
    page = client.get(DETAIL.format(filed.uuid)).content.decode()
    assert "Joignez les statuts signés." in page
    edit = client.get(DETAIL.format(filed.uuid) + "modifier/")
    assert edit.status_code == 200  # editable again while complements are asked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            DETAIL.format(filed.uuid) + "statut/",
            {"to_status": "deposee", "attestation": "on", "attestation_name": "Claire Martin"},
        )
    filed.refresh_from_db()
    assert (filed.status, filed.complement_request) == (S.FILED, "")
    assert [(s.from_status, s.to_status) for s in filed.steps.all()] == [
        (S.DRAFT, S.FILED),
        (S.FILED, S.COMPLEMENT),
        (S.COMPLEMENT, S.FILED),
    ]
    assert len(mail.outbox) == 2 and "« Déposée »" in mail.outbox[1].subject


def test_complements_need_a_message(filed):
    with pytest.raises(GrantRefused, match="compléments demandés"):
        application_transition(application=filed, to_status=S.COMPLEMENT, user=None)
    assert Application.objects.get(pk=filed.pk).status == S.FILED


@pytest.mark.parametrize("before", [S.FILED, S.REVIEW, S.DELEGATE_OPINION])
def test_an_application_is_refused_with_a_reason_before_the_committee(
    filed, before, django_capture_on_commit_callbacks
):
    path = {S.FILED: [], S.REVIEW: [(S.REVIEW, {})]}.get(
        before, [(S.REVIEW, {}), (S.DELEGATE_OPINION, {"opinion": "defavorable"})]
    )
    for status, data in path:
        application_transition(application=filed, to_status=status, user=None, **data)
    with pytest.raises(GrantRefused, match="motif du refus"):
        application_transition(application=filed, to_status=S.REFUSED, user=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=filed, to_status=S.REFUSED, user=None, refusal_reason="Hors QPV."
        )
    filed.refresh_from_db()
    assert (filed.status, filed.refusal_reason, filed.committee_on) == (
        S.REFUSED,
        "Hors QPV.",
        None,
    )
    [message] = mail.outbox
    assert "« Refusée »" in message.subject and "Hors QPV." in message.body


def test_filing_needs_the_association_section_and_the_signed_attestation(asso_a, call_mel):
    application = application_make(asso_a, call_mel, staff_fte=None, association_budget=None)
    with pytest.raises(GrantRefused) as error:
        application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    assert "budget annuel de l'association (€), salariés en ETPT" in str(error.value)
    application.staff_fte, application.association_budget = Decimal("2.5"), Decimal("85000")
    application.save()
    with pytest.raises(GrantRefused, match="attestation sur l'honneur"):
        application_transition(application=application, to_status=S.FILED, user=None)
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.attestation_at is None
    application_transition(application=application, to_status=S.FILED, user=None, **ATTESTATION)
    application.refresh_from_db()
    assert application.status == S.FILED
    assert (application.attestation_name, application.attestation_role) == (
        "Claire Martin",
        "présidente",
    )
    assert application.attestation_at is not None


def test_the_form_carries_the_association_s_budget_and_staff(client, member_a, asso_a, call_mel):
    client.force_login(member_a)
    application = application_make(asso_a, call_mel)
    form = client.get(DETAIL.format(application.uuid) + "modifier/").content.decode()
    for name in ("association_budget", "staff_volunteers", "staff_employees", "staff_fte"):
        assert f'name="{name}"' in form
