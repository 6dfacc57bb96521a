"""What waits for each role, computed with the access policy (`quartiers.core.access`) and
the funding scopes (`quartiers.grants.selectors`): one list of sections per role.

- préfecture (agent, administrator): applications filed or under instruction, applications
  awaiting a decision (délégué's opinion given, committee), late financial reports (CERFA
  15059), late milestones, contracts still awaiting signatures;
- délégué du préfet: the same on their territory, plus the applications awaiting their opinion;
- association: its applications and their status, the complements asked, the reports due;
- partner: its CONCERTO commitments and the actions it leads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from quartiers.contracts.access import NOWHERE, delegate_actions_q, territory_of
from quartiers.contracts.choices import SignatoryStatus
from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.core.access import Perm, role_of, scope
from quartiers.core.models import Role
from quartiers.grants.access import association_of
from quartiers.grants.choices import GRANTED_STATUSES, ApplicationStatus
from quartiers.grants.models import Application
from quartiers.grants.selectors import reports_late, scope_applications
from quartiers.organisation.models import Commitment

S = ApplicationStatus
# Filed, waiting for the préfecture to instruct them (a complement asked waits for the
# association, not for the préfecture).
TO_INSTRUCT = (S.FILED, S.REVIEW)
# The délégué's opinion is given or the committee is set: the decision is next.
AWAITING_DECISION = (S.DELEGATE_OPINION, S.COMMITTEE)
SHOWN = 10  # entries shown per section; the count and the « voir tout » link give the rest


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    detail: str = ""
    late: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    entries: list[Entry]
    empty: str
    more_url: str = ""
    more_label: str = "Voir tout"

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def shown(self) -> list[Entry]:
        return self.entries[:SHOWN]


@dataclass(frozen=True)
class Worklist:
    role: str
    sections: list[Section] = field(default_factory=list)
    notice: str = ""

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def _application_entry(application: Application, detail: str = "") -> Entry:
    return Entry(
        label=f"{application.reference} — {application.action_title}",
        url=reverse("grants:application_detail", args=[application.uuid]),
        detail=detail or f"{application.association.name} · {application.get_status_display()}",
    )


def _applications(queryset: QuerySet[Application], statuses: tuple[str, ...]) -> list[Entry]:
    rows = (
        queryset.filter(status__in=statuses)
        .select_related("association")
        .order_by("filed_at", "reference")
    )
    return [_application_entry(a) for a in rows]


def _late_reports(queryset: QuerySet[Application], today: date) -> list[Entry]:
    late = sorted(reports_late(today=today, queryset=queryset), key=lambda a: a.report_due_on)
    return [
        _application_entry(
            a,
            f"{a.association.name} · bilan attendu le {a.report_due_on:%d/%m/%Y}",
        )
        for a in late
    ]


def _late_milestones(actions: QuerySet[Action] | None, today: date) -> list[Entry]:
    late = Milestone.objects.late(today=today).select_related("action__contract")
    if actions is not None:
        late = late.filter(action__in=actions)
    return [
        Entry(
            label=f"{m.label} — {m.action.title}",
            url=reverse("contracts:action_detail", args=[m.action_id]),
            detail=f"{m.action.contract.code} · échéance {m.due_on:%d/%m/%Y}",
            late=True,
        )
        for m in late.order_by("due_on", "pk")
    ]


def _contracts_unsigned(contracts: QuerySet[Contract]) -> list[Entry]:
    rows = (
        contracts.annotate(
            pending=Count("signatories", filter=Q(signatories__status=SignatoryStatus.PENDING))
        )
        .filter(pending__gt=0)
        .order_by("code")
    )
    return [
        Entry(
            label=f"{c.name} ({c.code})",
            url=reverse("contracts:contract_detail", args=[c.code]),
            detail=f"{c.pending} signature(s) attendue(s) · {c.get_status_display()}",
        )
        for c in rows
    ]


def _staff_sections(
    *,
    applications: QuerySet[Application],
    actions: QuerySet[Action] | None,
    contracts: QuerySet[Contract],
    today: date,
) -> list[Section]:
    follow_up = reverse("contracts:follow_up") + "?toutes=on"
    grants_list = reverse("grants:application_list")
    rows = [
        ("to_instruct", "Demandes de subvention déposées, à instruire",
         _applications(applications, TO_INSTRUCT),
         "Aucune demande déposée en attente d'instruction.", grants_list),
        ("awaiting_decision", "Demandes en attente de décision",
         _applications(applications, AWAITING_DECISION),
         "Aucune demande en attente de décision.", grants_list),
        ("late_reports", "Comptes rendus financiers en retard",
         _late_reports(applications, today),
         "Aucun compte rendu financier en retard.", reverse("grants:report_list")),
        ("late_milestones", "Jalons en retard", _late_milestones(actions, today),
         "Aucun jalon en retard.", follow_up),
        ("unsigned_contracts", "Contrats en attente de signatures",
         _contracts_unsigned(contracts),
         "Aucun contrat en attente de signature.", reverse("contracts:calendar")),
    ]  # fmt: skip
    return [
        Section(key=key, title=title, entries=entries, empty=empty, more_url=url)
        for key, title, entries, empty, url in rows
    ]


def _prefecture(today: date) -> list[Section]:
    return _staff_sections(
        applications=Application.objects.all(),
        actions=None,
        contracts=Contract.objects.filter(generation=2024),
        today=today,
    )


def _delegate(user: Any, today: date) -> list[Section]:
    territory = territory_of(user) or NOWHERE
    applications = scope_applications(user)
    opinion = [
        _application_entry(a)
        for a in Application.objects.filter(
            pk__in=applications.filter(status=S.REVIEW).values("pk")
        )
        .select_related("association")
        .order_by("filed_at", "reference")
    ]
    own = Section(
        key="awaiting_opinion",
        title="Demandes en attente de votre avis",
        entries=opinion,
        empty="Aucune demande n'attend votre avis.",
        more_url=reverse("grants:application_list"),
    )
    actions = Action.objects.filter(delegate_actions_q(territory=territory))
    return [
        own,
        *_staff_sections(
            applications=Application.objects.filter(pk__in=applications.values("pk")),
            actions=actions,
            contracts=Contract.objects.filter(pk__in=territory.contract_ids),
            today=today,
        ),
    ]


def _association(user: Any, today: date) -> tuple[list[Section], str]:
    association = association_of(user)
    if association is None:
        return [], "Votre compte n'est rattaché à aucune association : contactez la préfecture."
    applications = list(
        association.applications.select_related("call", "association", "financial_report").order_by(
            "-call__year", "reference"
        )
    )
    complements = [a for a in applications if a.status == S.COMPLEMENT]
    due = [
        a
        for a in applications
        if a.status in GRANTED_STATUSES and not hasattr(a, "financial_report")
    ]
    due.sort(key=lambda a: a.report_due_on)
    sections = [
        Section(
            key="my_applications",
            title=f"Les demandes de {association.name}",
            entries=[
                _application_entry(a, f"{a.call.year} · {a.get_status_display()}")
                for a in applications
            ],
            empty="Aucune demande : déposez-en une depuis « Financements ».",
            more_url=reverse("grants:application_list"),
        ),
        Section(
            key="complements",
            title="Compléments demandés par la préfecture",
            entries=[
                _application_entry(a, "Complétez puis déposez à nouveau") for a in complements
            ],
            empty="Aucun complément demandé.",
        ),
        Section(
            key="reports_due",
            title="Comptes rendus financiers à remettre",
            entries=[
                Entry(
                    label=f"{a.reference} — {a.action_title}",
                    url=reverse("grants:application_detail", args=[a.uuid]),
                    detail=f"à remettre avant le {a.report_due_on:%d/%m/%Y}"
                    + (" · en retard" if a.report_due_on < today else ""),
                    late=a.report_due_on < today,
                )
                for a in due
            ],
            empty="Aucun compte rendu financier à remettre.",
        ),
    ]
    return sections, ""


def _partner(user: Any, today: date) -> tuple[list[Section], str]:
    territory = territory_of(user)
    if territory is None or territory.organisation_id is None:
        return [], "Votre compte n'est rattaché à aucun organisme partenaire."
    commitments = scope(user, Perm.EDIT, Commitment.objects.select_related("contract")).order_by(
        "deadline", "contract__code", "title"
    )
    actions = scope(user, Perm.EDIT, Action.objects.select_related("contract")).order_by(
        "contract__code", "title"
    )
    return [
        Section(
            key="commitments",
            title="Vos engagements CONCERTO",
            entries=[
                Entry(
                    label=c.title,
                    url=reverse("organisation:commitment_detail", args=[c.pk]),
                    detail=f"{c.contract.code} · {c.get_status_display()}"
                    + (f" · échéance {c.deadline:%d/%m/%Y}" if c.deadline else ""),
                    late=c.is_overdue(today),
                )
                for c in commitments
            ],
            empty="Aucun engagement CONCERTO.",
            more_url=reverse("organisation:commitment_list")
            + f"?membre={territory.organisation_id}",
        ),
        Section(
            key="led_actions",
            title="Les actions que vous pilotez",
            entries=[
                Entry(
                    label=a.title,
                    url=reverse("contracts:action_detail", args=[a.pk]),
                    detail=f"{a.contract.code} · {a.get_status_display()} · {a.progress} %",
                )
                for a in actions
            ],
            empty="Aucune action pilotée par votre organisme.",
        ),
    ], ""


def worklist_for(user: Any, *, today: date) -> Worklist:
    role = role_of(user)
    if role in {Role.ADMIN, Role.AGENT}:
        return Worklist(role=role, sections=_prefecture(today))
    if role == Role.DELEGATE:
        if territory_of(user) is None or not getattr(user, "delegate_profile", None):
            return Worklist(
                role=role, notice="Aucun territoire n'est encore attribué à votre compte."
            )
        return Worklist(role=role, sections=_delegate(user, today))
    if role == Role.ASSOCIATION:
        sections, notice = _association(user, today)
        return Worklist(role=role, sections=sections, notice=notice)
    if role == Role.PARTNER:
        sections, notice = _partner(user, today)
        return Worklist(role=role, sections=sections, notice=notice)
    return Worklist(
        role=role,
        notice="Votre compte attend qu'un administrateur lui attribue un rôle : rien à traiter "
        "pour l'instant.",
    )
