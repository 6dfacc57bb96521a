"""The délégués' list counts the territory as the access policy does, and the préfecture
assigns QPV and contracts on a web screen (audited, CSRF-protected, préfecture only)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.contracts.access import delegate_territory
from quartiers.contracts.models import Contract, ContractQPV
from quartiers.core.audit import AuditEntry
from quartiers.geography.models import QPV
from quartiers.organisation.models import PrefectDelegate
from quartiers.organisation.selectors import delegate_rows

pytestmark = pytest.mark.django_db


def test_the_list_counts_the_qpv_of_my_territory(client, hainaut_delegate, prefecture_agent):
    client.force_login(hainaut_delegate.user)
    mine = client.get(reverse("organisation:my_territory")).context["page"]
    # Hand count: the Porte du Hainaut contract's QPV links (the délégué has no QPV of their own).
    by_hand = ContractQPV.objects.filter(contract__code="CN05902M").count()
    assert len(mine.qpvs) == by_hand == 13
    client.force_login(prefecture_agent)
    response = client.get(reverse("organisation:delegate_list"))
    row = next(r for r in response.context["rows"] if r.delegate == hainaut_delegate)
    assert row.qpv_count == 13 and row.assigned_contracts == ["CN05902M"]
    assert '<td class="q-num" data-testid="qpv-count">13</td>' in response.content.decode()
    for row in delegate_rows():
        assert row.territory == delegate_territory(delegate=row.delegate), row.delegate.name


def test_the_list_costs_the_same_queries_whatever_the_number_of_delegates(organisation_demo):
    with CaptureQueriesContext(connection) as fifteen:
        rows = delegate_rows()
    assert len(rows) == 15
    for number in range(10):
        PrefectDelegate.objects.create(name=f"Délégué supplémentaire {number}").qpvs.set(
            QPV.objects.of_generation(2024).order_by("code")[number : number + 2]
        )
    with CaptureQueriesContext(connection) as twenty_five:
        assert len(delegate_rows()) == 25
    assert len(twenty_five) == len(fifteen) <= 4


def _post(client: Client, url: str, **extra: object):
    valenciennes = Contract.objects.get(code="CN05904M")
    qpv = QPV.objects.get(code="QN05920M", generation=2024)
    return client.post(
        url,
        {
            "name": "Camille Nouveau",
            "email": "camille@nord.gouv.fr",
            "contracts": [valenciennes.pk],
            "qpvs": [qpv.pk],
            **extra,
        },
    )


def test_an_agent_creates_a_delegate_with_their_territory_and_it_is_audited(
    client, organisation_demo, prefecture_agent, prefect_delegate
):
    client.force_login(prefecture_agent)
    response = _post(client, reverse("organisation:delegate_create"), account=prefect_delegate.pk)
    delegate = PrefectDelegate.objects.get(name="Camille Nouveau")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:delegate_detail", args=[delegate.pk])
    assert [c.code for c in delegate.contracts.all()] == ["CN05904M"]
    assert [q.code for q in delegate.qpvs.all()] == ["QN05920M"]
    assert delegate.user == prefect_delegate and delegate.email == "camille@nord.gouv.fr"
    entries = AuditEntry.objects.filter(object_id=str(delegate.pk), user=prefecture_agent)
    assert {e.action for e in entries} == {"create", "update"}
    # The délégué now works on this territory.
    client.force_login(prefect_delegate)
    assert client.get(reverse("organisation:my_territory")).status_code == 200


def test_an_agent_reassigns_an_existing_delegate(client, hainaut_delegate, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("organisation:delegate_edit", args=[hainaut_delegate.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'name="qpvs"' in form.content.decode()
    _post(client, url, name=hainaut_delegate.name, account=hainaut_delegate.user.pk)
    hainaut_delegate.refresh_from_db()
    assert [c.code for c in hainaut_delegate.contracts.all()] == ["CN05904M"]


@pytest.mark.parametrize("who", ["prefect_delegate", "partner", "association_user"])
def test_only_the_prefecture_assigns(client, organisation_demo, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = PrefectDelegate.objects.count()
    assert client.get(reverse("organisation:delegate_create")).status_code == 403
    assert _post(client, reverse("organisation:delegate_create")).status_code == 403
    assert PrefectDelegate.objects.count() == before


def test_anonymous_visitors_go_to_login_and_a_post_without_csrf_token_is_refused(
    organisation_demo, prefecture_agent
):
    anonymous = Client().get(reverse("organisation:delegate_create"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(prefecture_agent)
    before = PrefectDelegate.objects.count()
    assert _post(strict, reverse("organisation:delegate_create")).status_code == 403
    assert PrefectDelegate.objects.count() == before


def test_a_delegate_assignment_names_its_qpv_in_the_trail(
    client, hainaut_delegate, prefecture_agent
):
    from quartiers.geography.models import QPV

    client.force_login(prefecture_agent)
    qpv = QPV.objects.get(code="QN05920M", generation=2024)
    client.post(
        reverse("organisation:delegate_edit", args=[hainaut_delegate.pk]),
        {"name": hainaut_delegate.name, "qpvs": [qpv.pk], "contracts": []},
    )
    entry = AuditEntry.objects.filter(
        object_id=str(hainaut_delegate.pk), changes__has_key="qpvs"
    ).latest("pk")
    assert entry.changes["qpvs"]["after"] == [f"{qpv.name} (QN05920M)"]
    page = client.get(
        reverse("organisation:delegate_edit", args=[hainaut_delegate.pk])
    ).content.decode()
    assert f"{qpv.name} (QN05920M)" in page and "[&#x27;" not in page
