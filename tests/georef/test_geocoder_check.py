"""manage.py geocoder_check names the configured geocoder and its protocol, says whether it
answers, and measures its rate (the client's limiter bounds it)."""

from __future__ import annotations

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_the_check_names_the_geoplateforme_and_measures_its_rate(settings, geoplateforme):
    settings.GEOCODER_URL = geoplateforme.base_url
    settings.GEOCODER_RATE_PER_S = 20.0
    before = len(geoplateforme.log)
    out = StringIO()
    call_command("geocoder_check", "--requetes", "10", stdout=out)
    text = out.getvalue()
    assert f"Géocodeur configuré : {geoplateforme.base_url}" in text
    assert "Protocole : Géoplateforme (IGN) (détecté" in text
    assert (
        "Répond : oui (« 2 rue Saint-Bernard 59000 Lille » → 2 rue Saint Bernard 59000 Lille)"
        in text
    )
    assert "10 requêtes en" in text
    # 1 probe + 10 timed requests reached the server; 10 requests at 20/s take >= 9/20 s, so
    # the measured rate cannot exceed 10 / 0.45 = 22.2/s.
    assert len(geoplateforme.log) - before == 11
    rate = float(text.split("Débit mesuré : ")[1].split(" ")[0].replace(",", "."))
    assert 0 < rate <= 22.3


def test_the_check_of_an_addok_says_addok(settings, addok_url):
    settings.GEOCODER_URL = addok_url
    out = StringIO()
    call_command("geocoder_check", "--requetes", "2", stdout=out)
    assert "Protocole : addok (BAN) (détecté" in out.getvalue()


def test_the_check_of_a_dead_geocoder_says_it_does_not_answer(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.GEOCODER_URL = f"http://127.0.0.1:{port}"
    settings.GEOCODER_BACKOFF_BASE_S = 0.01
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("geocoder_check", stdout=out)
    assert "Répond : non" in out.getvalue()


@pytest.mark.django_db
def test_the_admin_check_reports_the_geocoder_and_its_rate(client, settings, geoplateforme):
    from quartiers.core.models import User

    settings.GEOCODER_URL = geoplateforme.base_url
    admin = User.objects.create_superuser("admin-geo", "a@example.org", "x")
    client.force_login(admin)
    page = client.get("/admin/georef/geocodecache/")
    assert f"Géocodeur configuré : {geoplateforme.base_url}" in page.content.decode()
    checked = client.get("/admin/georef/geocodecache/verifier/", follow=True)
    text = checked.content.decode()
    assert "Répond : oui" in text and "Débit mesuré" in text
