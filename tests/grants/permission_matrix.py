"""The funding views in the permission matrix (picked up by tests/core/test_permission_matrix).

« in »: a draft application of the matrix association, on CN05902M (the matrix délégué's
contract); « out »: another association's draft on CN05911M (outside both). Objects outside a
scope answer 404 (never 403); partners have no access to funding at all.
Roles: anonymous, association, partner, delegate, agent, admin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.contracts.models import Contract
from quartiers.grants.choices import BudgetSide, Funder
from quartiers.grants.demo import CERFA_ASSOCIATION, demo_siret
from quartiers.grants.models import (
    Application,
    ApplicationDocument,
    Association,
    BudgetLine,
    CallForProjects,
    Payment,
)
from quartiers.grants.services.agreements import agreement_sign, payment_add
from quartiers.grants.services.applications import (
    CONTENT_FIELDS,
    application_create,
    budget_line_add,
    document_add,
)
from quartiers.grants.services.associations import association_account_link
from quartiers.grants.services.dauphin import COLUMNS as DAUPHIN_COLUMNS
from tests.core.matrix import NOT_ALLOWED_GET, STAFF_AND_DELEGATES, Case, Write, none, rows
from tests.grants.conftest import TODAY, granted_make

READERS = ("login", "200", "403", "200", "200", "200")
FMT = {"fmt": "csv"}
OBJECT_READ = {
    "in": ("login", "200", "403", "200", "200", "200"),
    "out": ("login", "404", "403", "404", "200", "200"),
}
# POSTs the association may make on its own draft (edits, filing, files).
OWNER_POST = {
    "in": ("login", "redirect", "403", "403", "redirect", "redirect"),
    "out": ("login", "404", "403", "404", "redirect", "redirect"),
}
# POSTs of the préfecture only (act, payments, report).
PREFECTURE_POST = {
    "in": ("login", "403", "403", "403", "redirect", "redirect"),
    "out": ("login", "404", "403", "404", "redirect", "redirect"),
}
# Filing a draft: its association, or the préfecture; a délégué only gives the opinion.
FILING_POST = {
    "in": ("login", "redirect", "403", "403", "redirect", "redirect"),
    "out": ("login", "404", "403", "404", "redirect", "redirect"),
}


# Filing: the CERFA's attestation signed by the legal representative.
FILING = {"to_status": "deposee", "attestation": "on", "attestation_name": "Camille Présidente"}


def application(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"uuid": world[f"grant_{where}"].uuid}


def budget_line(world: dict[str, Any], where: str) -> dict[str, Any]:
    app = world[f"grant_{where}"]
    return {"uuid": app.uuid, "pk": app.budget_lines.first().pk}


def document(world: dict[str, Any], where: str) -> dict[str, Any]:
    app = world[f"grant_{where}"]
    return {"uuid": app.uuid, "pk": app.documents.first().pk}


def association(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"uuid": world[f"grant_{where}"].association.uuid}


def _object_post(
    post: dict[str, tuple[str, ...]], args=application, write: Write | None = None
) -> Case:
    return Case(
        args=args, get={"in": NOT_ALLOWED_GET, "out": NOT_ALLOWED_GET}, post=post, write=write
    )


def _app(world: dict[str, Any], where: str) -> Application:
    return world[f"grant_{where}"]


_APPLICATION = rows(Application, pk=lambda w, where: _app(w, where).pk)
CONTENT = [name for name in CONTENT_FIELDS if name not in ("starts_on", "ends_on")]


def _content(world: dict[str, Any], where: str, **changes: Any) -> dict[str, Any]:
    app = Application.objects.get(pk=_app(world, where).pk)
    data = {name: "" if getattr(app, name) is None else getattr(app, name) for name in CONTENT}
    data.update(
        qpvs=list(app.qpvs.values_list("pk", flat=True)),
        starts_on=app.starts_on.isoformat() if app.starts_on else "",
        ends_on=app.ends_on.isoformat() if app.ends_on else "",
    )
    return {**data, **changes}


def _new_application(world: dict[str, Any], where: str) -> dict[str, Any]:
    app = _app(world, "in")
    body = _content(world, "in", action_title="Nouvelle demande de la matrice")
    return {**body, "call": app.call_id, "association": str(app.association.uuid)}


def _at(step: str):
    """URL args of the matrix application at a later step (granted, agreed, paid)."""
    return lambda world, where: {"uuid": world[f"grant_{step}_{where}"].uuid}


def _step_state(step: str):
    return rows(Application, pk=lambda w, where: w[f"grant_{step}_{where}"].pk)


def _later_steps(owner: Association, call: CallForProjects, where: str, world: dict) -> None:
    """Applications of `owner` granted, agreed (an arrêté) and paid (the balance)."""
    steps = {}
    for step in ("granted", "agreed", "paid"):
        steps[step] = granted_make(owner, call, "5000", title=f"Matrice {step} ({where})")
    for step in ("agreed", "paid"):
        agreement_sign(
            application=steps[step],
            kind="arrete",
            reference=f"ARR-{step}-{where}",
            signed_on=TODAY,
            user=None,
        )
    payment_add(
        application=steps["paid"], kind="solde", amount=Decimal("5000"), paid_on=TODAY, user=None
    )
    for step, application in steps.items():
        world[f"grant_{step}_{where}"] = application
    cpo = granted_make(owner, call, "10000", title=f"Matrice CPO ({where})")
    agreement_sign(
        application=cpo,
        kind="cpo",
        reference=f"CPO-matrice-{where}",
        signed_on=TODAY,
        years=2,
        user=None,
    )
    CallForProjects.objects.get_or_create(
        contract=call.contract,
        year=call.year + 1,
        defaults={
            "title": f"Appel matrice {call.contract.code} {call.year + 1}",
            "opens_on": f"{call.year}-10-01",
            "pre_application_deadline": f"{call.year}-11-30",
        },
    )
    world[f"grant_cpo_{where}"] = cpo


def _budget_line(world: dict[str, Any], where: str) -> dict[str, Any]:
    return {"side": "charge", "account": "60", "label": "Achats", "amount": "250"}


def _pdf(world: dict[str, Any], where: str) -> dict[str, Any]:
    pdf = SimpleUploadedFile("budget.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return {"kind": "statuts", "title": "Statuts (matrice)", "file": pdf}


DAUPHIN_NUMBER = "25-MATRICE"


def _dauphin(world: dict[str, Any], where: str) -> dict[str, Any]:
    qpv = Contract.objects.get(code="CN05902M").qpvs.order_by("code").first()
    line = (
        f"{DAUPHIN_NUMBER};2025;CN05902M;{demo_siret(905)};;Association Dauphin (matrice);"
        f"Atelier numérique;education;bop147;10000.00;5000.00;;deposee;{qpv.code}"
    )
    content = ";".join(DAUPHIN_COLUMNS) + "\n" + line + "\n"
    upload = SimpleUploadedFile("dauphin.csv", content.encode(), "text/csv")
    return {"file": upload, "apply": "on"}


def _beneficiaries(world: dict[str, Any], where: str) -> dict[str, Any]:
    """Three beneficiaries by position (hand-written; Lille, Roubaix, Valenciennes)."""
    rows_ = b"longitude;latitude\n3.0633;50.6369\n3.1746;50.6942\n3.5234;50.3570\n"
    return {"file": SimpleUploadedFile("beneficiaires.csv", rows_, "text/csv")}


MATRIX: dict[str, Case] = {
    "grants:application_list": Case(args=none, get={"-": READERS}),
    "grants:application_export": Case(args=lambda w, _: FMT, get={"-": READERS}),
    "grants:call_list": Case(args=none, get={"-": READERS}),
    "grants:call_export": Case(args=lambda w, _: FMT, get={"-": READERS}),
    "grants:report_list": Case(args=none, get={"-": READERS}),
    "grants:report_export": Case(args=lambda w, _: FMT, get={"-": READERS}),
    "grants:association_list": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "grants:association_export": Case(args=lambda w, _: FMT, get={"-": STAFF_AND_DELEGATES}),
    "grants:agreement_list": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "grants:agreement_export": Case(args=lambda w, _: FMT, get={"-": STAFF_AND_DELEGATES}),
    "grants:budget": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "grants:budget_export": Case(args=lambda w, _: FMT, get={"-": STAFF_AND_DELEGATES}),
    "grants:targeting": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "grants:post_list": Case(args=none, get={"-": STAFF_AND_DELEGATES}),
    "grants:targeting_export": Case(args=lambda w, _: FMT, get={"-": STAFF_AND_DELEGATES}),
    "grants:my_association": Case(
        args=none, get={"-": ("login", "redirect", "403", "redirect", "redirect", "redirect")}
    ),
    "grants:association_create": Case(
        args=none,
        get={"-": ("login", "403", "403", "403", "200", "200")},
        post={"-": ("login", "403", "403", "403", "redirect", "redirect")},
        write=Write(
            body=lambda w, where: {
                "name": "Association créée par la matrice",
                "siret": demo_siret(903),
            },
            state=rows(Association, name="Association créée par la matrice"),
        ),
    ),
    # A hand-made extract of one application, applied: the préfecture only.
    "grants:dauphin_import": Case(
        args=none,
        get={"-": ("login", "403", "403", "403", "200", "200")},
        post={"-": ("login", "403", "403", "403", "200", "200")},
        write=Write(
            body=_dauphin,
            state=rows(Application, dauphin_number=DAUPHIN_NUMBER),
        ),
    ),
    # the association files for itself; the préfecture first picks the association
    "grants:application_create": Case(
        args=none,
        get={"-": ("login", "200", "403", "403", "redirect", "redirect")},
        post={"-": ("login", "redirect", "403", "403", "redirect", "redirect")},
        write=Write(
            body=_new_application,
            state=rows(Application, action_title="Nouvelle demande de la matrice"),
        ),
    ),
    "grants:association_detail": Case(args=association, get=OBJECT_READ),
    "grants:application_detail": Case(args=application, get=OBJECT_READ),
    "grants:document_download": Case(args=document, get=OBJECT_READ),
    "grants:application_edit": Case(
        args=application,
        get={
            "in": ("login", "200", "403", "403", "200", "200"),
            "out": ("login", "404", "403", "404", "200", "200"),
        },
        post={
            "in": ("login", "redirect", "403", "403", "redirect", "redirect"),
            "out": ("login", "404", "403", "404", "redirect", "redirect"),
        },
        write=Write(
            body=lambda w, where: _content(w, where, objectives="Objectifs revus (matrice)"),
            state=_APPLICATION,
        ),
    ),
    "grants:budget_line_add": _object_post(
        OWNER_POST,
        write=Write(body=_budget_line, state=rows(BudgetLine, application=_app)),
    ),
    "grants:budget_line_delete": _object_post(
        OWNER_POST,
        args=budget_line,
        write=Write(body=lambda w, where: {}, state=rows(BudgetLine, application=_app)),
    ),
    "grants:document_upload": _object_post(
        OWNER_POST,
        write=Write(body=_pdf, state=rows(ApplicationDocument, application=_app)),
    ),
    # Beneficiaries' positions (no geocoding): the measured counts are written on the draft.
    "grants:beneficiaries_upload": _object_post(
        OWNER_POST,
        write=Write(body=_beneficiaries, state=_APPLICATION),
    ),
    # Year 2 of a two-year CPO: a new draft copied from year 1.
    "grants:application_renew": _object_post(
        OWNER_POST,
        args=_at("cpo"),
        write=Write(
            body=lambda w, where: {},
            state=rows(Application, agreement=lambda w, where: w[f"grant_cpo_{where}"].agreement),
        ),
    ),
    "grants:application_transition": _object_post(
        FILING_POST,
        write=Write(body=lambda w, where: FILING, state=_APPLICATION),
    ),
    "grants:agreement_sign": _object_post(
        PREFECTURE_POST,
        args=_at("granted"),
        write=Write(
            body=lambda w, where: {
                "kind": "arrete",
                "reference": "ARR-MATRICE",
                "signed_on": TODAY.isoformat(),
                "years": 1,
            },
            state=_step_state("granted"),
        ),
    ),
    "grants:payment_add": _object_post(
        PREFECTURE_POST,
        args=_at("agreed"),
        write=Write(
            body=lambda w, where: {
                "kind": "avance",
                "amount": "1000",
                "paid_on": TODAY.isoformat(),
            },
            state=rows(Payment, application=lambda w, where: w[f"grant_agreed_{where}"]),
        ),
    ),
    "grants:report_receive": _object_post(
        PREFECTURE_POST,
        args=_at("paid"),
        write=Write(
            body=lambda w, where: {
                "received_on": TODAY.isoformat(),
                "expenses_realised": "5000",
                "comment": "",
            },
            state=_step_state("paid"),
        ),
    ),
    # locate the seat again (the matrix associations have no address: no geocoding)
    "grants:association_locate": _object_post(
        PREFECTURE_POST,
        args=association,
        write=Write(
            body=lambda w, where: {},
            state=rows(Association, pk=lambda w, where: _app(w, where).association_id),
        ),
    ),
}


def _call(code: str) -> CallForProjects:
    contract = Contract.objects.get(code=code)
    return CallForProjects.objects.get_or_create(
        contract=contract,
        year=2025,
        defaults={
            "title": f"Appel matrice {code}",
            "opens_on": "2024-10-01",
            "pre_application_deadline": "2024-11-30",
        },
    )[0]


def world_extend(world: dict[str, Any]) -> None:
    for where, code, seed in (("in", "CN05902M", 901), ("out", "CN05911M", 902)):
        siret = demo_siret(seed)
        owner = Association.objects.create(
            name=f"Association matrice ({where})", siret=siret, siren=siret[:9]
        )
        app = application_create(
            association=owner,
            call=_call(code),
            user=None,
            values={
                "aid_form": "numeraire",
                "request_kind": "premiere",
                "object_kind": "action",
                "period_kind": "annuelle",
                "action_title": f"Demande matrice ({where})",
                "action_description": "—",
                "objectives": "—",
                "target_public": "—",
                "theme": "emploi",
                **CERFA_ASSOCIATION,
            },
        )
        budget_line_add(
            application=app,
            side=BudgetSide.EXPENSE,
            account="64",
            label="Salaires",
            amount=Decimal("1000.00"),
            user=None,
        )
        budget_line_add(
            application=app,
            side=BudgetSide.INCOME,
            account="74",
            funder=Funder.STATE_BOP147,
            label="État",
            amount=Decimal("1000.00"),
            user=None,
        )
        document_add(
            application=app,
            kind="statuts",
            title="Statuts",
            user=None,
            uploaded=SimpleUploadedFile("statuts.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        )
        world[f"grant_{where}"] = app
        _later_steps(owner, _call(code), where, world)
        if where == "in":
            association_account_link(user=world["users"]["association"], association=owner)
