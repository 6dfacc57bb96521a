"""What the accessibility statement says about the automatic audit (tests/browser/a11y.py,
`make a11y`): the tool, and the findings it still reports, by axe-core rule. The audit test
fails when a page shows a serious or critical violation, or a finding not listed here: the
statement stays true."""

from __future__ import annotations

from dataclasses import dataclass

AXE_CORE_VERSION = "4.14.1"
AUDIT_TOOL = f"axe-core {AXE_CORE_VERSION} (règles WCAG 2.1 A et AA) dans Chromium sans interface"


@dataclass(frozen=True)
class KnownFinding:
    rule: str  # axe-core rule id
    impact: str  # "moderate" or "minor": serious and critical ones are fixed, never listed
    text: str  # what a visitor meets, in French


KNOWN_FINDINGS: tuple[KnownFinding, ...] = ()

# The parameterised pages the audit opens, one real object of the demo each, for every demo
# account (tests/browser/demo_pages.py builds one path per key: the test checks both agree).
AUDITED_DETAIL_PAGES: tuple[tuple[str, str], ...] = (
    ("qpv", "fiche d’un quartier prioritaire (rattaché à deux contrats)"),
    ("commune", "fiche d’une commune"),
    ("epci", "fiche d’un EPCI"),
    ("arrondissement", "fiche d’un arrondissement"),
    ("departement", "fiche du département"),
    ("contract", "fiche d’un contrat de ville (QPV au rattachement incertain)"),
    ("contract_actions", "fiche d’un contrat avec ses actions"),
    ("action_create", "formulaire de nouvelle action"),
    ("action", "fiche d’une action"),
    ("action_edit", "formulaire de modification d’une action"),
    ("milestone_edit", "formulaire de modification d’un jalon"),
    ("scorecard", "tableau de bord des indicateurs d’un contrat"),
    ("indicator", "fiche d’un indicateur"),
    ("choropleth", "carte d’un indicateur"),
    ("measure", "fiche d’une mesure du programme"),
    ("dispositif_edit", "formulaire de modification d’un dispositif"),
    ("delegate", "fiche d’un délégué du préfet"),
    ("delegate_edit", "formulaire d’affectation d’un délégué"),
    ("commitment", "fiche d’un engagement CONCERTO"),
    ("commitment_edit", "formulaire de modification d’un engagement"),
    ("application", "dossier de demande de subvention (association)"),
    ("application_edit", "formulaire de la demande de subvention"),
    ("application_granted", "dossier de subvention accordée (convention, paiements)"),
    ("association", "fiche d’une association"),
    ("georef_job", "suivi d’un géoréférencement de fichier"),
)
