"""Choice lists of the funding domain (stable codes, French labels) and the workflow rules."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

# Décret n° 2001-495 du 6 juin 2001 (art. 1) : above this annual amount a convention is
# mandatory; below it an arrêté attributif is enough. Applied from 23 000 € included (as the
# issue asks; the decree says « dépasse », so exactly 23 000 € is treated conservatively).
CONVENTION_THRESHOLD = Decimal("23000.00")
MULTI_YEAR_TARGET = Decimal("0.50")  # share of credits under a CPO (national target)
FONDS_VERT_QPV_TARGET = Decimal("0.15")  # share of the Fonds vert credits spent in QPV
# At most this share of the BOP 147 envelope may fund actions outside QPV (circular).
BOP147_OUTSIDE_QPV_MAX = Decimal("0.025")
REPORT_DELAY_MONTHS = 6  # CERFA 15059 due 6 months after the end of the funded year


class ApplicationStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon (non déposée)"
    FILED = "deposee", "Déposée"
    COMPLEMENT = "complements", "Compléments demandés"
    REVIEW = "instruction", "En instruction"
    DELEGATE_OPINION = "avis_delegue", "Avis du délégué du préfet"
    COMMITTEE = "comite", "Comité de programmation"
    GRANTED = "accordee", "Accordée"
    REFUSED = "refusee", "Refusée"
    AGREED = "conventionnee", "Conventionnée"
    PAID = "payee", "Payée"
    REPORTED = "bilan_recu", "Bilan reçu"


S = ApplicationStatus
# Legal transitions; anything else is refused with a French message.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.FILED,),
    # Before the committee the préfecture may ask for complements (the association completes
    # its file and files it again) or refuse, with a reason notified to the association.
    S.FILED: (S.REVIEW, S.COMPLEMENT, S.REFUSED),
    S.COMPLEMENT: (S.FILED,),
    S.REVIEW: (S.DELEGATE_OPINION, S.COMPLEMENT, S.REFUSED),
    S.DELEGATE_OPINION: (S.COMMITTEE, S.REFUSED),
    S.COMMITTEE: (S.GRANTED, S.REFUSED),
    S.GRANTED: (S.AGREED,),
    S.REFUSED: (),
    S.AGREED: (S.PAID,),
    S.PAID: (S.REPORTED,),
    S.REPORTED: (),
}
# Statuses in which the State's money is decided (programmed), legally committed, etc.
GRANTED_STATUSES = (S.GRANTED, S.AGREED, S.PAID, S.REPORTED)
COMMITTED_STATUSES = (S.AGREED, S.PAID, S.REPORTED)
# An association edits its application before it is filed, and when complements are asked.
ASSOCIATION_EDITABLE = (S.DRAFT, S.COMPLEMENT)


class AidForm(models.TextChoices):
    CASH = "numeraire", "Subvention en numéraire"
    IN_KIND = "nature", "Aide en nature"


class RequestKind(models.TextChoices):
    FIRST = "premiere", "Première demande"
    RENEWAL = "renouvellement", "Renouvellement"


class ObjectKind(models.TextChoices):
    OPERATION = "fonctionnement", "Fonctionnement global"
    ACTION = "action", "Projet – action spécifique"


class PeriodKind(models.TextChoices):
    ANNUAL = "annuelle", "Annuelle"
    MULTI_YEAR = "pluriannuelle", "Pluriannuelle"


class Fund(models.TextChoices):
    BOP147 = "bop147", "BOP 147 — politique de la ville"
    FONDS_VERT = "fonds_vert", "Fonds vert"


class Funder(models.TextChoices):
    """Funders of account 74 « subventions d'exploitation » of the CERFA budget."""

    STATE_BOP147 = "etat_bop147", "État — politique de la ville (BOP 147)"
    STATE_FONDS_VERT = "etat_fonds_vert", "État — Fonds vert"
    STATE_OTHER = "etat_autre", "État — autres crédits"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune(s)"
    CAF = "caf", "CAF"
    OTHER_PUBLIC = "autre_public", "Autres organismes publics"
    PRIVATE = "prive", "Fonds privés, fondations"


FUND_FUNDER = {Fund.BOP147: Funder.STATE_BOP147, Fund.FONDS_VERT: Funder.STATE_FONDS_VERT}
STATE_FUNDERS = (Funder.STATE_BOP147, Funder.STATE_FONDS_VERT, Funder.STATE_OTHER)


class BudgetSide(models.TextChoices):
    EXPENSE = "charge", "Charge (dépense)"
    INCOME = "produit", "Produit (recette)"


class BudgetAccount(models.TextChoices):
    """Account groups of the CERFA 12156 provisional budget."""

    A60 = "60", "60 — Achats"
    A61 = "61", "61 — Services extérieurs"
    A62 = "62", "62 — Autres services extérieurs"
    A63 = "63", "63 — Impôts et taxes"
    A64 = "64", "64 — Charges de personnel"
    A65 = "65", "65 — Autres charges de gestion courante"
    A86 = "86", "86 — Contributions volontaires en nature (emplois)"
    A70 = "70", "70 — Ventes, prestations de services"
    A74 = "74", "74 — Subventions d'exploitation"
    A75 = "75", "75 — Autres produits de gestion courante"
    A87 = "87", "87 — Contributions volontaires en nature (ressources)"


EXPENSE_ACCOUNTS = ("60", "61", "62", "63", "64", "65", "86")
INCOME_ACCOUNTS = ("70", "74", "75", "87")


class DelegateOpinion(models.TextChoices):
    FAVOURABLE = "favorable", "Favorable"
    RESERVED = "reserve", "Favorable avec réserves"
    UNFAVOURABLE = "defavorable", "Défavorable"


class DecisionKind(models.TextChoices):
    ORDER = "arrete", "Arrêté attributif"
    CONVENTION = "convention", "Convention annuelle"
    CPO = "cpo", "Convention pluriannuelle d'objectifs (CPO)"


class PaymentKind(models.TextChoices):
    ADVANCE = "avance", "Avance"
    BALANCE = "solde", "Solde"


class QpvLocation(models.TextChoices):
    UNKNOWN = "inconnu", "Non localisée"
    IN = "en_qpv", "En QPV"
    OUT = "hors_qpv", "Hors QPV"
    UNCERTAIN = "incertain", "Incertain"


class LocationSource(models.TextChoices):
    """Where an association's position comes from: typed in, or its address geocoded."""

    MANUAL = "saisie", "Coordonnées saisies"
    GEOCODED = "geocodage", "Adresse géocodée"


class DocumentKind(models.TextChoices):
    STATUTES = "statuts", "Statuts"
    RIB = "rib", "Relevé d'identité bancaire"
    ACCOUNTS = "comptes", "Derniers comptes approuvés"
    REPORT = "rapport", "Rapport d'activité"
    OTHER = "autre", "Autre pièce"
