"""SQL queries per logged-in page (issue 13, « Logged-in speed »): the pages of the logged-in
load test (bench/load_logged_in.py) stay within a query budget on the demo data, and cost the
same number of queries when the data they list grow (a count, unlike a time, is exact).

`.venv/bin/python bench/page_queries.py --sql` lists the queries themselves.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartiers.contracts.models import Action, Contract, ContractQPV
from quartiers.contracts.services import milestone_add
from quartiers.core.models import User
from quartiers.geography.models import QPV
from quartiers.grants.models import Application
from quartiers.organisation.models import Commitment

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Upper bounds per page: the counts of bench/page_queries.py on the demo data (session and
# user included) plus a small margin, so that a new N+1 or a forgotten prefetch fails here.
BUDGET = 30
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)


def _bench_pages() -> tuple[tuple[str, str, str], ...]:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("load_logged_in", BENCH / "load_logged_in.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PAGES


PAGES = _bench_pages()
USERNAMES = {"agent": "demo-agent", "délégué": "demo-delegue"}


@pytest.fixture
def demo(data_dir, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_setup", stdout=StringIO())


def _clients() -> dict[str, Client]:
    clients = {}
    for role, username in USERNAMES.items():
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=username))
    return clients


def _measure(clients: dict[str, Client]) -> dict[tuple[str, str], tuple[int, str]]:
    """(role, url) → (queries, page HTML), each page requested once before (as on a running
    server, whose per-process caches are filled)."""
    found = {}
    for role, url, title in PAGES:
        clients[role].get(url)
        with CaptureQueriesContext(connection) as captured:
            response = clients[role].get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        html = response.content.decode()
        page_title = TITLE.search(html)
        assert page_title and page_title.group(1).startswith(title), (role, url)
        found[(role, url)] = (len(captured), html)
    return found


def _clone(obj, **changes):
    """A copy of a demo row with `changes` (a new row: the list pages must show it)."""
    obj.pk = obj.id = None
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _grow(today) -> list[str]:
    """More QPV in the délégué's contract (its scorecard and core set), more actions with
    late milestones on it, more CONCERTO commitments and more grant applications with budget
    lines; the names and titles added, for the pages to show."""
    added = []
    contract = Contract.objects.get(code="CN05902M")
    link = ContractQPV.objects.filter(contract=contract).first()
    others = QPV.objects.filter(generation=2024, departement_code="59").exclude(
        contract_links__contract=contract
    )
    for qpv in others.order_by("code")[:3]:
        _clone(ContractQPV.objects.get(pk=link.pk), qpv=qpv)
        added.append(qpv.name)
    model = Action.objects.filter(contract=contract).first()
    qpvs = list(model.qpvs.all())
    for number in range(4):
        title = f"Action ajoutée {number}"
        action = _clone(
            Action.objects.get(pk=model.pk), title=title, is_priority=False, priority_rank=None
        )
        action.qpvs.set(qpvs)
        for late in range(3):
            milestone_add(
                action=action,
                user=None,
                label=f"Jalon {late}",
                due_on=today - timedelta(days=10 + late),
            )
        added.append(title)
    commitment = Commitment.objects.filter(contract=contract).first()
    for number in range(5):
        title = f"Engagement ajouté {number}"
        _clone(Commitment.objects.get(pk=commitment.pk), title=title)
        added.append(title)
    application = Application.objects.order_by("pk").first()
    lines = list(application.budget_lines.all())
    for number in range(4):
        title = f"Demande ajoutée {number}"
        copy = _clone(
            Application.objects.get(pk=application.pk),
            uuid=uuid.uuid4(),
            reference=f"DEMO-AJOUT-{number}",
            action_title=title,
        )
        qpv_ids = list(application.qpvs.values_list("pk", flat=True))
        copy.qpvs.set(qpv_ids)
        for line in lines:
            _clone(line, application=copy)
        added.append(title)
    return added


def test_every_logged_in_page_is_within_its_query_budget(demo):
    counts = {page: queries for page, (queries, _html) in _measure(_clients()).items()}
    assert len(counts) == len(PAGES)
    over = {page: n for page, n in counts.items() if n > BUDGET}
    assert not over, over


def test_the_pages_cost_the_same_queries_when_the_listed_rows_grow(demo):
    clients = _clients()
    before = _measure(clients)
    added = _grow(timezone.localdate())
    after = _measure(clients)
    html = "".join(page for _queries, page in after.values())
    missing = [title for title in added if title not in html]
    assert not missing, missing  # the new rows are on the pages: the growth is measured
    assert {p: n for p, (n, _h) in after.items()} == {p: n for p, (n, _h) in before.items()}
