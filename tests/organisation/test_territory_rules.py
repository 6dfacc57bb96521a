"""The rules of `quartiers.contracts.access` on the real contracts: délégués' territories
(including the QPV shared by two contracts), partners' signatures, roles without rights."""

from __future__ import annotations

from quartiers.contracts.choices import SignatoryStatus
from quartiers.contracts.models import Contract
from quartiers.contracts.services import action_create, signatory_status_set
from quartiers.core.access import Perm, user_can
from quartiers.geography.models import QPV
from quartiers.organisation.models import Commitment, PrefectDelegate


def _action(code: str, *qpv_codes: str, **values):
    action = action_create(
        contract=Contract.objects.get(code=code),
        user=None,
        values={
            "title": f"Action {code} {' '.join(qpv_codes)}",
            "theme": "emploi",
            "qpvs": list(QPV.objects.filter(code__in=qpv_codes, generation=2024)),
            **values,
        },
    )
    return action


def test_hainaut_delegate_edits_a_valenciennes_action_on_a_shared_qpv_only(
    hainaut_delegate, prefect_delegate
):
    shared = _action("CN05904M", "QN05920M")  # QPV linked to both contracts (uncertain)
    elsewhere = _action("CN05904M")  # no QPV: follows the contract, not theirs
    assert user_can(prefect_delegate, Perm.EDIT, shared)
    assert not user_can(prefect_delegate, Perm.EDIT, elsewhere)
    assert not user_can(prefect_delegate, Perm.EDIT, Contract.objects.get(code="CN05904M"))
    assert user_can(prefect_delegate, Perm.VIEW_INTERNAL, elsewhere)  # reads all


def test_mel_delegate_edits_the_actions_of_their_qpv_not_the_rest_of_the_mel(
    organisation_demo, prefect_delegate
):
    delegate = PrefectDelegate.objects.filter(contracts__isnull=True).first()
    delegate.user = prefect_delegate
    delegate.save()
    mine = delegate.qpvs.first()
    theirs = QPV.objects.filter(contract_links__contract__code="CN05911M").exclude(
        delegates=delegate
    )[0]
    assert user_can(prefect_delegate, Perm.EDIT, _action("CN05911M", mine.code))
    assert not user_can(prefect_delegate, Perm.EDIT, _action("CN05911M", theirs.code))
    # The MEL contract is on their territory through their QPV: the MEL's commitments too.
    commitment = Commitment.objects.filter(contract__code="CN05911M").first()
    assert user_can(prefect_delegate, Perm.EDIT, commitment)


def test_a_refused_signature_takes_the_contract_out_of_the_partners_territory(
    france_travail_partner,
):
    led = _action("CN05911M", lead_partner=france_travail_partner.partner_organisation)
    assert user_can(france_travail_partner, Perm.EDIT, led)
    signatory = Contract.objects.get(code="CN05911M").signatories.get(category="france_travail")
    signatory_status_set(
        signatory=signatory, status=SignatoryStatus.REFUSED, signed_on=None, user=None
    )
    del france_travail_partner._territory  # cached per request
    assert not user_can(france_travail_partner, Perm.EDIT, led)
    assert not user_can(france_travail_partner, Perm.VIEW_INTERNAL, led)


def test_partner_without_organisation_and_association_edit_nothing(
    organisation_demo, partner, association_user
):
    action = _action("CN05902M")
    commitment = Commitment.objects.first()
    for user in (partner, association_user):
        assert not user_can(user, Perm.EDIT, action)
        assert not user_can(user, Perm.EDIT, commitment)
    assert not user_can(association_user, Perm.VIEW_INTERNAL)
    assert user_can(association_user, Perm.VIEW, action)


def test_inactive_accounts_count_as_the_public(organisation_demo, prefecture_agent):
    prefecture_agent.is_active = False
    assert not user_can(prefecture_agent, Perm.VIEW_INTERNAL)
