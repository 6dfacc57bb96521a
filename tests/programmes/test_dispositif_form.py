"""The préfecture enters and edits dispositifs on a web screen (not /admin/): checked,
audited, refused to other roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quartiers.contracts.importers import contracts_import_nord
from quartiers.contracts.models import Contract
from quartiers.core.audit import AuditEntry
from quartiers.geography.models import QPV, Commune
from quartiers.programmes.models import Dispositif

pytestmark = pytest.mark.django_db
CREATE = "/programmes/dispositifs/nouveau/"


@pytest.fixture
def denain(db, data_dir):
    contracts_import_nord(data_dir=data_dir, apply=True)
    return {
        "kind": "pre",
        "name": "PRE de Denain",
        "commune": Commune.objects.get(insee_code="59172").pk,
        "qpvs": [QPV.objects.get(code="QN05950M", generation=2024).pk],
        "contracts": [Contract.objects.get(code="CN05902M").pk],
        "start_date": "2023-09-01",
        "end_date": "2026-08-31",
    }


def test_an_agent_enters_a_dispositif_and_edits_it_with_an_audit_trail(
    client, denain, prefecture_agent
):
    client.force_login(prefecture_agent)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, denain)
    assert response.status_code == 302 and response["Location"] == "/programmes/dispositifs/"
    dispositif = Dispositif.objects.get(name="PRE de Denain")
    assert (dispositif.commune.insee_code, dispositif.contract_codes) == ("59172", ["CN05902M"])
    assert [q.code for q in dispositif.qpvs.all()] == ["QN05950M"]
    assert [c.code for c in dispositif.contracts.all()] == ["CN05902M"]
    assert str(dispositif.end_date) == "2026-08-31"
    listed = client.get("/programmes/dispositifs/").content.decode()
    assert f"/programmes/dispositifs/{dispositif.pk}/modifier/" in listed

    url = reverse("programmes:dispositif_edit", args=[dispositif.pk])
    client.post(url, {**denain, "end_date": "2027-08-31"})
    dispositif.refresh_from_db()
    assert str(dispositif.end_date) == "2027-08-31"
    update = AuditEntry.objects.get(object_id=str(dispositif.pk), action="update")
    assert set(update.changes) == {"end_date"} and update.user == prefecture_agent
    assert AuditEntry.objects.filter(object_id=str(dispositif.pk), action="create").exists()


def test_a_qpv_outside_the_commune_and_reversed_dates_are_refused(client, denain, prefecture_agent):
    client.force_login(prefecture_agent)
    roubaix_qpv = QPV.objects.get(code="QN05981M", generation=2024)  # not in Denain
    response = client.post(CREATE, {**denain, "qpvs": [roubaix_qpv.pk], "end_date": "2020-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "QPV hors de la commune Denain : QN05981M." in html
    assert "La fin précède le début." in html
    assert not Dispositif.objects.filter(name="PRE de Denain").exists()


@pytest.mark.parametrize("who", ["prefect_delegate", "partner", "association_user"])
def test_other_roles_may_not_enter_dispositifs(client, denain, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, denain).status_code == 403
    assert not Dispositif.objects.exists()
    assert "dispositif-create" not in client.get("/programmes/dispositifs/").content.decode()


def test_anonymous_visitors_go_to_the_login_page(client, denain):
    response = client.post(CREATE, denain)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert not Dispositif.objects.exists()
