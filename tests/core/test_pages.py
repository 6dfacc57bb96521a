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
