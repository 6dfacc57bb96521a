"""Public pages cached for anonymous visitors (quartiers/core/pagecache.py): served from the
cache, renewed as soon as the data they show changes (admin, services, imports), never mixed
with a logged-in user's page, and every response with its own CSP nonce."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import add_message, constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.forms import BooleanField
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import Contract
from quartiers.contracts.services import contract_transition
from quartiers.core.pagecache import (
    HEADER,
    NONCE_PLACEHOLDER,
    public_page,
    version_current,
)
from quartiers.geography.models import QPV
from quartiers.geography.signals import geography_changed
from quartiers.indicators.importers import import_nord_indicators, indicators_import
from quartiers.indicators.models import Indicator

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
QPV_CODE = "QN05901M"
QPV_PAGE = f"/qpv/{QPV_CODE}/"
PUBLIC_PAGES = ["/", "/carte/", "/qpv/", QPV_PAGE, "/chiffres-cles/", "/contrats/"]
NONCE = re.compile(r'nonce="([^"]+)"')


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_visitor_gets_the_page_from_the_cache_without_a_query(
    client, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200 and first[HEADER] == "MISS"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[HEADER] == "HIT"
    assert NONCE.sub("", second.content.decode()) == NONCE.sub("", first.content.decode())


def test_each_response_has_its_own_nonce_matching_its_csp_header(client):
    nonces = []
    for expected in ("MISS", "HIT", "HIT"):
        response = client.get(QPV_PAGE)
        assert response[HEADER] == expected
        html = response.content.decode()
        in_page = set(NONCE.findall(html))
        assert len(in_page) == 1, "every script tag carries this response's nonce"
        (nonce,) = in_page
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert NONCE_PLACEHOLDER.decode() not in html
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_logged_in_users_never_get_the_anonymous_page_nor_leave_theirs(
    client, prefecture_agent, prefect_delegate
):
    assert client.get(QPV_PAGE)[HEADER] == "MISS"
    for user, name in ((prefecture_agent, "Camille Agent"), (prefect_delegate, "Dominique")):
        response = _login(user).get(QPV_PAGE)
        html = response.content.decode()
        assert HEADER not in response
        assert name in html and "Se déconnecter" in html and "csrfmiddlewaretoken" in html
    anonymous = client.get(QPV_PAGE)
    html = anonymous.content.decode()
    assert anonymous[HEADER] == "HIT"
    assert "Se connecter" in html
    assert "Camille" not in html and "Dominique" not in html
    assert "csrfmiddlewaretoken" not in html


def test_a_logged_in_visit_first_is_not_stored_for_anonymous_visitors(client, prefecture_agent):
    _login(prefecture_agent).get("/contrats/")
    response = client.get("/contrats/")
    assert response[HEADER] == "MISS"
    assert "Camille" not in response.content.decode()


def test_an_admin_edit_shows_on_the_next_anonymous_visit(client, data_dir, prefecture_admin):
    import_nord_indicators(data_dir=data_dir, apply=True)
    indicator = Indicator.objects.filter(core_set=True).order_by("position").first()
    client.get(QPV_PAGE)
    assert client.get(QPV_PAGE)[HEADER] == "HIT"

    admin = _login(prefecture_admin)
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    data = _admin_form_data(admin.get(url))
    data["label"] = "Libellé revu dans l'administration"
    assert admin.post(url, data).status_code == 302

    response = client.get(QPV_PAGE)
    assert response[HEADER] == "MISS"
    assert "Libellé revu dans l&#x27;administration" in response.content.decode()


def test_an_import_shows_on_the_next_anonymous_visit(client, data_dir, tmp_path):
    import_nord_indicators(data_dir=data_dir, apply=True)
    assert "12 345 678" not in _text(client.get(QPV_PAGE))
    assert client.get(QPV_PAGE)[HEADER] == "HIT"
    path = tmp_path / "valeurs.csv"
    path.write_text(
        "indicator_code;territory_kind;territory_code;period;value;source;vintage\n"
        f"population_municipale;qpv;{QPV_CODE};2099;12345678;Source de test;2099\n",
        encoding="utf-8",
    )
    indicators_import(source=path, apply=True)
    response = client.get(QPV_PAGE)
    assert response[HEADER] == "MISS"
    assert "12 345 678" in _text(response)


def test_a_contract_service_change_shows_on_the_next_anonymous_visit(
    client, data_dir, prefecture_agent
):
    seed_contracts_demo(data_dir=data_dir, today=date(2026, 6, 15))
    contract = Contract.objects.filter(generation=2024, status="signed").order_by("code").first()
    before = client.get("/contrats/").content.decode().count("Évalué")
    assert client.get("/contrats/")[HEADER] == "HIT"
    contract_transition(
        contract=contract, to_status="evaluated", on=date(2030, 1, 1), user=prefecture_agent
    )
    response = client.get("/contrats/")
    assert response[HEADER] == "MISS"
    assert response.content.decode().count("Évalué") == before + 1


def test_a_direct_model_save_and_m2m_change_renew_the_version():
    qpv = QPV.objects.get(code=QPV_CODE)
    versions = {version_current()}
    qpv.name = "Nom changé"
    qpv.save()
    versions.add(version_current())
    _store_a_page()  # a page stored since: the next change in this transaction renews again
    qpv.communes.clear()
    versions.add(version_current())
    _store_a_page()
    geography_changed.send(sender=QPV, generation=2024)
    versions.add(version_current())
    assert len(versions) == 4


def test_a_loop_of_saves_renews_once_then_again_at_commit(django_capture_on_commit_callbacks):
    qpvs = list(QPV.objects.filter(code__startswith="QN0590")[:5])
    start = version_current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        qpvs[0].save()
        first = version_current()
        for qpv in qpvs[1:]:
            qpv.save()
        assert version_current() == first  # no page stored meanwhile: no new write
    assert len(callbacks) == 1  # and one renewal when the transaction commits
    assert start != first != version_current()


def test_a_pending_message_or_an_unknown_parameter_bypasses_the_cache(client):
    calls = []
    view = public_page(params=("page",))(lambda request: calls.append(1) or HttpResponse("ok"))
    factory = RequestFactory()

    def request(path: str, message: str = ""):
        req = factory.get(path)
        req.user = AnonymousUser()
        req.session = SessionStore()
        req._messages = FallbackStorage(req)
        if message:
            add_message(req, constants.SUCCESS, message)
        return req

    view(request("/x/?page=2"))
    view(request("/x/?page=2"))
    assert len(calls) == 1  # the second one came from the cache
    view(request("/x/?page=2", message="Enregistré."))
    view(request("/x/?autre=1"))
    view(request("/x/?autre=1"))
    assert len(calls) == 4


def test_a_page_using_the_csrf_token_or_setting_a_cookie_is_not_stored():
    calls = []

    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    def with_cookie(request):
        calls.append(1)
        response = HttpResponse("ok")
        response.set_cookie("choix", "1")
        return response

    factory = RequestFactory()
    for view in (public_page()(with_token), public_page()(with_cookie)):
        for _ in range(2):
            req = factory.get("/x/")
            req.user = AnonymousUser()
            view(req)
    assert len(calls) == 4


def test_the_data_version_is_shared_by_separate_processes(tmp_path):
    """Every gunicorn worker and every command must see a renewal made by another process:
    the version lives in the shared store of the real settings (files under CACHE_DIR)."""
    env = {
        **os.environ,
        "CACHE_DIR": str(tmp_path),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(tmp_path / "unused.sqlite3"),
        "DATABASE_URL": "",
    }
    script = (
        "import sys, django; django.setup()\n"
        "from quartiers.core import pagecache\n"
        "if sys.argv[1] == 'renew': pagecache.data_changed()\n"
        "print(pagecache.version_current())\n"
    )

    def run(action: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, action],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    first = run("read")
    renewed = run("renew")
    assert run("read") == renewed != first
    assert (tmp_path / "page-versions").is_dir()


def test_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(QPV_PAGE)
    assert HEADER not in client.get(QPV_PAGE)


# --- helpers ---------------------------------------------------------------------------------


def _store_a_page() -> None:
    Client().get("/")


def _text(response) -> str:
    html = response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _admin_form_data(page) -> dict[str, object]:
    """The admin change form's current values, as the browser would post them."""
    form = page.context["adminform"].form
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    return data
