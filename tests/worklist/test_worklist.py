"""« À traiter »: every role lands on it after login and sees its own work, checked against
lists computed by hand from the demo data (plain Python loops over every row, not the
selectors' queries)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartiers.contracts.choices import SignatoryStatus
from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.core.demo import DEMO_ACCOUNTS, demo_accounts_ensure
from quartiers.core.models import User
from quartiers.grants.choices import ApplicationStatus
from quartiers.grants.demo import seed_grants_demo
from quartiers.grants.models import Application
from quartiers.grants.services.workflow import application_transition
from quartiers.organisation.demo import seed_organisation_demo
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate

pytestmark = pytest.mark.django_db

SEEDED_ON = date(2026, 6, 15)
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
# Hand-read from quartiers/grants/demo.py: the demo's 2025 applications end on 31/12/2025, so
# their CERFA 15059 report is due on 30/06/2026; two were granted and none reported.
LATE_REPORTS = {
    "Sport santé au pied des immeubles (démo)",
    "Accompagnement des jeunes vers l'emploi — CPO 2025-2027 (démo)",
}


@pytest.fixture
def demo(data_dir, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_accounts_ensure()
    seed_contracts_demo(data_dir=data_dir, today=SEEDED_ON)
    seed_organisation_demo()
    seed_grants_demo()
    return timezone.localdate()


def _titles(section) -> set[str]:
    return {e.label.split(" — ", 1)[1] if " — " in e.label else e.label for e in section.entries}


def _late_milestones_by_hand(today: date, actions: set[int] | None = None) -> list[int]:
    return sorted(
        m.action_id
        for m in Milestone.objects.all()
        if m.done_on is None and m.due_on < today and (actions is None or m.action_id in actions)
    )


def _milestone_actions(section) -> list[int]:
    return sorted(int(e.url.rstrip("/").rsplit("/", 1)[1]) for e in section.entries)


def _unsigned_by_hand(contracts) -> set[str]:
    return {
        c.code
        for c in contracts
        if any(s.status == SignatoryStatus.PENDING for s in c.signatories.all())
    }


def _delegate_actions_by_hand(delegate: PrefectDelegate) -> set[int]:
    """The rule of docs/roles.md, computed row by row."""
    explicit = {c.pk for c in delegate.contracts.all()}
    assigned_qpv = {q.pk for q in delegate.qpvs.all()}
    via_qpv = {c.pk for c in Contract.objects.all() if {q.pk for q in c.qpvs.all()} & assigned_qpv}
    qpvs = assigned_qpv | {q.pk for c in delegate.contracts.all() for q in c.qpvs.all()}
    result = set()
    for action in Action.objects.all():
        action_qpvs = {q.pk for q in action.qpvs.all()}
        if (
            action.contract_id in explicit
            or action_qpvs & qpvs
            or (not action_qpvs and action.contract_id in explicit | via_qpv)
        ):
            result.add(action.pk)
    return result


def _login(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORDS[username]}
    )
    assert response.status_code == 302 and response["Location"] == "/a-traiter/"
    return client


def test_an_agent_lands_on_the_whole_departement_s_work(demo):
    client = _login("demo-agent")
    page = client.get("/a-traiter/")
    assert page.status_code == 200
    worklist = page.context["worklist"]
    assert _titles(worklist.section("to_instruct")) == {"Aide aux devoirs du soir (démo)"}
    assert _titles(worklist.section("awaiting_decision")) == {"Parrainage vers l'emploi (démo)"}
    assert _titles(worklist.section("late_reports")) == LATE_REPORTS
    late = worklist.section("late_milestones")
    assert _milestone_actions(late) == _late_milestones_by_hand(demo)
    assert late.count > 0
    unsigned = {
        e.label.rsplit("(", 1)[1].rstrip(")")
        for e in worklist.section("unsigned_contracts").entries
    }
    assert unsigned == _unsigned_by_hand(Contract.objects.filter(generation=2024))
    html = page.content.decode()
    assert f'data-testid="count-late_milestones">{late.count}<' in html
    assert 'data-testid="count-late_reports">2<' in html


def test_a_delegate_sees_their_territory_and_the_applications_awaiting_their_opinion(demo):
    aide = Application.objects.get(action_title="Aide aux devoirs du soir (démo)")
    application_transition(application=aide, to_status=ApplicationStatus.REVIEW, user=None)
    user = User.objects.get(username="demo-delegue")
    # The demo délégué follows the Porte du Hainaut; give the account instead the délégué
    # following the first QPV of the MEL (the demo applications' QPV).
    qpv = aide.qpvs.order_by("code").first()
    delegate = PrefectDelegate.objects.filter(qpvs=qpv).first()
    PrefectDelegate.objects.filter(user=user).update(user=None)
    delegate.user = user
    delegate.save()
    client = _login("demo-delegue")
    worklist = client.get("/a-traiter/").context["worklist"]
    assert _titles(worklist.section("awaiting_opinion")) == {"Aide aux devoirs du soir (démo)"}
    # Both MEL applications are on this territory; nothing from Dunkerque.
    assert _titles(worklist.section("awaiting_decision")) == {"Parrainage vers l'emploi (démo)"}
    assert _titles(worklist.section("late_reports")) == {
        "Accompagnement des jeunes vers l'emploi — CPO 2025-2027 (démo)"
    }
    actions = _delegate_actions_by_hand(delegate)
    assert _milestone_actions(worklist.section("late_milestones")) == _late_milestones_by_hand(
        demo, actions
    )
    contract_ids = {
        c.pk for c in Contract.objects.all() if c.qpvs.filter(pk__in=delegate.qpvs.all()).exists()
    }
    contract_ids |= {c.pk for c in delegate.contracts.all()}
    unsigned = {
        e.label.rsplit("(", 1)[1].rstrip(")")
        for e in worklist.section("unsigned_contracts").entries
    }
    assert unsigned == _unsigned_by_hand(Contract.objects.filter(pk__in=contract_ids))


def test_the_hainaut_delegate_sees_no_application_and_only_their_late_milestones(demo):
    client = _login("demo-delegue")
    worklist = client.get("/a-traiter/").context["worklist"]
    delegate = PrefectDelegate.objects.get(user__username="demo-delegue")
    assert [c.code for c in delegate.contracts.all()] == ["CN05902M"]
    for key in ("awaiting_opinion", "to_instruct", "awaiting_decision", "late_reports"):
        assert worklist.section(key).count == 0
    expected = _late_milestones_by_hand(demo, _delegate_actions_by_hand(delegate))
    assert _milestone_actions(worklist.section("late_milestones")) == expected
    assert len(expected) < len(_late_milestones_by_hand(demo))


def test_an_association_sees_its_applications_their_status_and_nothing_else(demo):
    client = _login("demo-association")
    page = client.get("/a-traiter/")
    worklist = page.context["worklist"]
    mine = worklist.section("my_applications")
    assert {
        (t, e.detail)
        for t, e in zip(
            sorted(_titles(mine)),
            sorted(mine.entries, key=lambda e: e.label.split(" — ", 1)[1]),
            strict=True,
        )
    } == {
        ("Aide aux devoirs du soir (démo)", "2025 · Déposée"),
        ("Jardin partagé et ateliers nature (démo)", "2025 · Brouillon (non déposée)"),
    }
    assert worklist.section("reports_due").count == 0
    assert "Parrainage" not in page.content.decode()


def test_a_partner_sees_its_commitments_and_the_actions_it_leads(demo):
    france_travail = Organisation.objects.get(code="france-travail")
    # France Travail signs every contract of the demo: it refuses one, so that an action it
    # leads there is out of its reach.
    refused = Action.objects.order_by("pk").first().contract
    refused.signatories.filter(category="france_travail").update(status=SignatoryStatus.REFUSED)
    signed = {
        c.pk
        for c in Contract.objects.all()
        if any(
            s.category == "france_travail" and s.status != SignatoryStatus.REFUSED
            for s in c.signatories.all()
        )
    }
    inside = Action.objects.filter(contract_id__in=signed).order_by("pk").first()
    outside = Action.objects.exclude(contract_id__in=signed).order_by("pk").first()
    for action in (inside, outside):
        action.lead_partner = france_travail
        action.save()
    client = _login("demo-partenaire")
    worklist = client.get("/a-traiter/").context["worklist"]
    expected = {
        c.pk
        for c in Commitment.objects.all()
        if c.organisation_id == france_travail.pk and c.contract_id in signed
    }
    got = {
        int(e.url.rstrip("/").rsplit("/", 1)[1]) for e in worklist.section("commitments").entries
    }
    assert got == expected and expected
    led = [
        int(e.url.rstrip("/").rsplit("/", 1)[1]) for e in worklist.section("led_actions").entries
    ]
    assert led == [inside.pk]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/a-traiter/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(demo):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quartiers.contracts.services import milestone_add

    def queries(username: str) -> int:
        client = _login(username)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/a-traiter/").status_code == 200
        return len(captured)

    users = ("demo-agent", "demo-delegue", "demo-association", "demo-partenaire")
    before = {u: queries(u) for u in users}
    hainaut = PrefectDelegate.objects.get(user__username="demo-delegue").contracts.get()
    for action in Action.objects.filter(contract=hainaut)[:5]:
        for number in range(4):
            milestone_add(
                action=action,
                user=None,
                label=f"Jalon ajouté {number}",
                due_on=demo - timedelta(days=20 + number),
            )
    after = {u: queries(u) for u in users}
    assert after == before, (before, after)
    assert max(after.values()) <= 30, after
