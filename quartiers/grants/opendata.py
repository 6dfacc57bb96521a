"""Open grant data: the conventions above 23,000 € a year in the SCDL « subventions » v2.1.1
format (Table Schema of OpenDataFrance; décret n° 2017-779 and arrêté du 17 novembre 2017).

One row per convention (annual or multi-year, CPO): ``montant`` is its total over its years,
``dateConvention`` its signature, ``datesPeriodeVersement`` the first and last payment (else
the period of the funded actions). Comma-separated UTF-8 CSV, decimal point, as the schema's
valid example. The grantor's SIRET comes from the settings (SCDL_ATTRIBUANT_SIRET): without it
the file is not published (a SCDL file without ``idAttribuant`` is invalid).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from quartiers.grants.choices import (
    CONVENTION_THRESHOLD,
    AidForm,
    BudgetSide,
    DecisionKind,
    Fund,
)
from quartiers.grants.identifiers import luhn_valid
from quartiers.grants.models import Agreement, Application
from quartiers.grants.services.money import money_sum

SCDL_VERSION = "2.1.1"
SCDL_FIELDS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
NATURE = {AidForm.CASH: "aide en numéraire", AidForm.IN_KIND: "aide en nature"}
DISPOSITIF = {
    Fund.BOP147: "Politique de la ville (programme 147)",
    Fund.FONDS_VERT: "Fonds vert",
}
_RNA = re.compile(r"^W\d{9}$")
_SIRET = re.compile(r"^\d{14}$")


class OpenDataUnavailable(Exception):
    """The file cannot be published (French reason)."""


@dataclass(frozen=True)
class Grantor:
    name: str
    siret: str


def scdl_grantor() -> Grantor:
    siret = (settings.SCDL_ATTRIBUANT_SIRET or "").replace(" ", "")
    if not _SIRET.match(siret) or not luhn_valid(siret):
        raise OpenDataUnavailable(
            "Le SIRET de l'autorité qui attribue les subventions n'est pas renseigné ou pas "
            "valide (réglage SCDL_ATTRIBUANT_SIRET : 14 chiffres, clé de Luhn valide) : le "
            "fichier au format SCDL ne peut pas être publié sans lui."
        )
    name = settings.SCDL_ATTRIBUANT_NAME or "État — préfecture de département"
    return Grantor(name=name, siret=siret)


def _agreements() -> list[tuple[Agreement, list[Application]]]:
    """Conventions (annual or CPO) whose annual amount exceeds the threshold, signed."""
    agreements = (
        Agreement.objects.filter(kind__in=[DecisionKind.CONVENTION, DecisionKind.CPO])
        .select_related("association")
        .prefetch_related("tranches", "applications__payments", "applications__budget_lines")
        .order_by("signed_on", "reference")
    )
    result = []
    for agreement in agreements:
        annual = [t.planned_amount for t in agreement.tranches.all()]
        if not annual or max(annual) <= CONVENTION_THRESHOLD:
            continue
        applications = sorted(agreement.applications.all(), key=lambda a: (a.starts_on, a.pk))
        if applications:
            result.append((agreement, applications))
    return result


def _ratio(first: Application) -> Decimal:
    """Share of the action's cost the grant covers, within the schema's bounds [0.01, 1]."""
    cost = money_sum(
        line.amount for line in first.budget_lines.all() if line.side == BudgetSide.EXPENSE
    )
    if not cost or not first.amount_granted:
        return Decimal(1)
    ratio = (first.amount_granted / cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(max(ratio, Decimal("0.01")), Decimal(1))


def _period(applications: list[Application]) -> tuple[str, bool]:
    """(« début/fin » of the payments, else of the actions; several payments?)."""
    paid = sorted(p.paid_on for a in applications for p in a.payments.all())
    if paid:
        start, end = paid[0], paid[-1]
    else:
        start = min(a.starts_on for a in applications)
        end = max(a.ends_on for a in applications)
    text = start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
    return text, len(paid) > 1


def scdl_rows() -> list[dict[str, str]]:
    grantor = scdl_grantor()
    rows = []
    for agreement, applications in _agreements():
        first = applications[0]
        association = agreement.association
        period, several = _period(applications)
        total = money_sum(t.planned_amount for t in agreement.tranches.all())
        rows.append(
            {
                "nomAttribuant": grantor.name,
                "idAttribuant": grantor.siret,
                "dateConvention": agreement.signed_on.isoformat(),
                "referenceDecision": agreement.reference,
                "nomBeneficiaire": association.name,
                "idBeneficiaire": association.siret if _SIRET.match(association.siret) else "",
                "rnaBeneficiaire": association.rna_number
                if _RNA.match(association.rna_number or "")
                else "",
                "objet": first.action_title[:256],
                "montant": f"{total:.2f}",
                "nature": NATURE.get(first.aid_form, NATURE[AidForm.CASH]),
                "conditionsVersement": "échelonné"
                if agreement.kind == DecisionKind.CPO or several
                else "unique",
                "datesPeriodeVersement": period,
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": f"{_ratio(first)}",
                "dispositifAide": DISPOSITIF.get(first.fund, ""),
            }
        )
    return rows


def scdl_csv() -> str:
    """The file (UTF-8, comma, header of the 16 SCDL fields in the schema's order)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCDL_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(scdl_rows())
    return buffer.getvalue()


def scdl_filename() -> str:
    return f"subventions-scdl-{SCDL_VERSION}.csv"
