"""`manage.py demo_setup`: real Nord data, printed demo accounts, re-runnable, not in production."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quartiers.core.demo import DEMO_ACCOUNTS
from quartiers.core.models import Role, User
from quartiers.geography.models import EPCI, QPV, Commune
from quartiers.indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 costs ~0.3 s per hash on CI's 2 cores; the hasher is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _demo_setup(*args: str) -> str:
    out = StringIO()
    call_command("demo_setup", *args, stdout=out)
    return out.getvalue()


def _registry_snapshot() -> dict[str, list[tuple]]:
    return {
        "qpv": list(
            QPV.objects.order_by("code", "generation").values_list(
                "code", "generation", "name", "population", "npnru_estimate", "contour_wkb"
            )
        ),
        "communes": list(Commune.objects.order_by("insee_code").values_list("insee_code", "name")),
        "epci": list(EPCI.objects.order_by("siren").values_list("siren", "name")),
        "indicator_values": list(
            IndicatorValue.objects.order_by("pk").values_list(
                "pk", "indicator__code", "territory_code", "period", "value"
            )
        ),
    }


def _accounts_snapshot() -> list[tuple]:
    usernames = [account.username for account in DEMO_ACCOUNTS]
    return list(
        User.objects.filter(username__in=usernames)
        .order_by("username")
        .values_list("username", "password", "role", "is_staff", "is_superuser", "organisation")
    )


def test_demo_setup_imports_the_nord_and_a_second_run_changes_nothing(data_dir):
    first = _demo_setup()
    assert QPV.objects.filter(generation=2024, departement_code="59").count() == 94
    assert Commune.objects.filter(qpvs__isnull=False).distinct().count() == 76
    assert EPCI.objects.filter(qpvs__isnull=False).distinct().count() == 13
    assert IndicatorValue.objects.filter(territory_code="QN05901M").exists()
    assert "Comptes de DÉMONSTRATION" in first
    registry, accounts = _registry_snapshot(), _accounts_snapshot()

    second = _demo_setup()

    assert _registry_snapshot() == registry
    assert _accounts_snapshot() == accounts
    assert "ajoutés : 0, modifiés : 0" in second
    assert "Données du département 59 déjà à jour" in second
    for account in DEMO_ACCOUNTS:
        assert f"{account.username}" in second
    assert second.count("(inchangé)") == len(DEMO_ACCOUNTS)


def test_demo_setup_prints_every_demo_account_with_its_password_and_role():
    output = _demo_setup("--skip-import")
    for account in DEMO_ACCOUNTS:
        line = next(line for line in output.splitlines() if account.username in line)
        assert account.password in line
        assert account.role_label in line
        assert "(créé)" in line
    assert "mots de passe publics" in output


def test_demo_accounts_cover_every_role():
    _demo_setup("--skip-import")
    roles = set(User.objects.filter(email__endswith="@demo.invalid").values_list("role", flat=True))
    assert roles == {Role.AGENT, Role.ADMIN, Role.DELEGATE, Role.PARTNER, Role.ASSOCIATION}
    admin = User.objects.get(role=Role.ADMIN, email__endswith="@demo.invalid")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(role=Role.PARTNER, is_staff=True).exists()


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.username)
def test_each_demo_account_can_log_in_on_the_login_page(client, account):
    _demo_setup("--skip-import")
    response = client.post(
        "/connexion/", {"username": account.username, "password": account.password}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].username == account.username


def test_demo_admin_reaches_the_django_admin(client):
    _demo_setup("--skip-import")
    admin = next(account for account in DEMO_ACCOUNTS if account.is_admin)
    assert client.login(username=admin.username, password=admin.password)
    assert client.get("/admin/").status_code == 200


def test_demo_setup_restores_a_demo_account_that_was_changed(client):
    _demo_setup("--skip-import")
    agent = DEMO_ACCOUNTS[0]
    user = User.objects.get(username=agent.username)
    user.set_password("un-autre-mot-de-passe")
    user.role = Role.PARTNER
    user.save()

    output = _demo_setup("--skip-import")

    assert f"{agent.username}" in output and "(mis à jour)" in output
    user.refresh_from_db()
    assert user.role == agent.role
    assert client.login(username=agent.username, password=agent.password)


def test_demo_setup_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PRODUCTION=true"):
        _demo_setup()
    assert not User.objects.filter(email__endswith="@demo.invalid").exists()


def test_missing_data_directory_is_reported_in_french_naming_the_variable(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "absent"
    qpv_before = QPV.objects.count()
    with pytest.raises(CommandError, match="QUARTIERS_DATA_DIR") as error:
        _demo_setup()
    assert "introuvable" in str(error.value)
    assert QPV.objects.count() == qpv_before
    assert not User.objects.filter(email__endswith="@demo.invalid").exists()


def test_data_directory_without_the_qpv_file_is_reported(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match=r"qpv2024_nord\.geojson"):
        _demo_setup()
