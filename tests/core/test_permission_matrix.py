"""The permission matrix: every role × every URL name of the project × an object inside and
outside the role's territory → the expected answer (200, login redirect, 403, 404, 405…),
never a 500. The URL names come from the resolver: a new view without an entry in MATRIX
makes `test_every_url_name_has_an_expectation` fail. Rules: docs/roles.md.

Roles: anonymous (public), association, partner (France Travail), délégué (Porte du Hainaut,
CN05902M), agent and administrator of the préfecture. « in » objects belong to CN05902M (the
délégué's contract, signed by France Travail, action led by France Travail); « out » objects
belong to CN05911M (MEL: another délégué, and France Travail's signature refused there).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quartiers.contracts.choices import CONTRACT_TRANSITIONS, SignatoryStatus, Theme
from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import (
    Action,
    Contract,
    ContractDocument,
    ContractStatusChange,
    FollowUpNote,
    Milestone,
    Signatory,
)
from quartiers.contracts.services import (
    action_create,
    document_upload,
    milestone_add,
    note_add,
    signatory_status_set,
)
from quartiers.core.models import Role, User
from quartiers.geography.models import EPCI, QPV, Arrondissement, Commune
from quartiers.indicators.catalogue import catalogue_sync
from quartiers.indicators.models import Indicator
from quartiers.organisation.demo import seed_organisation_demo
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate
from quartiers.programmes.models import Dispositif, Measure, ProgressEntry
from quartiers.programmes.seed import seed_programmes_demo
from tests.bodies import action_body, commitment_body
from tests.contracts.conftest import TODAY
from tests.core.matrix import (
    INTERNAL,
    NOT_ALLOWED_GET,
    PASSWORD,
    PUBLIC,
    ROLES,
    STAFF_AND_DELEGATES,
    WRITTEN,
    Case,
    Write,
    extensions,
    none,
    public,
    rows,
    write_case,
)
from tests.helpers import response_close

# Préfecture-only forms (délégués' assignments, dispositifs), posted with a valid body.
PREFECTURE_GET = ("login", "403", "403", "403", "200", "200")
PREFECTURE_POST = ("login", "403", "403", "403", "redirect", "redirect")


def _dispositif():
    return Dispositif.objects.get_or_create(
        kind="pre", name="PRE (matrice)", commune=Commune.objects.get(insee_code="59172")
    )[0]


DISPOSITIF_NEW = "Dispositif de la matrice"


def _dispositif_body(world, where, name=DISPOSITIF_NEW):
    commune = Commune.objects.get(insee_code="59172")
    return {"kind": "pre", "name": name, "commune": commune.pk, "start_date": "", "end_date": ""}


def _delegate_body(world, where):
    delegate = PrefectDelegate.objects.get(pk=world[f"delegate_{where}"].pk)
    return {
        "name": f"{delegate.name} (revu par la matrice)",
        "email": delegate.email,
        "account": delegate.user_id or "",
        "contracts": list(delegate.contracts.values_list("pk", flat=True)),
        "qpvs": list(delegate.qpvs.values_list("pk", flat=True)),
    }


def fmt(world, where):
    return {"fmt": "csv"}


def contract_code(world, where):
    return {"code": world[f"contract_{where}"].code}


def action_pk(world, where):
    return {"pk": world[f"action_{where}"].pk}


def milestone_pk(world, where):
    return {"pk": world[f"milestone_{where}"].pk}


def _signatory(world, where):
    """A signatory whose status may change: not required, not France Travail's refusal."""
    contract = world[f"contract_{where}"]
    return contract.signatories.filter(required=False).exclude(category="france_travail")[0]


def signatory(world, where):
    return {"code": world[f"contract_{where}"].code, "pk": _signatory(world, where).pk}


def _contract_of(world, where):
    return world[f"contract_{where}"]


def _action_of(world, where):
    return world[f"action_{where}"]


def _pdf(title: str) -> dict[str, Any]:
    pdf = SimpleUploadedFile("acte.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return {"title": title, "file": pdf}


def _transition(world, where):
    contract = Contract.objects.get(pk=world[f"contract_{where}"].pk)
    to_status = sorted(CONTRACT_TRANSITIONS[contract.status])[0]
    return {"to_status": to_status, "on": TODAY.isoformat(), "note": "Matrice"}


def _themes(world, where):
    current = set(world[f"contract_{where}"].themes)
    return {"themes": [t for t in Theme.values if t not in current][:2]}


def _signatory_status(world, where):
    status = _signatory(world, where).status
    return {"status": "refused" if status != "refused" else "pending", "signed_on": ""}


def _commitment_new(world, where):
    commitment = world["commitment_in"]
    return commitment_body(commitment, title="Engagement de la matrice", version="")


CONTRACT_WRITES = {
    "contracts:transition": Write(
        body=_transition, state=rows(ContractStatusChange, contract=_contract_of)
    ),
    "contracts:themes": Write(
        body=_themes, state=rows(Contract, pk=lambda w, x: w[f"contract_{x}"].pk)
    ),
    "contracts:signatory_add": Write(
        body=lambda w, x: {"category": "commune", "name": "Commune de la matrice"},
        state=rows(Signatory, contract=_contract_of),
    ),
    "contracts:document_upload": Write(
        body=lambda w, x: _pdf("Acte de la matrice"),
        state=rows(ContractDocument, contract=_contract_of),
    ),
}


def commitment_pk(world, where):
    return {"pk": world[f"commitment_{where}"].pk}


# A contract-level form (POST only): the délégué on their contract, staff everywhere.
CONTRACT_POST = Case(
    args=contract_code,
    get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
    post={
        "in": ("login", "403", "403", "redirect", "redirect", "redirect"),
        "out": ("login", "403", "403", "403", "redirect", "redirect"),
    },
)
# A POST on an action (milestone, note): also the partner leading the action.
ACTION_POST = {
    "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
    "out": ("login", "403", "403", "403", "redirect", "redirect"),
}

MATRIX: dict[str, Case] = {
    # core
    "home": public(),
    "login": Case(args=none, get={"-": PUBLIC}, post={"-": PUBLIC}),
    "logout": Case(args=none, get={"-": NOT_ALLOWED_GET}, post={"-": ("redirect",) * 6}),
    # geography: public, read only
    "geography:map": public(),
    "geography:layer_geojson": public(lambda w, _: {"layer": "qpv"}),
    "geography:area_geojson": public(lambda w, _: {"kind": "qpv", "code": w["qpv"].code}),
    "geography:qpv_list": public(),
    "geography:qpv_export": public(fmt),
    "geography:qpv_detail": public(lambda w, _: {"code": w["qpv"].code}),
    "geography:commune_list": public(),
    "geography:commune_export": public(fmt),
    "geography:commune_detail": public(lambda w, _: {"insee_code": w["commune"].insee_code}),
    "geography:epci_list": public(),
    "geography:epci_export": public(fmt),
    "geography:epci_detail": public(lambda w, _: {"siren": w["epci"].siren}),
    "geography:arrondissement_detail": public(
        lambda w, _: {"insee_code": w["arrondissement"].insee_code}
    ),
    "geography:departement_detail": public(lambda w, _: {"insee_code": "59"}),
    # indicators: public
    "indicators:catalogue": public(),
    "indicators:indicator_detail": public(lambda w, _: {"code": w["indicator"].code}),
    "indicators:indicator_export": public(lambda w, _: {"code": w["indicator"].code, "fmt": "csv"}),
    "indicators:key_figures": public(),
    "indicators:key_figures_export": public(lambda w, _: {"slug": "habitants-qpv", "fmt": "csv"}),
    # programmes: public pages; progress entries by préfecture staff only
    "programmes:measure_list": public(),
    "programmes:measure_export": public(fmt),
    "programmes:measure_detail": public(lambda w, _: {"code": w["measure"].code}),
    "programmes:measure_trajectory_svg": public(lambda w, _: {"code": w["measure"].code}),
    "programmes:dispositif_list": public(),
    "programmes:dispositif_export": public(fmt),
    "programmes:progress_entry_create": Case(
        args=lambda w, _: {"code": w["measure"].code},
        get={"-": ("login", "405", "405", "405", "405", "405")},
        post={"-": ("login", "403", "403", "403", "redirect", "redirect")},
        write=Write(
            body=lambda w, x: {"on": TODAY.isoformat(), "value": "12", "note": "Matrice"},
            state=rows(ProgressEntry, measure=lambda w, x: w["measure"]),
        ),
    ),
    # dispositifs: typed in by the préfecture (create, then edit the matrix's PRE)
    **{
        name: write_case(args, get={"-": PREFECTURE_GET}, post={"-": PREFECTURE_POST}, **write)
        for name, args, write in (
            (
                "programmes:dispositif_create",
                none,
                {"body": _dispositif_body, "state": rows(Dispositif, name=DISPOSITIF_NEW)},
            ),
            (
                "programmes:dispositif_edit",
                lambda w, _: {"pk": _dispositif().pk},
                {
                    "body": lambda w, x: _dispositif_body(w, x, name="PRE (matrice, revu)"),
                    "state": rows(Dispositif, pk=lambda w, x: _dispositif().pk),
                },
            ),
        )
    },
    # contracts: published pages
    "contracts:contract_list": public(),
    "contracts:contract_export": public(fmt),
    "contracts:calendar": public(),
    "contracts:calendar_ics": public(),
    "contracts:contract_detail": Case(args=contract_code, get={"in": PUBLIC, "out": PUBLIC}),
    "contracts:action_detail": Case(args=action_pk, get={"in": PUBLIC, "out": PUBLIC}),
    "contracts:document_download": Case(
        args=lambda w, _: {"code": w["contract_in"].code, "pk": w["document"].pk},
        get={"-": PUBLIC},
    ),
    # contracts: internal (the dashboard; the action export holds the leads' e-mails)
    "contracts:follow_up": Case(args=none, get={"-": INTERNAL}),
    "contracts:action_export": Case(args=fmt, get={"-": INTERNAL}),
    # contracts: forms
    **{
        name: Case(args=contract_code, get=CONTRACT_POST.get, post=CONTRACT_POST.post, write=w)
        for name, w in CONTRACT_WRITES.items()
    },
    "contracts:signatory_status": Case(
        args=signatory,
        get=CONTRACT_POST.get,
        post=CONTRACT_POST.post,
        write=Write(
            body=_signatory_status,
            state=rows(Signatory, pk=lambda w, x: _signatory(w, x).pk),
        ),
    ),
    "contracts:action_create": Case(
        args=contract_code,
        get={
            "in": ("login", "403", "403", "200", "200", "200"),
            "out": ("login", "403", "403", "403", "200", "200"),
        },
        post={
            "in": ("login", "403", "403", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
        write=Write(
            body=lambda w, x: action_body(title="Nouvelle action de la matrice"),
            state=rows(Action, contract=_contract_of),
        ),
    ),
    "contracts:action_edit": Case(
        args=action_pk,
        get={
            "in": ("login", "403", "200", "200", "200", "200"),
            "out": ("login", "403", "403", "403", "200", "200"),
        },
        post={
            "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
        write=Write(
            body=lambda w, x: action_body(w[f"action_{x}"], progress=45),
            state=rows(Action, pk=lambda w, x: w[f"action_{x}"].pk),
        ),
    ),
    "contracts:milestone_add": Case(
        args=action_pk,
        get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
        post=ACTION_POST,
        write=Write(
            body=lambda w, x: {"label": "Jalon de la matrice", "due_on": TODAY.isoformat()},
            state=rows(Milestone, action=_action_of),
        ),
    ),
    "contracts:note_add": Case(
        args=action_pk,
        get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
        post=ACTION_POST,
        write=Write(
            body=lambda w, x: {"written_on": TODAY.isoformat(), "text": "Note de la matrice"},
            state=rows(FollowUpNote, action=_action_of),
        ),
    ),
    "contracts:milestone_done": Case(
        args=milestone_pk,
        get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET},
        post=ACTION_POST,
        write=Write(
            body=lambda w, x: {"done_on": TODAY.isoformat()},
            state=rows(Milestone, pk=lambda w, x: w[f"milestone_{x}"].pk),
        ),
    ),
    # organisation: délégués (internal) and CONCERTO (public table, forms by rights)
    "organisation:my_territory": Case(
        args=none, get={"-": ("login", "403", "403", "200", "redirect", "redirect")}
    ),
    "organisation:delegate_list": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "organisation:delegate_detail": Case(
        args=lambda w, where: {"pk": w[f"delegate_{where}"].pk},
        get={"in": STAFF_AND_DELEGATES, "out": STAFF_AND_DELEGATES},
    ),
    "organisation:delegate_create": Case(
        args=none,
        get={"-": PREFECTURE_GET},
        post={"-": PREFECTURE_POST},
        write=Write(
            body=lambda w, x: {"name": "Délégué de la matrice", "email": "", "account": ""},
            state=rows(PrefectDelegate, name="Délégué de la matrice"),
        ),
    ),
    "organisation:delegate_edit": Case(
        args=lambda w, where: {"pk": w[f"delegate_{where}"].pk},
        get={"in": PREFECTURE_GET, "out": PREFECTURE_GET},
        post={"in": PREFECTURE_POST, "out": PREFECTURE_POST},
        write=Write(
            body=_delegate_body,
            state=rows(PrefectDelegate, pk=lambda w, x: w[f"delegate_{x}"].pk),
        ),
    ),
    # « À traiter »: every logged-in role lands there
    "worklist:todo": Case(args=none, get={"-": ("login", "200", "200", "200", "200", "200")}),
    "organisation:commitment_list": public(),
    "organisation:commitment_export": public(fmt),
    "organisation:commitment_detail": Case(args=commitment_pk, get={"in": PUBLIC, "out": PUBLIC}),
    "organisation:commitment_create": Case(
        args=none,
        get={"-": ("login", "403", "200", "200", "200", "200")},
        post={"-": ("login", "403", "redirect", "redirect", "redirect", "redirect")},
        write=Write(body=_commitment_new, state=rows(Commitment, title="Engagement de la matrice")),
    ),
    "organisation:commitment_edit": Case(
        args=commitment_pk,
        get={
            "in": ("login", "403", "200", "200", "200", "200"),
            "out": ("login", "403", "403", "403", "200", "200"),
        },
        post={
            "in": ("login", "403", "redirect", "redirect", "redirect", "redirect"),
            "out": ("login", "403", "403", "403", "redirect", "redirect"),
        },
        write=Write(
            body=lambda w, x: commitment_body(w[f"commitment_{x}"], progress=55),
            state=rows(Commitment, pk=lambda w, x: w[f"commitment_{x}"].pk),
        ),
    ),
}

EXTENSIONS = extensions()
for _extension in EXTENSIONS:
    MATRIX.update(_extension.MATRIX)


def url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    """Every named URL of the project, `namespace:name`, except Django's admin site."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                if entry.pattern.regex.pattern.startswith("^" + settings.MEDIA_URL.lstrip("/")):
                    continue  # DEBUG-only media serving
                pytest.fail(f"URL sans nom : {entry.pattern} — nommez-la et ajoutez-la à MATRIX.")
            yield f"{namespace}{entry.name}"


def test_every_url_name_has_an_expectation():
    names = set(url_names())
    missing = sorted(names - set(MATRIX))
    assert not missing, f"Vues sans entrée dans la matrice des droits : {missing}"
    assert not sorted(set(MATRIX) - names), "Entrées de la matrice sans URL"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """Demo contracts, délégués, CONCERTO, programmes and indicators, built once for the
    module inside a transaction rolled back at the end (each test adds its own savepoint)."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        yield _world_build()
        transaction.set_rollback(True)


def _world_build() -> dict[str, Any]:
    seed_contracts_demo(data_dir=settings.DATA_DIR, today=TODAY)
    seed_organisation_demo()
    seed_programmes_demo()
    catalogue_sync()
    users = {
        role: User.objects.create_user(
            username=f"matrice-{role}", password=PASSWORD, role=getattr(Role, role.upper())
        )
        for role in ("association", "partner", "delegate", "agent")
    }
    users["admin"] = User.objects.create_user(
        username="matrice-admin",
        password=PASSWORD,
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )
    france_travail = Organisation.objects.get(code="france-travail")
    users["partner"].partner_organisation = france_travail
    users["partner"].save()
    contract_in = Contract.objects.get(code="CN05902M")
    contract_out = Contract.objects.get(code="CN05911M")
    delegate_in = PrefectDelegate.objects.get(contracts=contract_in)
    delegate_in.user = users["delegate"]
    delegate_in.save()
    refused = contract_out.signatories.get(category="france_travail")
    signatory_status_set(
        signatory=refused, status=SignatoryStatus.REFUSED, signed_on=None, user=None
    )
    world: dict[str, Any] = {"users": users}
    for where, contract in (("in", contract_in), ("out", contract_out)):
        action = action_create(
            contract=contract,
            user=None,
            values={
                "title": f"Action de la matrice ({where})",
                "theme": "emploi",
                "is_priority": True,
                "lead_name": "Camille Cheffe",
                "lead_partner": france_travail,
                "lead_email": "chef.projet@demo.invalid",
            },
        )
        world[f"contract_{where}"] = contract
        world[f"action_{where}"] = action
        world[f"milestone_{where}"] = milestone_add(
            action=action, user=None, label=f"Jalon ({where})", due_on=TODAY
        )
        note_add(action=action, user=None, written_on=TODAY, text=f"Note interne ({where})")
    world["delegate_in"] = delegate_in
    world["delegate_out"] = PrefectDelegate.objects.exclude(pk=delegate_in.pk).first()
    world["commitment_in"] = Commitment.objects.get(
        contract=contract_in, organisation=france_travail
    )
    world["commitment_out"] = Commitment.objects.get(
        contract=contract_out, organisation__code="caf"
    )
    world["document"] = document_upload(
        contract=contract_in,
        user=None,
        title="Contrat signé",
        uploaded=SimpleUploadedFile("contrat.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    world["qpv"] = QPV.objects.get(code="QN05920M", generation=2024)
    world["commune"] = Commune.objects.filter(qpvs__isnull=False).order_by("insee_code").first()
    world["epci"] = EPCI.objects.get(pk=contract_out.carrier_epci_id)
    world["arrondissement"] = Arrondissement.objects.order_by("insee_code").first()
    world["indicator"] = Indicator.objects.order_by("code").first()
    for extension in EXTENSIONS:
        extension.world_extend(world)
    world["measure"] = (
        Measure.objects.filter(target_value__isnull=False).order_by("code").first()
        or Measure.objects.order_by("code").first()
    )
    return world


def _outcome(response) -> str:
    if response.status_code == 302:
        login = reverse("login")
        return "login" if response["Location"].startswith(login) else "redirect"
    return str(response.status_code)


def _cases() -> Iterator[Any]:
    for name, case in MATRIX.items():
        for method, table in (("GET", case.get), ("POST", case.post)):
            for where in table:
                yield pytest.param(name, method, where, id=f"{name}-{method}-{where}")


def _post(client: Client, url: str, case: Case, world: dict[str, Any], where: str):
    if case.write is None:
        return client.post(url, {"matrice": "1"}), None, None
    if case.write.prepare is not None:
        case.write.prepare(client, world, where)
    body = case.write.body(world, where)
    before = case.write.state(world, where)
    if case.write.json:
        response = client.post(url, json.dumps(body), content_type="application/json")
    else:
        response = client.post(url, body)
    return response, before, case.write.state(world, where)


@pytest.mark.parametrize(("name", "method", "where"), list(_cases()))
def test_role_gets_the_expected_answer(world, db, name, method, where):
    """Every role gets the expected answer; with a valid body, a write that answers success
    changed the database and a refused one changed nothing."""
    case = MATRIX[name]
    url = reverse(name, kwargs=case.args(world, where))
    expected = (case.get if method == "GET" else case.post)[where]
    got, wrong_writes = [], []
    for role in ROLES:
        client = Client(raise_request_exception=True)
        if role != "anonymous":
            client.force_login(world["users"][role])
        with transaction.atomic():  # each role sees the same state
            if method == "GET":
                response, before, after = client.get(url), None, None
            else:
                response, before, after = _post(client, url, case, world, where)
            transaction.set_rollback(True)
        response_close(response)  # a FileResponse holds its file open until closed
        outcome = _outcome(response)
        got.append(outcome)
        if (
            method == "POST"
            and case.write is not None
            and (before != after) != (outcome in WRITTEN)
        ):
            wrong_writes.append(
                f"{role}: {outcome}, {'changed' if before != after else 'unchanged'}"
            )
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True)), url
    assert not wrong_writes, f"{url}: {wrong_writes}"


# POSTs that write no business row the matrix can read back (the session only), with the
# reason. Every other write posts a valid body and reads back what it changed.
WRITES_WITHOUT_STATE = {
    "login": "opens a session",
    "logout": "closes a session",
    "imports:preview": "a dry run: deposits the file for « Appliquer », writes no row",
}


def test_every_write_posts_a_valid_body_and_reads_what_it_changes():
    missing = sorted(
        name
        for name, case in MATRIX.items()
        if case.post
        and any(answer != "405" for answers in case.post.values() for answer in answers)
        and case.write is None
        and name not in WRITES_WITHOUT_STATE
    )
    assert not missing, f"Écritures sans corps valide ni état relu : {missing}"


def test_unknown_objects_give_404_to_the_agent(world, db):
    client = Client()
    client.force_login(world["users"]["agent"])
    for name in (
        "contracts:action_detail",
        "contracts:action_edit",
        "organisation:commitment_edit",
        "organisation:commitment_detail",
        "organisation:delegate_detail",
    ):
        assert client.get(reverse(name, kwargs={"pk": 999999})).status_code == 404, name
    assert client.get(reverse("contracts:contract_detail", args=["CN00000X"])).status_code == 404


def test_internal_parts_of_public_pages_are_hidden_from_the_public(world, db):
    action_url = reverse("contracts:action_detail", args=[world["action_in"].pk])
    contract_url = reverse("contracts:contract_detail", args=[world["contract_in"].code])
    for role in ("anonymous", "association"):
        client = Client()
        if role != "anonymous":
            client.force_login(world["users"][role])
        html = client.get(action_url).content.decode()
        assert "Note interne (in)" not in html and "chef.projet@demo.invalid" not in html
        assert 'data-testid="audit-table"' not in html
        assert 'data-testid="audit-table"' not in client.get(contract_url).content.decode()
    for role in ("partner", "delegate", "agent"):
        client = Client()
        client.force_login(world["users"][role])
        html = client.get(action_url).content.decode()
        assert "Note interne (in)" in html and "chef.projet@demo.invalid" in html
        assert 'data-testid="audit-table"' in html


def test_partner_sees_only_the_contracts_it_signs_on_the_dashboard(world, db):
    client = Client()
    client.force_login(world["users"]["partner"])
    html = client.get(reverse("contracts:follow_up")).content.decode()
    assert "Action de la matrice (in)" in html
    assert "Action de la matrice (out)" not in html
    export = client.get(reverse("contracts:action_export", args=["csv"])).content.decode()
    assert "Action de la matrice (in)" in export and "(out)" not in export
    client.force_login(world["users"]["delegate"])
    html = client.get(reverse("contracts:follow_up")).content.decode()
    assert "Action de la matrice (in)" in html and "Action de la matrice (out)" in html


def test_admin_site_is_for_staff_accounts_only(world, db):
    url = reverse("admin:index")
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
