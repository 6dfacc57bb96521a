"""The funding rules asked through the one access policy (`user_can`, `scope`), and the write
services that check them themselves (an association or a délégué calling them directly is
refused, nothing written); the scoped application list sorted by column."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from quartiers.core.access import Perm, scope, user_can
from quartiers.grants.access import Steering
from quartiers.grants.models import Agreement, Application, Association
from quartiers.grants.services.associations import association_create
from quartiers.grants.services.dauphin import COLUMNS, dauphin_import
from quartiers.grants.services.location import association_relocate
from quartiers.organisation.models import PrefectDelegate
from tests.grants.conftest import application_make

pytestmark = pytest.mark.django_db


def test_pages_as_a_whole_follow_the_rules_of_each_role(
    member_a, prefecture_agent, prefect_delegate, partner
):
    association = member_a  # an association account linked to its association
    expected = {
        # target, perm: (association, délégué, partner, agent)
        (Application, Perm.VIEW_INTERNAL): (True, True, False, True),
        (Application, Perm.EDIT): (True, False, False, True),
        (Association, Perm.VIEW_INTERNAL): (False, True, False, True),
        (Association, Perm.EDIT): (False, False, False, True),
        (Agreement, Perm.VIEW_INTERNAL): (False, True, False, True),
        (Agreement, Perm.EDIT): (False, False, False, True),
        (Steering, Perm.VIEW_INTERNAL): (False, True, False, True),
        (Steering, Perm.EDIT): (False, False, False, True),
    }
    users = (association, prefect_delegate, partner, prefecture_agent)
    for (target, perm), answers in expected.items():
        got = tuple(user_can(user, perm, target) for user in users)
        assert got == answers, (target.__name__, perm)


def test_an_association_account_without_its_association_cannot_file(association_user):
    assert user_can(association_user, Perm.VIEW_INTERNAL, Application)
    assert not user_can(association_user, Perm.EDIT, Application)


def test_associations_are_scoped_to_the_own_one_or_the_delegates_territory(
    member_a, asso_a, asso_b, call_mel, call_dk, prefect_delegate
):
    application_make(asso_b, call_dk)
    delegate = PrefectDelegate.objects.create(name="Délégué Dunkerque", user=prefect_delegate)
    delegate.contracts.add(call_dk.contract)
    everything = Association.objects.all()
    assert list(scope(member_a, Perm.VIEW_INTERNAL, everything)) == [asso_a]
    assert list(scope(prefect_delegate, Perm.VIEW_INTERNAL, everything)) == [asso_b]
    assert user_can(prefect_delegate, Perm.VIEW_INTERNAL, asso_b)
    assert not user_can(prefect_delegate, Perm.VIEW_INTERNAL, asso_a)
    assert user_can(member_a, Perm.VIEW_INTERNAL, asso_a)
    assert not user_can(member_a, Perm.VIEW_INTERNAL, asso_b)


def test_write_services_refuse_who_may_not_manage_associations(
    member_a, asso_a, prefect_delegate, tmp_path
):
    before = list(Association.objects.values_list())
    for user in (member_a, prefect_delegate):
        with pytest.raises(PermissionDenied):
            association_create(
                values={"name": "Association refusée", "siret": "73282932000074"}, user=user
            )
        with pytest.raises(PermissionDenied):
            association_relocate(association=asso_a, user=user)
        extract = tmp_path / "extrait.csv"
        extract.write_text(";".join(COLUMNS) + "\n", encoding="utf-8")
        with pytest.raises(PermissionDenied):
            dauphin_import(path=extract, apply=True, user=user)
    assert list(Association.objects.values_list()) == before


def test_the_application_list_sorts_by_amount_requested_and_by_title(
    client, prefecture_agent, asso_a, asso_b, call_mel
):
    asked = {"Atelier B": "3000.00", "Atelier É": "9000.00", "Atelier a": "500.00"}
    for title, amount in asked.items():
        application_make(asso_a, call_mel, title=title, asked=amount, cost="10000.00")
    client.force_login(prefecture_agent)

    def titles(query: str) -> list[str]:
        html = client.get(f"/financements/?tri={query}").content.decode()
        body = html.split('data-testid="application-table"', 1)[1]
        return re.findall(r'/financements/dossiers/[0-9a-f-]+/">([^<]+)</a>', body)

    by_amount = sorted(asked, key=lambda title: float(asked[title]), reverse=True)
    assert titles("-demande") == by_amount == ["Atelier É", "Atelier B", "Atelier a"]
    assert titles("action") == ["Atelier a", "Atelier B", "Atelier É"]  # case, accents ignored
