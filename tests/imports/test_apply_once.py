"""« Appliquer » applies one verification once: a second POST of the same form (double click,
replayed request, a concurrent one) writes nothing and says, in French, that the import was
already applied, with a link to it in the history."""

from __future__ import annotations

import dataclasses
import re
import threading
from html import unescape

import pytest
from django.db import connection, connections
from django.urls import reverse

from quartiers.core.audit import AuditEntry
from quartiers.geography.models import ImportRun
from quartiers.imports import services
from quartiers.imports.kinds import KINDS
from quartiers.imports.models import ImportPreview, PreviewState
from quartiers.programmes.models import Dispositif
from tests.imports.conftest import DISPOSITIFS_CSV, client_of, preview_post, upload

pytestmark = pytest.mark.django_db
NAMES = ["Cité éducative d'essai", "PRE d'essai de Lille"]  # the two rows of DISPOSITIFS_CSV


def _verified(client) -> str:
    response = preview_post(
        client, "dispositifs", {"fichier": upload("dispositifs.csv", DISPOSITIFS_CSV)}
    )
    return response.context["result"].token


def _written() -> tuple:
    return (
        sorted(Dispositif.objects.filter(name__in=NAMES).values_list("name", flat=True)),
        ImportRun.objects.filter(kind="dispositifs", applied=True).count(),
        AuditEntry.objects.filter(note__startswith="Import appliqué").count(),
    )


def test_a_second_apply_of_the_same_verification_writes_nothing(prefecture_agent):
    client = client_of(prefecture_agent)
    token = _verified(client)
    assert _written() == ([], 0, 0)

    first = client.post(reverse("imports:apply"), {"apercu": token})
    second = client.post(reverse("imports:apply"), {"apercu": token})

    assert first.status_code == 302
    assert _written() == (NAMES, 1, 1)  # one application only
    run = ImportRun.objects.get(kind="dispositifs", applied=True)
    assert second.status_code == 409
    html = unescape(second.content.decode())
    assert "Cet import a déjà été appliqué" in html
    assert "rien n’a été écrit une seconde fois" in html
    assert f'href="/imports/historique/?appliques={run.pk}"' in html
    history = client.get(f"/imports/historique/?appliques={run.pk}").content.decode()
    rows = re.findall(r'<tr data-testid="history-row">(.*?)</tr>', history, flags=re.S)
    assert sum("dispositifs.csv" in row for row in rows) == 1  # one application in the history
    preview = ImportPreview.objects.get(token=token)
    assert preview.state == PreviewState.APPLIED and list(preview.runs.all()) == [run]


def test_a_new_verification_of_the_same_file_may_be_applied_again(prefecture_agent):
    client = client_of(prefecture_agent)
    client.post(reverse("imports:apply"), {"apercu": _verified(client)})
    again = client.post(reverse("imports:apply"), {"apercu": _verified(client)})
    assert again.status_code == 302  # a second, deliberate verification: all unchanged
    runs = ImportRun.objects.filter(kind="dispositifs", applied=True).order_by("pk")
    assert [r.counts["added"] for r in runs] == [2, 0]
    assert _written()[0] == NAMES


def test_an_apply_arriving_while_the_first_one_runs_writes_nothing(
    prefecture_agent, prefecture_admin, monkeypatch
):
    """The second request comes in the middle of the first one's import (called from inside
    it, so the interleaving is certain): it finds the verification claimed."""
    agent, admin = client_of(prefecture_agent), client_of(prefecture_admin)
    token = _verified(agent)
    kind = KINDS["dispositifs"]
    inner: list = []
    calls = []

    def run_with_a_second_request(files, options, apply):
        calls.append(apply)
        if apply and len(calls) == 1:
            inner.append(admin.post(reverse("imports:apply"), {"apercu": token}))
            assert _written() == ([], 0, 0)  # the second request wrote nothing
        return kind.run(files, options, apply)

    monkeypatch.setitem(
        KINDS, "dispositifs", dataclasses.replace(kind, run=run_with_a_second_request)
    )
    first = agent.post(reverse("imports:apply"), {"apercu": token})

    assert first.status_code == 302
    assert inner[0].status_code == 409
    assert "Cet import est en cours d’application" in unescape(inner[0].content.decode())
    assert _written() == (NAMES, 1, 1)
    assert ImportRun.objects.get(kind="dispositifs", applied=True).user == prefecture_agent


def test_two_requests_that_both_saw_the_verification_unapplied_apply_it_once(
    prefecture_agent, prefecture_admin, monkeypatch
):
    """The first request reads the verification as not applied, then the second one applies it
    entirely before the first claims it: the conditional UPDATE lets only one of them write."""
    agent, admin = client_of(prefecture_agent), client_of(prefecture_admin)
    token = _verified(agent)
    deposit_get = services.deposit_get
    inner: list = []
    calls = []

    def deposit_get_after_another_apply(*, key):
        calls.append(key)
        if len(calls) == 1:  # the first request, past its read: the other one runs now
            inner.append(admin.post(reverse("imports:apply"), {"apercu": token}))
        return deposit_get(key=key)

    monkeypatch.setattr(services, "deposit_get", deposit_get_after_another_apply)
    late = agent.post(reverse("imports:apply"), {"apercu": token})

    assert inner[0].status_code == 302
    assert late.status_code == 409
    assert "Cet import a déjà été appliqué" in unescape(late.content.decode())
    assert _written() == (NAMES, 1, 1)
    assert ImportRun.objects.get(kind="dispositifs", applied=True).user == prefecture_admin


def test_a_refused_apply_leaves_the_verification_to_apply_later(prefecture_agent, monkeypatch):
    client = client_of(prefecture_agent)
    token = _verified(client)
    kind = KINDS["dispositifs"]

    def refused(files, options, apply):
        raise services.ImportRefused("Import arrêté : base occupée, rien n'a été écrit.")

    monkeypatch.setitem(KINDS, "dispositifs", dataclasses.replace(kind, run=refused))
    assert client.post(reverse("imports:apply"), {"apercu": token}).status_code == 400
    assert _written() == ([], 0, 0)
    assert ImportPreview.objects.get(token=token).state == PreviewState.PREVIEWED
    monkeypatch.setitem(KINDS, "dispositifs", kind)
    assert client.post(reverse("imports:apply"), {"apercu": token}).status_code == 302
    assert _written() == (NAMES, 1, 1)


def test_an_unknown_or_malformed_verification_is_refused_in_french(prefecture_agent):
    client = client_of(prefecture_agent)
    for token in ("", "pas-un-jeton", "00000000-0000-0000-0000-000000000000"):
        response = client.post(reverse("imports:apply"), {"apercu": token})
        assert response.status_code == 400
        assert "Cette vérification est inconnue" in response.context["message"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_applies_on_two_connections_write_once(
    prefecture_agent, prefecture_admin, monkeypatch
):
    """Two threads, two database connections, released together just before the claim: one
    applies, the other is told it was applied (PostgreSQL: the second UPDATE waits for the
    first's commit, then matches no row)."""
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database refuses a second writer at once")
    token = _verified(client_of(prefecture_agent))
    barrier = threading.Barrier(2, timeout=60)
    deposit_get = services.deposit_get

    def deposit_get_then_wait(*, key):
        deposit = deposit_get(key=key)
        barrier.wait()  # both requests have read the verification as not applied yet
        return deposit

    monkeypatch.setattr(services, "deposit_get", deposit_get_then_wait)
    statuses: dict[str, int] = {}

    def post(user) -> None:
        try:
            response = client_of(user).post(reverse("imports:apply"), {"apercu": token})
            statuses[user.username] = response.status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(u,)) for u in (prefecture_agent, prefecture_admin)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [302, 409]
    assert _written() == (NAMES, 1, 1)
