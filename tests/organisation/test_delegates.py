"""The 15 délégués du préfet, their territory and the « mon territoire » page."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from quartiers.contracts.access import delegate_territory
from quartiers.contracts.models import Contract
from quartiers.contracts.services import action_create, milestone_add
from quartiers.geography.models import QPV
from quartiers.organisation.demo import seed_organisation_demo
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate


def test_demo_makes_15_delegates_covering_all_94_qpv(organisation_demo):
    assert PrefectDelegate.objects.count() == 15
    covered = set()
    for delegate in PrefectDelegate.objects.all():
        covered |= delegate_territory(delegate=delegate).qpv_ids
    assert len(covered) == QPV.objects.filter(generation=2024).count() == 94
    # The MEL's 26 QPV are shared between 3 délégués, each following QPV, not the contract.
    mel = PrefectDelegate.objects.filter(contracts__isnull=True)
    assert mel.count() == 3
    assert sum(d.qpvs.count() for d in mel) == 26
    assert all(d.name.startswith("Délégué·e du préfet démo") for d in PrefectDelegate.objects.all())


def test_demo_seed_is_idempotent(organisation_demo):
    counts = (
        PrefectDelegate.objects.count(),
        Organisation.objects.count(),
        Commitment.objects.count(),
    )
    report = seed_organisation_demo()
    assert (report.delegates_added, report.organisations_added, report.commitments_added) == (
        0,
        0,
        0,
    )
    assert counts == (15, 9, 78)


def test_delegate_territory_includes_the_uncertain_qpv_of_both_contracts(organisation_demo):
    hainaut = PrefectDelegate.objects.get(contracts__code="CN05902M")
    territory = delegate_territory(delegate=hainaut)
    codes = set(QPV.objects.filter(pk__in=territory.qpv_ids).values_list("code", flat=True))
    assert {"QN05920M", "QN05921M", "QN05922M", "QN05930M"} <= codes
    assert len(codes) == 13
    # Contract-level territory is only the assigned contract (not Valenciennes Métropole).
    assert set(
        Contract.objects.filter(pk__in=territory.contract_ids).values_list("code", flat=True)
    ) == {"CN05902M"}


def test_my_territory_page_lists_qpv_contracts_actions_and_what_is_late(
    client, hainaut_delegate, prefect_delegate, prefecture_agent
):
    action = action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=prefecture_agent,
        values={
            "title": "Permis de conduire des jeunes",
            "theme": "emploi",
            "is_priority": True,
            "lead_name": "Camille Cheffe",
        },
    )
    milestone_add(
        action=action,
        user=prefecture_agent,
        label="Convention signée",
        due_on=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(prefect_delegate)
    response = client.get(reverse("organisation:my_territory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Délégué·e du préfet démo" in html
    assert "CN05902M" in html and "QN05920M" in html
    assert "Permis de conduire des jeunes" in html
    late = [m.label for m in response.context["page"].late_milestones]
    assert "Convention signée" in late and "Convention signée" in html
    # The Denain example (press kit) is an action of this territory too.
    assert any("Parenthèse" in a.title for a in response.context["page"].actions)
    assert not any(a.contract.code == "CN05911M" for a in response.context["page"].actions)


def test_dashboard_filters_by_delegate(client, organisation_demo, prefecture_agent):
    client.force_login(prefecture_agent)
    hainaut = PrefectDelegate.objects.get(contracts__code="CN05902M")
    response = client.get(reverse("contracts:follow_up"), {"toutes": "on", "delegue": hainaut.pk})
    assert response.status_code == 200
    assert {a.contract.code for a in response.context["actions"]} == {"CN05902M"}
    everything = client.get(reverse("contracts:follow_up"), {"toutes": "on"}).context["actions"]
    assert len(everything) > len(response.context["actions"])


def test_prefecture_is_sent_from_my_territory_to_the_list_of_delegates(
    client, organisation_demo, prefecture_agent
):
    client.force_login(prefecture_agent)
    response = client.get(reverse("organisation:my_territory"))
    assert response["Location"] == reverse("organisation:delegate_list")
    html = client.get(reverse("organisation:delegate_list")).content.decode()
    assert html.count('data-testid="qpv-count"') == 15
    # Each name twice: the link to the territory and the « Modifier » link's accessible text.
    assert html.count("Délégué·e du préfet démo") == 30


def test_demo_accounts_are_linked_to_a_delegate_and_to_france_travail(db, data_dir):
    from quartiers.contracts.demo import seed_contracts_demo
    from quartiers.core.demo import demo_accounts_ensure
    from quartiers.core.models import User

    demo_accounts_ensure()
    seed_contracts_demo(data_dir=data_dir)
    report = seed_organisation_demo()
    assert len(report.accounts_linked) == 2
    delegate = User.objects.get(username="demo-delegue").delegate_profile
    assert list(delegate.contracts.values_list("code", flat=True)) == ["CN05902M"]
    partner = User.objects.get(username="demo-partenaire")
    assert partner.partner_organisation.code == "france-travail"
    assert seed_organisation_demo().accounts_linked == []  # idempotent
