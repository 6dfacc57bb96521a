import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_in_french_and_shows_key_counts(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "quartiers prioritaires" in html


def test_login_page_is_in_french(client):
    response = client.get("/connexion/")
    assert response.status_code == 200
    assert "Se connecter" in response.content.decode()


def test_agent_can_log_in(client, prefecture_agent):
    response = client.post(
        "/connexion/", {"username": "agent", "password": "mot-de-passe-de-test"}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].is_authenticated


def test_an_account_without_a_role_is_told_it_awaits_one(client, prefecture_agent):
    from quartiers.core.models import Role, User

    pending = User.objects.create_user(
        username="nouvel-agent",
        password="x",
        role=Role.NONE,
        first_name="Alix",
        last_name="Nouveau",
    )
    assert 'data-testid="role-pending"' not in client.get("/").content.decode()
    client.force_login(pending)
    html = client.get("/").content.decode()
    assert "Votre compte est en attente d’un rôle" in html
    assert "Alix Nouveau" in html
    client.force_login(prefecture_agent)
    assert 'data-testid="role-pending"' not in client.get("/").content.decode()
