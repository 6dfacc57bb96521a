"""Demo data of the organisation domain: 15 fictitious délégués du préfet assigned to the real
contracts and QPV, the members of the mission CONCERTO (real bodies) and commitments drawn
from the press kit's measures, clearly marked « (démo) ».

Idempotent: a second run changes nothing. Nothing is said about real people: délégués are
« Délégué·e du préfet démo NN ». The press kit gives no target per contract: commitments carry
the département-wide target it states, or « non chiffrée par le dossier de presse ».
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from quartiers.contracts.choices import SignatoryCategory, Theme
from quartiers.contracts.models import Contract
from quartiers.core.models import Role, User
from quartiers.organisation.choices import OrganisationKind
from quartiers.organisation.models import Commitment, Organisation, PrefectDelegate
from quartiers.organisation.services import commitment_create, delegate_assign

DELEGATE_COUNT = 15  # « 15 délégués du préfet répartis sur l'ensemble des quartiers » (press kit)
# The largest contract (MEL, 26 QPV) is split between délégués by commune so that the
# 13 contracts make 15 territories.
SPLIT_CONTRACT = "CN05911M"
DEMO_DELEGATE_USERNAME = "demo-delegue"
DEMO_DELEGATE_CONTRACT = "CN05902M"  # Porte du Hainaut: Denain example, 4 uncertain QPV
DEMO_PARTNER_USERNAME = "demo-partenaire"
DEMO_PARTNER_ORGANISATION = "france-travail"

# (code, acronym, name, kind, signatory category): members of the mission CONCERTO.
ORGANISATIONS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "ddets",
        "DDETS",
        "Direction départementale de l'emploi, du travail et des solidarités du Nord",
        OrganisationKind.STATE_SERVICE,
        SignatoryCategory.STATE,
    ),
    (
        "ddtm",
        "DDTM",
        "Direction départementale des territoires et de la mer du Nord",
        OrganisationKind.STATE_SERVICE,
        SignatoryCategory.STATE,
    ),
    (
        "dsden",
        "DSDEN",
        "Direction des services départementaux de l'Éducation nationale du Nord",
        OrganisationKind.STATE_SERVICE,
        SignatoryCategory.STATE,
    ),
    (
        "ars",
        "ARS",
        "Agence régionale de santé Hauts-de-France",
        OrganisationKind.OPERATOR,
        SignatoryCategory.ARS,
    ),
    (
        "france-travail",
        "France Travail",
        "France Travail",
        OrganisationKind.OPERATOR,
        SignatoryCategory.FRANCE_TRAVAIL,
    ),
    (
        "caf",
        "CAF",
        "Caisse d'allocations familiales du Nord",
        OrganisationKind.SOCIAL_SECURITY,
        SignatoryCategory.CAF,
    ),
    (
        "cpam",
        "CPAM",
        "Caisses primaires d'assurance maladie du Nord",
        OrganisationKind.SOCIAL_SECURITY,
        SignatoryCategory.CPAM,
    ),
    (
        "bpifrance",
        "Bpifrance",
        "Bpifrance",
        OrganisationKind.OPERATOR,
        SignatoryCategory.BPIFRANCE,
    ),
    (
        "banque-des-territoires",
        "Banque des Territoires",
        "Banque des Territoires (Caisse des dépôts)",
        OrganisationKind.OPERATOR,
        SignatoryCategory.BANQUE_TERRITOIRES,
    ),
)

NOT_QUANTIFIED = "non chiffrée par le dossier de presse"
# (organisation, theme, title, target, deadline, indicator): the press kit's measures, with
# the member that carries them in the Nord as the demo's (indicative) attribution.
COMMITMENTS: tuple[tuple[str, str, str, str, date | None, str], ...] = (
    (
        "france-travail",
        Theme.EMPLOYMENT,
        "Immersions en entreprise pour faire découvrir aux jeunes les métiers en tension (démo)",
        NOT_QUANTIFIED,
        None,
        "Nombre d'immersions de jeunes résidant en QPV",
    ),
    (
        "caf",
        Theme.EMPLOYMENT,
        "Augmenter le nombre de places en crèche (démo)",
        "+5 % de places d'ici 2027 (dossier de presse)",
        date(2027, 12, 31),
        "Places d'accueil du jeune enfant",
    ),
    (
        "ars",
        Theme.HEALTH,
        "Camion de dépistage des cancers avec le Département et l'État (démo)",
        "Mise en service à l'automne 2024 (dossier de presse)",
        date(2024, 11, 30),
        "Tournées réalisées dans les QPV",
    ),
    (
        "cpam",
        Theme.HEALTH,
        "Réduire les patients en ALD sans médecin traitant (démo)",
        "Réduction significative (dossier de presse)",
        None,
        "Patients en ALD sans médecin traitant résidant en QPV",
    ),
    (
        "ddtm",
        Theme.ECOLOGY,
        "Mobiliser le Fonds vert au profit des quartiers prioritaires (démo)",
        "Au moins 15 % des crédits (dossier de presse)",
        None,
        "Part des crédits du Fonds vert en QPV",
    ),
    (
        "dsden",
        Theme.EDUCATION,
        "Déployer de nouvelles cités éducatives (démo)",
        NOT_QUANTIFIED,
        None,
        "Cités éducatives labellisées",
    ),
)


@dataclass
class OrganisationSeedReport:
    organisations_added: int = 0
    delegates_added: int = 0
    commitments_added: int = 0
    accounts_linked: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        linked = ", ".join(self.accounts_linked) or "aucun"
        return (
            f"Organisation (démo) : {self.organisations_added} organisme(s), "
            f"{self.delegates_added} délégué(s) du préfet, {self.commitments_added} "
            f"engagement(s) CONCERTO ajoutés ; comptes rattachés : {linked}."
        )


def _organisations_ensure(report: OrganisationSeedReport) -> dict[str, Organisation]:
    result = {}
    for code, acronym, name, kind, category in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "acronym": acronym,
                "name": name,
                "kind": kind,
                "signatory_category": category,
            },
        )
        report.organisations_added += created
        result[code] = organisation
    return result


def _territories() -> list[tuple[list[Contract], list]]:
    """(contracts, QPV) of each of the 15 territories, deterministic."""
    contracts = list(Contract.objects.filter(generation=2024).order_by("code"))
    territories = [([c], []) for c in contracts if c.code != SPLIT_CONTRACT]
    split = next((c for c in contracts if c.code == SPLIT_CONTRACT), None)
    bins = DELEGATE_COUNT - len(territories)
    if split is None or bins < 1:
        return territories
    by_commune: dict[str, list] = defaultdict(list)
    for link in split.qpv_links.select_related("qpv").order_by("qpv__code"):
        commune = link.qpv.commune_codes[0] if link.qpv.commune_codes else ""
        by_commune[commune].append(link.qpv)
    groups: list[list] = [[] for _ in range(bins)]
    for _, qpvs in sorted(by_commune.items(), key=lambda item: (-len(item[1]), item[0])):
        min(groups, key=len).extend(qpvs)
    return territories + [([], group) for group in groups]


def _delegates_ensure(report: OrganisationSeedReport) -> None:
    for number, (contracts, qpvs) in enumerate(_territories(), start=1):
        name = f"Délégué·e du préfet démo {number:02d}"
        delegate, created = PrefectDelegate.objects.get_or_create(
            name=name,
            defaults={"email": f"delegue-demo-{number:02d}@demo.invalid", "is_demo": True},
        )
        if created:
            report.delegates_added += 1
            delegate_assign(delegate=delegate, user=None, qpvs=qpvs, contracts=contracts)


def _accounts_link(report: OrganisationSeedReport, organisations: dict[str, Organisation]) -> None:
    user = User.objects.filter(username=DEMO_DELEGATE_USERNAME, role=Role.DELEGATE).first()
    delegate = PrefectDelegate.objects.filter(
        is_demo=True, contracts__code=DEMO_DELEGATE_CONTRACT
    ).first()
    if user is not None and delegate is not None and delegate.user_id != user.pk:
        PrefectDelegate.objects.filter(user=user).exclude(pk=delegate.pk).update(user=None)
        delegate.user = user
        delegate.save(update_fields=["user"])
        report.accounts_linked.append(f"{user.username} → {delegate.name}")
    partner = User.objects.filter(username=DEMO_PARTNER_USERNAME, role=Role.PARTNER).first()
    organisation = organisations[DEMO_PARTNER_ORGANISATION]
    if partner is not None and partner.partner_organisation_id != organisation.pk:
        partner.partner_organisation = organisation
        partner.save(update_fields=["partner_organisation"])
        report.accounts_linked.append(f"{partner.username} → {organisation.acronym}")


def _commitments_ensure(
    report: OrganisationSeedReport, organisations: dict[str, Organisation]
) -> None:
    for contract in Contract.objects.filter(generation=2024).order_by("code"):
        for code, theme, title, target, deadline, indicator in COMMITMENTS:
            organisation = organisations[code]
            if Commitment.objects.filter(
                organisation=organisation, contract=contract, title=title
            ).exists():
                continue
            commitment_create(
                user=None,
                values={
                    "organisation": organisation,
                    "contract": contract,
                    "theme": theme,
                    "title": title,
                    "target": target,
                    "deadline": deadline,
                    "indicator": indicator,
                    "is_demo": True,
                },
            )
            report.commitments_added += 1


def seed_organisation_demo() -> OrganisationSeedReport:
    """CONCERTO members, 15 demo délégués, demo commitments; links the demo accounts
    (`demo-delegue`, `demo-partenaire`) when they exist. Needs the contracts imported."""
    report = OrganisationSeedReport()
    with transaction.atomic():
        organisations = _organisations_ensure(report)
        _delegates_ensure(report)
        _commitments_ensure(report, organisations)
        _accounts_link(report, organisations)
    return report


# The name the brief uses.
seed_delegates_demo = seed_organisation_demo
