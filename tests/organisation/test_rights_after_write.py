"""Rights are decided on the object as it will be AFTER the write, inside the services
(docs/roles.md): a délégué holding some QPV of the MEL contract cannot create an action on,
or move an action to, a QPV of another délégué; a partner leading an action cannot hand it to
another organisation; a partner cannot move a commitment to another organisation. Each
refusal is a 403 and leaves the database as it was; the allowed twin of each case saves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services import action_create, action_update
from quartiers.geography.models import QPV
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate
from quartiers.organisation.services import commitment_update
from tests.bodies import action_body, commitment_body

MEL = "CN05911M"


@pytest.fixture
def mel_delegate(organisation_demo, prefect_delegate):
    """A MEL délégué: some QPV of the MEL contract, not the contract itself."""
    delegate = PrefectDelegate.objects.filter(
        contracts__isnull=True, qpvs__contract_links__contract__code=MEL
    ).first()
    delegate.user = prefect_delegate
    delegate.save()
    mine = delegate.qpvs.filter(contract_links__contract__code=MEL).order_by("code").first()
    theirs = (
        QPV.objects.filter(contract_links__contract__code=MEL)
        .exclude(delegates=delegate)
        .order_by("code")
        .first()
    )
    assert mine is not None and theirs is not None
    assert theirs.delegates.exclude(pk=delegate.pk).exists()  # another délégué's QPV
    return prefect_delegate, mine, theirs


def _mel_action(qpv: QPV, **values) -> Action:
    return action_create(
        contract=Contract.objects.get(code=MEL),
        user=None,
        values={"title": f"Action MEL {qpv.code}", "theme": "emploi", "qpvs": [qpv], **values},
    )


def test_delegate_cannot_create_an_action_on_another_delegates_qpv(client, mel_delegate):
    user, mine, theirs = mel_delegate
    client.force_login(user)
    url = reverse("contracts:action_create", args=[MEL])
    before = Action.objects.count()
    refused = client.post(url, action_body(title="Sur le QPV d'un autre", qpvs=[theirs.pk]))
    assert refused.status_code == 403
    assert Action.objects.count() == before
    allowed = client.post(url, action_body(title="Sur mon QPV", qpvs=[mine.pk]))
    assert allowed.status_code == 302
    created = Action.objects.get(title="Sur mon QPV")
    assert list(created.qpvs.values_list("pk", flat=True)) == [mine.pk]


def test_delegate_cannot_move_an_action_to_another_delegates_qpv(client, mel_delegate):
    user, mine, theirs = mel_delegate
    action = _mel_action(mine)
    client.force_login(user)
    url = reverse("contracts:action_edit", args=[action.pk])
    for qpvs in ([theirs.pk], [mine.pk, theirs.pk]):
        response = client.post(url, action_body(action, qpvs=qpvs))
        assert response.status_code == 403, qpvs
        assert list(action.qpvs.values_list("pk", flat=True)) == [mine.pk]
        assert Action.objects.get(pk=action.pk).version == action.version
    allowed = client.post(url, action_body(action, title="Renommée sur mon QPV"))
    assert allowed.status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Renommée sur mon QPV"


def test_delegate_refusal_holds_in_the_service_itself(mel_delegate):
    user, mine, theirs = mel_delegate
    action = _mel_action(mine)
    with pytest.raises(PermissionDenied, match="hors de votre territoire"):
        action_update(
            action=action, user=user, values={"qpvs": [theirs]}, expected_version=action.version
        )
    with pytest.raises(PermissionDenied):
        action_create(
            contract=action.contract,
            user=user,
            values={"title": "Ailleurs", "theme": "emploi", "qpvs": [theirs]},
        )
    assert list(action.qpvs.all()) == [mine]
    assert not Action.objects.filter(title="Ailleurs").exists()


def test_partner_cannot_hand_its_action_to_another_organisation(client, france_travail_partner):
    france_travail = france_travail_partner.partner_organisation
    caf = Organisation.objects.get(code="caf")
    action = action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=None,
        values={
            "title": "Pilotée par France Travail",
            "theme": "emploi",
            "lead_partner": france_travail,
        },
    )
    client.force_login(france_travail_partner)
    url = reverse("contracts:action_edit", args=[action.pk])
    refused = client.post(url, action_body(action, lead_partner=caf.pk))
    assert refused.status_code == 403
    action.refresh_from_db()
    assert (action.lead_partner_id, action.version) == (france_travail.pk, 1)
    allowed = client.post(url, action_body(action, progress=40))
    assert allowed.status_code == 302
    action.refresh_from_db()
    assert (action.lead_partner_id, action.progress) == (france_travail.pk, 40)


def test_partner_cannot_move_a_commitment_to_another_organisation_in_the_service(
    france_travail_partner,
):
    commitment = Commitment.objects.get(
        contract__code="CN05902M", organisation__code="france-travail"
    )
    caf = Organisation.objects.get(code="caf")
    with pytest.raises(PermissionDenied, match="sortirait de votre organisme"):
        commitment_update(
            commitment=commitment,
            user=france_travail_partner,
            values={"organisation": caf},
            expected_version=commitment.version,
        )
    commitment.refresh_from_db()
    assert commitment.organisation.code == "france-travail"


def test_partner_edits_its_commitment_through_the_form(client, france_travail_partner):
    commitment = Commitment.objects.get(
        contract__code="CN05902M", organisation__code="france-travail"
    )
    client.force_login(france_travail_partner)
    url = reverse("organisation:commitment_edit", args=[commitment.pk])
    assert client.post(url, commitment_body(commitment, progress=35)).status_code == 302
    commitment.refresh_from_db()
    assert commitment.progress == 35
