"""GET /api/programmes, /api/mesures, /api/dispositifs and the one write of the open-data
API: POST /api/mesures/{code}/valeurs (préfecture staff, session + CSRF, audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quartiers.core.audit import AuditEntry
from quartiers.programmes.models import Dispositif, Measure, Programme, ProgressEntry

pytestmark = pytest.mark.django_db


def _measure() -> Measure:
    return Measure.objects.filter(target_value__isnull=False).order_by("code").first()


def test_programmes_and_measures_carry_targets_deadlines_and_status(client, open_data):
    programmes = client.get("/api/programmes").json()
    assert len(programmes) == Programme.objects.count() > 0
    body = client.get("/api/mesures", {"taille": 500}).json()
    assert body["total"] == Measure.objects.count() > 0
    statuses = {"reached", "on_track", "at_risk", "late", "no_data"}
    assert {m["statut"] for m in body["resultats"]} <= statuses
    measure = _measure()
    (shown,) = [m for m in body["resultats"] if m["code"] == measure.code]
    assert shown["cible"] == pytest.approx(float(measure.target_effective))
    assert shown["echeance"] == (measure.deadline.isoformat() if measure.deadline else None)
    code = programmes[0]["code"]
    of_one = client.get("/api/mesures", {"programme": code}).json()
    assert of_one["total"] == Measure.objects.filter(programme__code=code).count()
    late = client.get("/api/mesures", {"statut": "no_data", "taille": 500}).json()
    assert all(m["statut"] == "no_data" for m in late["resultats"])


def test_dispositifs_are_filtered_by_type_and_commune(client, open_data):
    body = client.get("/api/dispositifs", {"taille": 500}).json()
    assert body["total"] == Dispositif.objects.count()
    if body["total"]:
        first = Dispositif.objects.select_related("commune").first()
        one = client.get(
            "/api/dispositifs", {"type": first.kind, "commune": first.commune.insee_code}
        ).json()
        assert (
            one["total"]
            == Dispositif.objects.filter(kind=first.kind, commune=first.commune).count()
        )


def test_prefecture_staff_record_a_value_which_is_audited(client, open_data, prefecture_agent):
    measure = _measure()
    client.force_login(prefecture_agent)
    on = timezone.localdate() - timedelta(days=1)
    response = client.post(
        f"/api/mesures/{measure.code}/valeurs",
        {"date": on.isoformat(), "valeur": "12.5", "note": "Relevé API"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["derniere_valeur"] == {"date": on.isoformat(), "valeur": 12.5}
    entry = ProgressEntry.objects.get(measure=measure, on=on)
    assert entry.recorded_by == prefecture_agent
    audit = AuditEntry.objects.filter(object_id=str(entry.pk), user=prefecture_agent)
    assert audit.count() == 1 and audit.get().changes["value"]["after"] == "12.5"
    again = client.post(
        f"/api/mesures/{measure.code}/valeurs",
        {"date": on.isoformat(), "valeur": "13"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "Date : Une valeur est déjà enregistrée à cette date."


@pytest.mark.parametrize("persona", ["prefect_delegate", "partner", "association_user"])
def test_other_accounts_may_not_record_values(client, open_data, persona, request):
    client.force_login(request.getfixturevalue(persona))
    before = ProgressEntry.objects.count()
    response = client.post(
        f"/api/mesures/{_measure().code}/valeurs",
        {"date": "2025-01-01", "valeur": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "réservée à la préfecture" in response.json()["detail"]
    assert ProgressEntry.objects.count() == before


def test_anonymous_and_csrf_less_writes_are_refused(client, open_data, prefecture_agent):
    url = f"/api/mesures/{_measure().code}/valeurs"
    payload = {"date": "2025-01-01", "valeur": "1"}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(prefecture_agent)
    response = strict.post(url, payload, content_type="application/json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"date": "2999-01-01", "valeur": "1"}, 400, "La date ne peut pas être dans le futur."),
        ({"date": "2025-01-01", "valeur": "-3"}, 422, "« valeur » : valeur trop petite"),
        ({"valeur": "1"}, 422, "« date » : paramètre obligatoire manquant"),
    ],
)
def test_bad_values_get_french_messages(
    client, open_data, prefecture_agent, payload, status, words
):
    client.force_login(prefecture_agent)
    response = client.post(
        f"/api/mesures/{_measure().code}/valeurs", payload, content_type="application/json"
    )
    assert response.status_code == status and words in response.json()["detail"]


def test_unknown_measure_is_404(client, open_data, prefecture_agent):
    assert client.get("/api/mesures/inconnue").json()["detail"] == "Mesure « inconnue » inconnue."
    client.force_login(prefecture_agent)
    response = client.post(
        "/api/mesures/inconnue/valeurs",
        {"date": "2025-01-01", "valeur": "1"},
        content_type="application/json",
    )
    assert response.status_code == 404
