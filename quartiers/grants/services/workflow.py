"""The application workflow: déposée → en instruction → avis du délégué → comité → accordée /
refusée → conventionnée → payée → bilan reçu. Every step is dated, attributed and audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from quartiers.core.audit import AuditAction, audit_record
from quartiers.grants.access import transition_require
from quartiers.grants.choices import TRANSITIONS, ApplicationStatus, DelegateOpinion
from quartiers.grants.models import Application, StatusChange
from quartiers.grants.services.applications import budget_problems
from quartiers.grants.services.errors import GrantRefused
from quartiers.grants.services.money import euros
from quartiers.grants.services.notifications import application_status_notify

S = ApplicationStatus


def transition_check(*, application: Application, to_status: str) -> None:
    current = S(application.status)
    target = S(to_status)
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(f"« {S(s).label} »" for s in TRANSITIONS[current]) or "aucune"
        raise GrantRefused(
            f"Transition interdite : une demande « {current.label} » ne peut pas passer à "
            f"« {target.label} » (étape(s) suivante(s) possible(s) : {allowed})."
        )


def late_reports_of(*, association_id: int, today: date) -> list[Application]:
    from quartiers.grants.selectors import reports_late

    return [a for a in reports_late(today=today) if a.association_id == association_id]


def _attestation_apply(application: Application, data: dict[str, Any]) -> None:
    """The CERFA's attestation sur l'honneur, signed by the legal representative on filing."""
    name = (data.get("attestation_name") or "").strip()
    if not data.get("attestation") or not name:
        raise GrantRefused(
            "Le représentant légal de l'association doit signer l'attestation sur l'honneur "
            "(cochez-la et indiquez son nom) pour déposer la demande."
        )
    application.attestation_name = name
    application.attestation_role = (data.get("attestation_role") or "").strip()
    application.attestation_at = timezone.now()


def _step_apply(application: Application, target: S, data: dict[str, Any], today: date) -> None:
    """Check and set what each step requires (French messages)."""
    if target == S.FILED:
        problems = budget_problems(application=application)
        if problems:
            raise GrantRefused(" ".join(problems))
        _attestation_apply(application, data)
        application.filed_at = timezone.now()
        application.complement_request = ""
        late = late_reports_of(association_id=application.association_id, today=today)
        application.late_report_flag = "; ".join(
            f"{a.reference} (bilan attendu le {a.report_due_on:%d/%m/%Y})" for a in late
        )
    elif target == S.COMPLEMENT:
        request = (data.get("complement_request") or "").strip()
        if not request:
            raise GrantRefused(
                "Indiquez les compléments demandés : le message est envoyé à l'association."
            )
        application.complement_request = request
    elif target == S.DELEGATE_OPINION:
        opinion = data.get("opinion") or ""
        if opinion not in DelegateOpinion.values:
            raise GrantRefused(
                "Indiquez l'avis du délégué du préfet (favorable, réserves, défavorable)."
            )
        application.delegate_opinion = opinion
        application.delegate_comment = data.get("note", "")
    elif target == S.COMMITTEE:
        application.committee_on = data.get("committee_on") or today
    elif target == S.GRANTED:
        amount = data.get("amount_granted")
        if amount is None or Decimal(amount) <= 0:
            raise GrantRefused(
                "Indiquez le montant accordé (en euros) pour accorder la subvention."
            )
        requested = application.amount_requested
        if Decimal(amount) > requested:
            raise GrantRefused(
                f"Le montant accordé ({euros(Decimal(amount))}) dépasse le montant demandé à "
                f"l'État ({euros(requested)})."
            )
        application.amount_granted = Decimal(amount)
    elif target == S.REFUSED:
        reason = (data.get("refusal_reason") or "").strip()
        if not reason:
            raise GrantRefused("Indiquez le motif du refus : il est notifié à l'association.")
        application.refusal_reason = reason


def application_transition(
    *, application: Application, to_status: str, user: Any, today: date | None = None, **data: Any
) -> Application:
    """Move the application one legal step forward, or raise GrantRefused (French)."""
    transition_require(user, application, to_status)
    today = today or timezone.localdate()
    transition_check(application=application, to_status=to_status)
    target = S(to_status)
    previous = S(application.status)
    with transaction.atomic():
        _step_apply(application, target, data, today)
        application.status = target
        application.save()
        note = str(
            data.get("complement_request") or data.get("note") or data.get("refusal_reason") or ""
        )
        if target == S.GRANTED:
            note = f"Montant accordé : {euros(application.amount_granted)}. {note}".strip()
        StatusChange.objects.create(
            application=application,
            from_status=previous,
            to_status=target,
            by=user if getattr(user, "is_authenticated", False) else None,
            note=note,
        )
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.TRANSITION,
            changes={
                "status": {"label": "statut", "before": previous.label, "after": target.label}
            },
            note=note,
        )
        transaction.on_commit(
            lambda: application_status_notify(application=application, previous=previous)
        )
    return application
