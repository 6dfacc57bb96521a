"""Demo data of the contracts: the 13 real contracts (imported), default signatories, the
press kit's signing calendar (10 dates) and its example actions, clearly marked as such.

Idempotent: a second run changes nothing. Nothing here is invented about real people: project
leads are « Chef de projet (démo) »; organisations are those the press kit names, or
« non précisé ». The 3 contracts the press kit gives no date for (Maubeuge Val de Sambre,
CU de Dunkerque, Douaisis Agglo) stay « en préparation », without a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from quartiers.contracts.choices import (
    ContractStatus,
    SignatoryCategory,
    SignatoryStatus,
    Theme,
)
from quartiers.contracts.importers import contracts_import_nord
from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services import (
    action_create,
    contract_transition,
    milestone_add,
    signatory_add,
    signatory_status_set,
)
from quartiers.geography.models import Commune

PRESS_KIT = "Dossier de presse « Engagements Quartiers 2030 », préfecture du Nord, mars 2024"
EXAMPLE_SOURCE = "exemple du dossier de presse (mars 2024)"
DEMO_LEAD = "Chef de projet (démo)"

# « Calendrier de signature des contrats quartiers 2030 du Nord » (press kit, last page).
SIGNING_CALENDAR: tuple[tuple[str, date, str], ...] = (
    ("CN05907I", date(2024, 3, 20), "contrat de ville d'Hazebrouck"),
    ("CN05910M", date(2024, 3, 22), "contrat de ville de Fourmies"),
    ("CN05901I", date(2024, 3, 28), "contrat de ville de Cambrai"),
    ("CN05912M", date(2024, 3, 29), "contrat de ville de Le Quesnoy"),
    ("CN05905M", date(2024, 4, 4), "contrat de ville de Caudry"),
    (
        "CN05902M",
        date(2024, 4, 10),
        "contrat de ville de la Communauté d'agglomération de la Porte du Hainaut",
    ),
    ("CN05904M", date(2024, 4, 12), "contrat de ville de Valenciennes Métropole"),
    (
        "CN05906M",
        date(2024, 4, 18),
        "contrat de ville de la Communauté de communes du Coeur d'Ostrevent",
    ),
    ("CN05911M", date(2024, 5, 16), "contrat de ville de la Métropole Européenne de Lille"),
    ("CN05913M", date(2024, 5, 23), "contrat de ville d'Ostricourt"),
)

# Partners the press kit says sign every contract (optional for the « signé » rule).
PARTNERS: tuple[tuple[str, str], ...] = (
    (SignatoryCategory.FRANCE_TRAVAIL, "France Travail"),
    (SignatoryCategory.ARS, "Agence régionale de santé Hauts-de-France"),
    (SignatoryCategory.CPAM, "Caisse primaire d'assurance maladie compétente"),
    (SignatoryCategory.CAF, "Caisse d'allocations familiales du Nord"),
    (SignatoryCategory.DEPARTEMENT, "Département du Nord"),
    (SignatoryCategory.REGION, "Région Hauts-de-France"),
    (SignatoryCategory.PROSECUTOR, "Procureur de la République territorialement compétent"),
    (SignatoryCategory.SOCIAL_LANDLORD, "Bailleurs sociaux du territoire"),
    (SignatoryCategory.BPIFRANCE, "Bpifrance"),
    (SignatoryCategory.BANQUE_TERRITOIRES, "Banque des Territoires (Caisse des dépôts)"),
)


@dataclass(frozen=True)
class Example:
    contract: str
    communes: tuple[str, ...]  # INSEE codes of the communes the press kit names
    title: str
    theme: str
    organisation: str
    objective: str
    milestones: tuple[tuple[str, int], ...] = field(default=())  # (label, days from seeding)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "CN05902M",
        ("59172",),
        "« Parenthèse et Parenthèse+ » (Denain)",
        Theme.EDUCATION,
        "Association des PEP 59",
        "Prévenir la sortie précoce du système scolaire : cursus de 6 semaines pour 10 lycéens "
        "en voie de décrochage, puis stage intensif d'une semaine pour 10 lycéens de plus de "
        "16 ans ayant exprimé leur volonté de quitter l'école.",
        (("Cursus de 6 semaines — bilan (démo)", -20), ("Stage intensif (démo)", 12)),
    ),
    Example(
        "CN05911M",
        ("59599",),
        "« La bourse aux projets » (Tourcoing)",
        Theme.EDUCATION,
        "Non précisé dans le dossier de presse",
        "Soutenir les projets de jeunes de 6 à 25 ans pour leur établissement (prévention du "
        "harcèlement, environnement, activité physique, esprit d'entreprendre), présentés à un "
        "jury.",
        (("Réunion du jury (démo)", 25),),
    ),
    Example(
        "CN05909M",
        ("59178", "59654"),
        "« Découvre ton patrimoine » (Douai-Waziers)",
        Theme.EDUCATION,
        "Non précisé dans le dossier de presse",
        "Album éducatif et photographique au format « panini » réalisé par les écoles, les "
        "enfants et leurs parents, pour valoriser le patrimoine de Douai et de Waziers.",
        (("Maquette de l'album (démo)", -5), ("Distribution dans les écoles (démo)", 60)),
    ),
    Example(
        "CN05911M",
        ("59512",),
        "Réseau des médiateurs-santé de Roubaix",
        Theme.HEALTH,
        "CCAS de Roubaix",
        "Accompagner les foyers dans l'accès aux droits sociaux (386 foyers accompagnés en "
        "2023) ; site web dédié et boîtes à messages dans les quartiers.",
        (("Bilan annuel d'activité (démo)", -40),),
    ),
    Example(
        "CN05911M",
        ("59512",),
        "« Prenons soin ensemble de notre environnement » — « La jungle urbaine » "
        "(ASTUCE, Roubaix)",
        Theme.ECOLOGY,
        "Association ASTUCE (Roubaix)",
        "Au jardin du Hêtre, familles, professeurs et élèves de primaire apprennent les gestes "
        "de préservation de l'environnement en entretenant la faune et la flore.",
        (("Plantations de printemps (démo)", 18),),
    ),
    Example(
        "CN05911M",
        ("59512",),
        "« Respirez bien et sentez-vous bien dans votre environnement » (centre social ECHO, "
        "Roubaix)",
        Theme.ECOLOGY,
        "Centre social ECHO (Roubaix)",
        "Ateliers de sensibilisation aux éco-gestes du quotidien (aérer, économiser l'eau et "
        "l'électricité) pour la santé et pour réduire la facture énergétique des foyers.",
        (),
    ),
    Example(
        "CN05911M",
        ("59350",),
        "« Wazemmes ça pousse ! » (Lille)",
        Theme.ECOLOGY,
        "Maison de quartier de Wazemmes (Lille)",
        "Réseau d'habitants : jardinage sur l'espace public, ateliers zéro déchet, murs "
        "végétaux, hôtels à insectes, carrés aromatiques, sensibilisation écologique.",
        (("Atelier zéro déchet (démo)", 7),),
    ),
)


@dataclass
class SeedReport:
    signatories_added: int = 0
    contracts_signed: int = 0
    calendar_set: int = 0
    examples_added: int = 0
    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(
            [
                f"Contrats (démo) : {self.calendar_set} date(s) de calendrier posée(s), "
                f"{self.contracts_signed} contrat(s) déclaré(s) signé(s), "
                f"{self.signatories_added} signataire(s) ajouté(s), "
                f"{self.examples_added} exemple(s) d'action ajouté(s).",
                *self.lines,
            ]
        )


def _carrier_name(contract: Contract) -> str:
    carrier = contract.carrier
    return carrier.name if carrier is not None else contract.name


def signatories_default_ensure(*, contract: Contract, report: SeedReport) -> None:
    """State + carrier (required), then the other partners (optional); only when none yet."""
    if contract.signatories.exists():
        return
    entries: list[tuple[str, str, bool]] = [
        (SignatoryCategory.STATE, "Préfet du Nord", True),
        (
            SignatoryCategory.EPCI
            if contract.carrier_kind == "EPCI"
            else SignatoryCategory.COMMUNE,
            _carrier_name(contract),
            True,
        ),
    ]
    if contract.carrier_commune and contract.carrier_commune.epci:
        entries.append((SignatoryCategory.EPCI, contract.carrier_commune.epci.name, False))
    if contract.carrier_epci:
        communes = (
            Commune.objects.filter(
                qpvs__contract_links__contract=contract, epci=contract.carrier_epci
            )
            .distinct()
            .order_by("name")
        )
        entries += [(SignatoryCategory.COMMUNE, f"Commune de {c.name}", False) for c in communes]
    entries += [(category, name, False) for category, name in PARTNERS]
    for order, (category, name, required) in enumerate(entries, start=1):
        signatory_add(
            contract=contract,
            category=category,
            name=name,
            required=required,
            user=None,
            order=order,
        )
        report.signatories_added += 1


def calendar_apply(*, contract: Contract, on: date, label: str, report: SeedReport) -> None:
    if contract.signing_planned_on != on or contract.signing_label != label:
        contract.signing_planned_on, contract.signing_label = on, label
        contract.save(update_fields=["signing_planned_on", "signing_label"])
        report.calendar_set += 1
    if contract.status != ContractStatus.PREPARATION:
        return
    for signatory in contract.signatories.filter(required=True):
        if signatory.status != SignatoryStatus.SIGNED:
            signatory_status_set(
                signatory=signatory, status=SignatoryStatus.SIGNED, signed_on=on, user=None
            )
    contract_transition(
        contract=contract,
        to_status=ContractStatus.SIGNED,
        on=on,
        user=None,
        note=f"Date du calendrier de signature — {PRESS_KIT}",
    )
    report.contracts_signed += 1


def example_ensure(*, example: Example, today: date, report: SeedReport) -> None:
    contract = Contract.objects.get(code=example.contract)
    if Action.objects.filter(contract=contract, title=example.title).exists():
        return
    qpvs = [
        link.qpv
        for link in contract.qpv_links.select_related("qpv")
        if set(link.qpv.commune_codes) & set(example.communes)
    ]
    action = action_create(
        contract=contract,
        user=None,
        values={
            "title": example.title,
            "objective": example.objective,
            "theme": example.theme,
            "qpvs": qpvs,
            "is_priority": False,
            "lead_name": DEMO_LEAD,
            "lead_organisation": example.organisation,
            "status": "in_progress",
            "is_example": True,
            "example_source": EXAMPLE_SOURCE,
        },
    )
    for label, days in example.milestones:
        milestone_add(action=action, user=None, label=label, due_on=today + timedelta(days=days))
    report.examples_added += 1


def seed_contracts_demo(*, data_dir: Path, today: date | None = None) -> SeedReport:
    """Import the contracts if needed, then the demo signatories, calendar and examples."""
    today = today or timezone.localdate()
    report = SeedReport()
    with transaction.atomic():
        summaries = contracts_import_nord(data_dir=data_dir, apply=True)
        report.lines += [str(s) for s in summaries if s.has_changes]
        for contract in Contract.objects.filter(generation=2024).select_related(
            "carrier_epci", "carrier_commune__epci"
        ):
            signatories_default_ensure(contract=contract, report=report)
        for code, on, label in SIGNING_CALENDAR:
            calendar_apply(
                contract=Contract.objects.get(code=code), on=on, label=label, report=report
            )
        for example in EXAMPLES:
            example_ensure(example=example, today=today, report=report)
    return report
