"""Demo funding content (idempotent): fictitious associations clearly marked « démo », calls
for projects 2025 on two contracts, applications at different steps, one 3-year CPO.

Amounts and identifiers are invented (SIRET numbers pass the Luhn check but belong to no one
we know of); the associations' locations go through the real georef engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import shapely
from django.db import transaction

from quartiers.contracts.models import Contract
from quartiers.core.models import User
from quartiers.grants.choices import (
    ApplicationStatus,
    BudgetSide,
    DecisionKind,
    DelegateOpinion,
    Fund,
    Funder,
)
from quartiers.grants.identifiers import luhn_valid
from quartiers.grants.models import (
    Application,
    Association,
    CallForProjects,
    CommitteeMeeting,
    Envelope,
)
from quartiers.grants.services.agreements import agreement_sign, payment_add
from quartiers.grants.services.applications import application_create, budget_line_add
from quartiers.grants.services.associations import association_account_link
from quartiers.grants.services.location import association_locate
from quartiers.grants.services.workflow import application_transition

S = ApplicationStatus
DEMO_ACCOUNT = "demo-association"
CONTRACTS = ("CN05911M", "CN05908M")  # Métropole Européenne de Lille, CU de Dunkerque


@dataclass
class GrantsSeedReport:
    associations: int = 0
    calls: int = 0
    applications: int = 0
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(
            [
                f"Financements (démo) : {self.associations} association(s), "
                f"{self.calls} appel(s) à projets, {self.applications} demande(s) ajoutée(s).",
                *self.lines,
            ]
        )


def demo_siret(seed: int) -> str:
    """A Luhn-valid fictitious SIRET (SIREN 999 0…) built from `seed`."""
    siren_body = f"999{seed:05d}"
    siren = next(siren_body + str(k) for k in range(10) if luhn_valid(siren_body + str(k)))
    return next(f"{siren}0001{k}" for k in range(10) if luhn_valid(f"{siren}0001{k}"))


def _inside_point(contract: Contract) -> tuple[float, float]:
    link = contract.qpv_links.select_related("qpv").order_by("qpv__code").first()
    point = shapely.from_wkb(link.qpv.contour_wkb).representative_point()
    return point.x, point.y


ASSOCIATIONS = (
    # name, seed, rna, city, postcode, contract for an inside point or fixed lon/lat
    (
        "Association démo Jardins partagés de l'Alma",
        1,
        "W595000001",
        "Roubaix",
        "59100",
        "CN05911M",
        None,
    ),
    (
        "Association démo Coup de pouce emploi",
        2,
        "W595000002",
        "Lille",
        "59000",
        None,
        (3.0635, 50.6370),
    ),
    (
        "Association démo Dunes et quartiers",
        3,
        "W593000003",
        "Dunkerque",
        "59140",
        "CN05908M",
        None,
    ),
)


def _association(row: tuple, report: GrantsSeedReport) -> Association:
    name, seed, rna, city, postcode, contract_code, lonlat = row
    siret = demo_siret(seed)
    existing = Association.objects.filter(siret=siret).first()
    if existing:
        return existing
    lon, lat = lonlat or _inside_point(Contract.objects.get(code=contract_code))
    association = Association(
        name=name,
        siret=siret,
        siren=siret[:9],
        rna_number=rna,
        city=city,
        postcode=postcode,
        address="Adresse fictive (démo)",
        lon=lon,
        lat=lat,
        is_demo=True,
        email=f"contact-{seed}@demo.invalid",
    )
    association_locate(association=association)
    association.save()
    association.contacts.create(
        name=f"Présidence {city} (démo)", role="Président(e)", is_legal_representative=True
    )
    report.associations += 1
    return association


def _call(contract: Contract, year: int, report: GrantsSeedReport) -> CallForProjects:
    call, created = CallForProjects.objects.get_or_create(
        contract=contract,
        year=year,
        defaults={
            "title": f"Appel à projets {year} — {contract.name.removeprefix('59 - ')}",
            "opens_on": date(year - 1, 10, 1),
            "pre_application_deadline": date(year - 1, 11, 30),
            "closes_on": date(year - 1, 12, 15),
            "themes": ["emploi", "education", "transition"],
        },
    )
    if created:
        CommitteeMeeting.objects.create(call=call, meets_on=date(year, 2, 12))
        CommitteeMeeting.objects.create(
            call=call, meets_on=date(year, 6, 18), label="Comité de programmation complémentaire"
        )
        report.calls += 1
    return call


def demo_budget_add(
    *,
    application: Application,
    cost: Decimal,
    asked: Decimal,
    state_funder: str = Funder.STATE_BOP147,
    user: Any = None,
) -> None:
    """A balanced budget: the action's cost (staff), the State's share, the commune the rest."""
    budget_line_add(
        application=application,
        side=BudgetSide.EXPENSE,
        account="64",
        label="Animateurs (démo)",
        amount=cost,
        user=user,
    )
    budget_line_add(
        application=application,
        side=BudgetSide.INCOME,
        account="74",
        funder=state_funder,
        label="Demande de subvention de l'État",
        amount=asked,
        user=user,
    )
    if cost > asked:
        budget_line_add(
            application=application,
            side=BudgetSide.INCOME,
            account="74",
            funder=Funder.COMMUNE,
            label="Commune (démo)",
            amount=cost - asked,
            user=user,
        )


# CERFA 12156 fiche 3 (invented) and the attestation signed on filing.
CERFA_ASSOCIATION = {
    "association_budget": Decimal("85000.00"),
    "staff_members": 120,
    "staff_volunteers": 25,
    "staff_civic_volunteers": 2,
    "staff_employees": 3,
    "staff_fte": Decimal("2.50"),
}
ATTESTATION = {"attestation": True, "attestation_name": "Représentant légal (démo)"}


def _application(association, call, title, theme, cost, asked, steps, report, period="annuelle"):
    existing = Application.objects.filter(
        association=association, action_title=title, call=call
    ).first()
    if existing:
        return existing
    qpvs = list(call.contract.qpvs.order_by("code")[:2])
    application = application_create(
        association=association,
        call=call,
        user=None,
        values={
            "aid_form": "numeraire",
            "request_kind": "premiere",
            "object_kind": "action",
            "period_kind": period,
            "fund": Fund.BOP147,
            "action_title": title,
            "theme": theme,
            "action_description": "Action fictive de démonstration.",
            "objectives": "Démonstration.",
            "target_public": "Habitants des quartiers prioritaires (démo).",
            "qpvs": qpvs,
            **CERFA_ASSOCIATION,
        },
    )
    demo_budget_add(application=application, cost=cost, asked=asked)
    for to_status, data in steps:
        application_transition(application=application, to_status=to_status, user=None, **data)
    report.applications += 1
    return application


UP_TO_COMMITTEE = [
    (S.FILED, ATTESTATION),
    (S.REVIEW, {}),
    (S.DELEGATE_OPINION, {"opinion": DelegateOpinion.FAVOURABLE}),
    (S.COMMITTEE, {"committee_on": date(2025, 2, 12)}),
]


def seed_grants_demo() -> GrantsSeedReport:
    """Idempotent: a second run adds nothing. Needs the contracts (seed_contracts_demo)."""
    report = GrantsSeedReport()
    contracts = {c.code: c for c in Contract.objects.filter(code__in=CONTRACTS)}
    if len(contracts) < len(CONTRACTS):
        report.lines.append(
            "Financements (démo) : contrats absents, lancez d'abord la démo des contrats."
        )
        return report
    with transaction.atomic():
        alma, emploi, dunes = (_association(row, report) for row in ASSOCIATIONS)
        mel, dk = (_call(contracts[code], 2025, report) for code in CONTRACTS)
        _call(contracts["CN05911M"], 2026, report)
        for contract, amount in (
            (contracts["CN05911M"], "1200000.00"),
            (contracts["CN05908M"], "350000.00"),
        ):
            Envelope.objects.get_or_create(
                year=2025, fund=Fund.BOP147, contract=contract, defaults={"amount": Decimal(amount)}
            )
        Envelope.objects.get_or_create(
            year=2025,
            fund=Fund.FONDS_VERT,
            contract=None,
            defaults={"amount": Decimal("2000000.00"), "note": "Total départemental (démo)"},
        )
        _application(
            alma,
            mel,
            "Jardin partagé et ateliers nature (démo)",
            "transition",
            Decimal("18500.00"),
            Decimal("8000.00"),
            [],
            report,
        )
        _application(
            alma,
            mel,
            "Aide aux devoirs du soir (démo)",
            "education",
            Decimal("12400.50"),
            Decimal("6200.25"),
            [(S.FILED, ATTESTATION)],
            report,
        )
        _application(
            emploi,
            mel,
            "Parrainage vers l'emploi (démo)",
            "emploi",
            Decimal("30000.00"),
            Decimal("15000.00"),
            UP_TO_COMMITTEE[:3],
            report,
        )
        _application(
            dunes,
            dk,
            "Sport santé au pied des immeubles (démo)",
            "sante",
            Decimal("20000.00"),
            Decimal("12000.00"),
            [*UP_TO_COMMITTEE, (S.GRANTED, {"amount_granted": Decimal("11500.00")})],
            report,
        )
        _application(
            dunes,
            dk,
            "Festival de quartier (démo)",
            "citoyennete",
            Decimal("9000.00"),
            Decimal("4000.00"),
            [
                *UP_TO_COMMITTEE,
                (S.REFUSED, {"refusal_reason": "Action hors des priorités de l'appel (démo)."}),
            ],
            report,
        )
        cpo = _application(
            emploi,
            mel,
            "Accompagnement des jeunes vers l'emploi — CPO 2025-2027 (démo)",
            "emploi",
            Decimal("90000.00"),
            Decimal("45000.00"),
            [*UP_TO_COMMITTEE, (S.GRANTED, {"amount_granted": Decimal("45000.00")})],
            report,
            period="pluriannuelle",
        )
        if cpo.status == S.GRANTED:
            agreement_sign(
                application=cpo,
                kind=DecisionKind.CPO,
                reference="CPO-DEMO-2025-001",
                signed_on=date(2025, 3, 10),
                user=None,
                years=3,
                tranche_amounts=[Decimal("45000.00")] * 3,
            )
            payment_add(
                application=cpo,
                kind="avance",
                amount=Decimal("22500.00"),
                paid_on=date(2025, 4, 2),
                user=None,
            )
        account = User.objects.filter(username=DEMO_ACCOUNT).first()
        if account is not None:
            association_account_link(user=account, association=alma)
            report.lines.append(f"Compte {DEMO_ACCOUNT} rattaché à « {alma.name} ».")
    return report
