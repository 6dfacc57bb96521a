"""The weekly digest per délégué du préfet (their territory only) and per project lead, sent
through Django's locmem outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from quartiers.contracts.choices import LinkStatus
from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services import action_create, milestone_add
from quartiers.geography.models import QPV
from quartiers.organisation.digest import milestone_digests_send
from quartiers.organisation.models import PrefectDelegate
from tests.contracts.conftest import TODAY

LATE = TODAY - timedelta(days=10)


def _action(code: str, title: str, *qpvs: QPV, priority: bool = False, email: str = "") -> Action:
    action = action_create(
        contract=Contract.objects.get(code=code),
        user=None,
        values={
            "title": title,
            "theme": "emploi",
            "qpvs": list(qpvs),
            "is_priority": priority,
            "lead_name": "Chef de projet (test)" if email else "",
            "lead_email": email,
        },
    )
    milestone_add(action=action, user=None, label=f"Jalon test — {title}", due_on=LATE)
    return action


@pytest.fixture
def world(organisation_demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shared = QPV.objects.get(code="QN05920M", generation=2024)  # CN05902M or CN05904M
    valenciennes_only = (
        Contract.objects.get(code="CN05904M")
        .qpv_links.exclude(link_status=LinkStatus.UNCERTAIN)
        .order_by("qpv__code")
        .first()
        .qpv
    )
    mel = PrefectDelegate.objects.filter(qpvs__contract_links__contract__code="CN05911M")
    mel_delegate = mel.distinct().order_by("name").first()
    _action("CN05902M", "Hainaut sans QPV", priority=True, email="Chef.Hainaut@demo.invalid")
    _action("CN05904M", "Valenciennes QPV partagé", shared)
    _action(
        "CN05904M", "Valenciennes seule", valenciennes_only, email="chef.ordinaire@demo.invalid"
    )
    _action("CN05911M", "MEL un QPV", mel_delegate.qpvs.order_by("code").first())
    return {
        "hainaut": PrefectDelegate.objects.get(contracts__code="CN05902M"),
        "valenciennes": PrefectDelegate.objects.get(contracts__code="CN05904M"),
        "mel": mel_delegate,
        "mel_other": mel.exclude(pk=mel_delegate.pk).distinct().order_by("name").first(),
    }


def _test_labels(body: str) -> set[str]:
    return {
        line.split("Jalon test — ")[1].split(" (")[0]
        for line in body.splitlines()
        if "Jalon test — " in line
    }


def _by_recipient() -> dict[str, str]:
    return {message.to[0]: message.body for message in mail.outbox if len(message.to) == 1}


def test_each_delegate_gets_only_the_late_milestones_of_their_territory(world, prefecture_agent):
    prefecture_agent.email = "agent@demo.invalid"
    prefecture_agent.save()
    sent = milestone_digests_send(today=TODAY)
    assert sent[0].audience == "préfecture"
    delegates = PrefectDelegate.objects.all()
    assert len(mail.outbox) == 1 + delegates.count()  # préfecture + one per délégué (15)
    bodies = _by_recipient()
    assert _test_labels(bodies["agent@demo.invalid"]) == {
        "Hainaut sans QPV",
        "Valenciennes QPV partagé",
        "Valenciennes seule",
        "MEL un QPV",
    }
    expected = {
        world["hainaut"].email: {"Hainaut sans QPV", "Valenciennes QPV partagé"},
        world["valenciennes"].email: {"Valenciennes QPV partagé", "Valenciennes seule"},
        world["mel"].email: {"MEL un QPV"},
        world["mel_other"].email: set(),
    }
    for email, labels in expected.items():
        assert _test_labels(bodies[email]) == labels, email
    for delegate in delegates:  # every other délégué: none of these milestones
        if delegate.email not in expected:
            assert _test_labels(bodies[delegate.email]) == set(), delegate.name
    hainaut = next(m for m in mail.outbox if m.to == [world["hainaut"].email])
    assert hainaut.subject.startswith("[Quartiers 2030] Jalons en retard au 15/06/2026 sur votre")
    assert world["hainaut"].name in hainaut.body


def test_delegate_without_late_milestone_is_told_so(world):
    maubeuge = PrefectDelegate.objects.get(contracts__code="CN05903M")  # no demo action
    milestone_digests_send(today=TODAY)
    message = next(m for m in mail.outbox if m.to == [maubeuge.email])
    assert message.subject.endswith("sur votre territoire : 0")
    assert "Aucun jalon en retard : rien à signaler cette semaine." in message.body


def test_delegate_address_falls_back_on_the_account_and_a_deactivated_account_gets_nothing(
    world, prefect_delegate
):
    hainaut = world["hainaut"]
    hainaut.email, hainaut.user = "", prefect_delegate
    hainaut.save()
    prefect_delegate.email = "compte.delegue@demo.invalid"
    prefect_delegate.save()
    milestone_digests_send(today=TODAY)
    assert "Hainaut sans QPV" in _by_recipient()["compte.delegue@demo.invalid"]
    mail.outbox.clear()
    prefect_delegate.is_active = False
    prefect_delegate.save()
    milestone_digests_send(today=TODAY)
    assert "compte.delegue@demo.invalid" not in _by_recipient()
    assert not any(hainaut.name in message.body for message in mail.outbox)


def test_priority_only_applies_to_the_delegates_digest(world):
    milestone_digests_send(today=TODAY, priority_only=True)
    assert _test_labels(_by_recipient()[world["hainaut"].email]) == {"Hainaut sans QPV"}


def test_project_leads_of_priority_actions_get_their_own_late_milestones(world):
    sent = milestone_digests_send(today=TODAY, leads=True)
    leads = [item for item in sent if item.audience == "chef de projet"]
    assert [item.recipients for item in leads] == [["chef.hainaut@demo.invalid"]]
    body = _by_recipient()["chef.hainaut@demo.invalid"]
    assert _test_labels(body) == {"Hainaut sans QPV"}
    assert "dont vous êtes chef de projet" in body
    # The lead of an ordinary action is not written to; nor is anybody without --chefs-de-projet.
    assert "chef.ordinaire@demo.invalid" not in _by_recipient()
    mail.outbox.clear()
    milestone_digests_send(today=TODAY)
    assert "chef.hainaut@demo.invalid" not in _by_recipient()


def test_command_sends_to_delegates_and_leads_and_keeps_the_to_option(world, capsys):
    call_command("send_milestone_digest", "--date", TODAY.isoformat(), "--chefs-de-projet")
    bodies = _by_recipient()
    assert _test_labels(bodies[world["mel"].email]) == {"MEL un QPV"}
    assert "chef.hainaut@demo.invalid" in bodies
    out = capsys.readouterr().out
    assert f"délégué {world['mel'].name}" in out and "message(s)" in out
    mail.outbox.clear()
    call_command("send_milestone_digest", "--date", TODAY.isoformat(), "--to", "a@demo.invalid")
    assert [m.to for m in mail.outbox] == [["a@demo.invalid"]]
    assert len(_test_labels(mail.outbox[0].body)) == 4


def test_the_task_queue_sends_the_weekly_digest_on_mondays_with_absolute_links(world, settings):
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    from quartiers.organisation.tasks import milestone_digest_weekly_task

    settings.SITE_URL = "https://quartiers.nord.gouv.fr"

    def due(at: datetime) -> bool:
        return "milestone_digest_weekly" in {task.name for task in HUEY.read_periodic(at)}

    assert due(datetime(2026, 12, 7, 7, 0))  # a Monday, 7:00
    assert not due(datetime(2026, 12, 8, 7, 0))  # Tuesday
    assert not due(datetime(2026, 12, 7, 8, 0))
    mail.outbox.clear()
    milestone_digest_weekly_task.call_local()
    hainaut = next(m for m in mail.outbox if m.to == [world["hainaut"].email])
    action = Action.objects.get(title="Hainaut sans QPV")
    assert f"https://quartiers.nord.gouv.fr/contrats/actions/{action.pk}/" in hainaut.body
    assert "https://quartiers.nord.gouv.fr/contrats/suivi/" in hainaut.body
    settings.MILESTONE_DIGEST_ENABLED = False
    mail.outbox.clear()
    milestone_digest_weekly_task.call_local()
    assert mail.outbox == []
