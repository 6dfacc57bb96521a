"""Who sees what: an association sees only its own files (404 elsewhere, also for guessed
URLs), agents see all, délégués their territory, anonymous visitors go to the login page."""

from __future__ import annotations

import uuid

import pytest

from quartiers.grants.choices import ApplicationStatus
from quartiers.grants.services.workflow import application_transition
from quartiers.organisation.models import PrefectDelegate
from tests.grants.conftest import ATTESTATION, application_make

pytestmark = pytest.mark.django_db

OBJECT_GETS = ["", "modifier/", "documents/1/"]
OBJECT_POSTS = [
    "budget/",
    "budget/1/supprimer/",
    "documents/",
    "statut/",
    "acte/",
    "paiements/",
    "bilan/",
    "renouveler/",
    "beneficiaires/",
]


@pytest.fixture
def files(asso_a, asso_b, call_mel, call_dk):
    own = application_make(asso_a, call_mel, title="Notre action")
    other = application_make(asso_b, call_dk, title="Leur action")
    return own, other


def test_an_association_sees_only_its_own_applications(client, member_a, files):
    own, _ = files
    client.force_login(member_a)
    page = client.get("/financements/").content.decode()
    assert "Notre action" in page and "Leur action" not in page
    assert client.get(f"/financements/dossiers/{own.uuid}/").status_code == 200
    export = client.get("/financements/export.csv").content.decode("utf-8-sig")
    assert "Notre action" in export and "Leur action" not in export


def test_another_associations_application_answers_404_on_every_url(client, member_a, files):
    _, other = files
    client.force_login(member_a)
    base = f"/financements/dossiers/{other.uuid}/"
    for suffix in OBJECT_GETS:
        assert client.get(base + suffix).status_code == 404, suffix
    for suffix in OBJECT_POSTS:
        assert client.post(base + suffix, {"to_status": "deposee"}).status_code == 404, suffix
    assert client.get(f"/financements/associations/{other.association.uuid}/").status_code == 404
    other.refresh_from_db()
    assert other.status == ApplicationStatus.DRAFT


def test_guessed_urls_answer_404_too(client, member_a, files):
    client.force_login(member_a)
    for guess in (uuid.uuid4(), uuid.UUID(int=1)):
        assert client.get(f"/financements/dossiers/{guess}/").status_code == 404
    # integer ids are not routes at all
    assert client.get(f"/financements/dossiers/{files[1].pk}/").status_code == 404


def test_an_association_cannot_open_the_staff_pages(client, member_a):
    client.force_login(member_a)
    for url in (
        "/financements/associations/",
        "/financements/budget/",
        "/financements/conventions/",
        "/financements/ciblage/",
        "/financements/import/",
    ):
        assert client.get(url).status_code == 403, url


def test_an_association_edits_its_draft_but_not_once_filed(client, member_a, files):
    own, _ = files
    client.force_login(member_a)
    response = client.post(
        f"/financements/dossiers/{own.uuid}/statut/",
        {"to_status": "deposee", "attestation": "on", "attestation_name": "Claire Martin"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ApplicationStatus.FILED
    assert client.get(f"/financements/dossiers/{own.uuid}/modifier/").status_code == 403
    assert (
        client.post(
            f"/financements/dossiers/{own.uuid}/statut/", {"to_status": "instruction"}
        ).status_code
        == 403
    )


def test_agents_see_everything_and_anonymous_visitors_go_to_login(client, prefecture_agent, files):
    _, other = files
    anonymous = client.get(f"/financements/dossiers/{other.uuid}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    client.force_login(prefecture_agent)
    for application in files:
        assert client.get(f"/financements/dossiers/{application.uuid}/").status_code == 200


def test_a_partner_has_no_access_to_funding(client, partner, files):
    client.force_login(partner)
    assert client.get("/financements/").status_code == 403
    assert client.get(f"/financements/dossiers/{files[0].uuid}/").status_code == 403


def test_a_delegate_sees_the_applications_of_their_territory_only(
    client, prefect_delegate, files, mel
):
    own, other = files  # own: MEL contract; other: Dunkerque
    delegate = PrefectDelegate.objects.create(user=prefect_delegate)
    delegate.contracts.add(mel)
    for application in files:
        application_transition(
            application=application, to_status="deposee", user=None, **ATTESTATION
        )
        application_transition(application=application, to_status="instruction", user=None)
    client.force_login(prefect_delegate)
    assert client.get(f"/financements/dossiers/{own.uuid}/").status_code == 200
    assert client.get(f"/financements/dossiers/{other.uuid}/").status_code == 404
    response = client.post(
        f"/financements/dossiers/{own.uuid}/statut/",
        {"to_status": "avis_delegue", "opinion": "favorable"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == ApplicationStatus.DELEGATE_OPINION
    # a délégué gives the opinion, the committee belongs to the préfecture
    assert (
        client.post(
            f"/financements/dossiers/{own.uuid}/statut/", {"to_status": "comite"}
        ).status_code
        == 403
    )


def test_an_agent_chooses_the_association_before_creating_an_application(
    client, prefecture_agent, asso_a
):
    client.force_login(prefecture_agent)
    response = client.get("/financements/dossiers/nouveau/")
    assert response.status_code == 302 and response["Location"] == "/financements/associations/"
    assert client.get("/financements/dossiers/nouveau/?association=pas-un-uuid").status_code == 404
    assert (
        client.get(f"/financements/dossiers/nouveau/?association={asso_a.uuid}").status_code == 200
    )
    assert client.get("/financements/mon-association/").status_code == 302


def test_an_association_account_lands_on_its_own_association(
    client, member_a, asso_a, association_user
):
    client.force_login(member_a)
    response = client.get("/financements/mon-association/")
    assert response["Location"] == f"/financements/associations/{asso_a.uuid}/"
