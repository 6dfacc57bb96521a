"""Choice lists of the contracts domain (values are stable codes, labels are French)."""

from __future__ import annotations

from django.db import models


class ContractStatus(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    SIGNED = "signed", "Signé"
    AMENDED = "amended", "Avenant(s) signé(s)"
    EVALUATED = "evaluated", "Évalué"
    # The 2015–2023 generation: history, ended by the law (never « en préparation »).
    ENDED = "ended", "Terminé"


# Legal transitions of the workflow en préparation → signé → avenant(s) → évalué.
# An amended contract may get further amendments; a signed one may be evaluated directly.
CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.PREPARATION: {ContractStatus.SIGNED},
    ContractStatus.SIGNED: {ContractStatus.AMENDED, ContractStatus.EVALUATED},
    ContractStatus.AMENDED: {ContractStatus.AMENDED, ContractStatus.EVALUATED},
    ContractStatus.EVALUATED: set(),
    ContractStatus.ENDED: set(),
}
# The generation whose contracts are all ended (contrats de ville 2015–2023, history).
ENDED_GENERATION = 2015


class CarrierKind(models.TextChoices):
    EPCI = "EPCI", "EPCI"
    COMMUNE = "commune", "Commune"


class Theme(models.TextChoices):
    EMPLOYMENT = "emploi", "Emploi et développement économique"
    EDUCATION = "education", "Éducation"
    HEALTH = "sante", "Santé"
    ECOLOGY = "transition", "Transition écologique"
    LIVING = "cadre_de_vie", "Cadre de vie et renouvellement urbain"
    SECURITY = "tranquillite", "Tranquillité publique et prévention de la délinquance"
    CITIZENSHIP = "citoyennete", "Citoyenneté, culture, sport et participation des habitants"
    # Cross-cutting themes: every contract carries them (press kit, édito).
    EQUALITY = "egalite_fh", "Égalité entre les femmes et les hommes"
    DISCRIMINATION = "discriminations", "Lutte contre les discriminations"


TRANSVERSAL_THEMES = (Theme.EQUALITY, Theme.DISCRIMINATION)
# The four axes the press kit names for every contract (« emploi, éducation, transition
# écologique, santé ») plus the living environment.
DEFAULT_THEMES = (
    Theme.EMPLOYMENT,
    Theme.EDUCATION,
    Theme.HEALTH,
    Theme.ECOLOGY,
    Theme.LIVING,
    *TRANSVERSAL_THEMES,
)


class LinkStatus(models.TextChoices):
    CERTAIN = "certain", "Rattachement établi"
    UNCERTAIN = "uncertain", "Rattachement incertain (plusieurs contrats possibles)"


class SignatoryCategory(models.TextChoices):
    STATE = "etat", "État"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    ARS = "ars", "ARS"
    CPAM = "cpam", "CPAM"
    CAF = "caf", "CAF"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    PROSECUTOR = "procureur", "Procureur de la République"
    SOCIAL_LANDLORD = "bailleur", "Bailleur social"
    BPIFRANCE = "bpifrance", "Bpifrance"
    BANQUE_TERRITOIRES = "banque_territoires", "Banque des Territoires"


class SignatoryStatus(models.TextChoices):
    PENDING = "pending", "À signer"
    SIGNED = "signed", "Signé"
    REFUSED = "refused", "Refusé"


class ActionStatus(models.TextChoices):
    TO_START = "to_start", "À lancer"
    IN_PROGRESS = "in_progress", "En cours"
    LATE = "late", "En retard"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"


MAX_PRIORITY_ACTIONS = 3
