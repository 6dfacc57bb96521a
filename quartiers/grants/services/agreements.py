"""Decisions (arrêté / convention / CPO), CPO yearly renewals, payments, financial reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.db import transaction

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record
from quartiers.grants.access import owner_require
from quartiers.grants.choices import (
    CONVENTION_THRESHOLD,
    ApplicationStatus,
    DecisionKind,
    PaymentKind,
    PeriodKind,
    RequestKind,
)
from quartiers.grants.models import (
    Agreement,
    Application,
    BudgetLine,
    CallForProjects,
    FinancialReport,
    Payment,
    Tranche,
)
from quartiers.grants.services.applications import CONTENT_FIELDS, reference_next
from quartiers.grants.services.errors import GrantRefused
from quartiers.grants.services.money import euros
from quartiers.grants.services.workflow import application_transition

S = ApplicationStatus
CPO_YEARS = (2, 3, 4)  # a CPO covers 2 to 4 years


def decision_kind_check(*, amount: Decimal, kind: str) -> None:
    """From 23 000 € a convention is mandatory (décret n° 2001-495 du 6 juin 2001)."""
    if kind == DecisionKind.ORDER and amount >= CONVENTION_THRESHOLD:
        raise GrantRefused(
            f"Une convention est obligatoire : le montant accordé ({euros(amount)}) atteint le "
            f"seuil de {euros(CONVENTION_THRESHOLD)} (décret n° 2001-495 du 6 juin 2001). "
            "Un arrêté attributif ne suffit pas : choisissez une convention ou une CPO."
        )


def agreement_sign(
    *,
    application: Application,
    kind: str,
    reference: str,
    signed_on: date,
    user: Any,
    years: int = 1,
    tranche_amounts: list[Decimal] | None = None,
) -> Agreement:
    """Sign the act of a granted application (year 1 of a CPO); status → conventionnée."""
    access_require(user, Perm.EDIT, Agreement)  # no rule for agreements: préfecture only
    if application.status != S.GRANTED:
        raise GrantRefused("Seule une demande accordée peut être conventionnée.")
    amount = cast(Decimal, application.amount_granted)  # set on every granted application
    decision_kind_check(amount=amount, kind=kind)
    if kind == DecisionKind.CPO:
        if years not in CPO_YEARS:
            raise GrantRefused("Une convention pluriannuelle d'objectifs couvre 2 à 4 ans.")
    else:
        years = 1
    amounts = list(tranche_amounts or [amount] * years)
    if len(amounts) != years or amounts[0] != amount:
        raise GrantRefused(
            f"La CPO doit prévoir {years} tranches annuelles, la première égale au montant "
            f"accordé ({euros(amount)})."
        )
    if Agreement.objects.filter(reference=reference).exists():
        raise GrantRefused(f"La référence {reference} est déjà utilisée par un autre acte.")
    with transaction.atomic():
        agreement = Agreement.objects.create(
            association=application.association,
            kind=kind,
            reference=reference,
            first_year=application.year,
            last_year=application.year + years - 1,
            signed_on=signed_on,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        for rank, planned in enumerate(amounts, start=1):
            Tranche.objects.create(
                agreement=agreement,
                rank=rank,
                year=application.year + rank - 1,
                planned_amount=planned,
                application=application if rank == 1 else None,
            )
        application.agreement = agreement
        application.save(update_fields=["agreement"])
        audit_record(obj=agreement, user=user, action=AuditAction.CREATE)
        application_transition(
            application=application,
            to_status=S.AGREED,
            user=user,
            note=f"{agreement} signé(e) le {signed_on:%d/%m/%Y}",
        )
    return agreement


def tranche_next(*, agreement: Agreement) -> Tranche | None:
    return agreement.tranches.filter(application__isnull=True).order_by("rank").first()


def application_renew(*, agreement: Agreement, user: Any) -> Application:
    """Year k of a CPO: a copy of the previous year's application (content and budget), as a
    draft the association reviews and files — no need to fill the whole CERFA again."""
    for year in agreement.tranches.exclude(application=None).select_related("application")[:1]:
        owner_require(user, cast(Application, year.application))  # application is set
    if not agreement.is_multi_year:
        raise GrantRefused(
            "Seule une convention pluriannuelle (CPO) se renouvelle d'une année sur l'autre."
        )
    tranche = tranche_next(agreement=agreement)
    if tranche is None:
        raise GrantRefused(f"Toutes les années de la {agreement} ont déjà une demande.")
    previous = agreement.tranches.get(rank=tranche.rank - 1).application
    if previous is None or previous.status not in (S.AGREED, S.PAID, S.REPORTED):
        raise GrantRefused(
            f"L'année {tranche.rank - 1} de la CPO doit être conventionnée avant le renouvellement."
        )
    call = CallForProjects.objects.filter(
        contract=previous.call.contract, year=tranche.year
    ).first()
    if call is None:
        raise GrantRefused(
            f"Aucun appel à projets {tranche.year} n'est ouvert pour le contrat "
            f"{previous.call.contract.code} : créez-le avant de renouveler la CPO."
        )
    with transaction.atomic():
        values = {name: getattr(previous, name) for name in CONTENT_FIELDS}
        values.update(
            request_kind=RequestKind.RENEWAL,
            period_kind=PeriodKind.MULTI_YEAR,
            starts_on=previous.starts_on.replace(year=tranche.year),
            ends_on=previous.ends_on.replace(year=tranche.year),
        )
        application = Application.objects.create(
            association=previous.association,
            call=call,
            reference=reference_next(call=call),
            agreement=agreement,
            renewal_of=previous,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            **values,
        )
        application.qpvs.set(previous.qpvs.all())
        BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                side=line.side,
                account=line.account,
                funder=line.funder,
                label=line.label,
                amount=line.amount,
            )
            for line in previous.budget_lines.all()
        )
        tranche.application = application
        tranche.save(update_fields=["application"])
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.CREATE,
            note=f"Renouvellement de l'année {tranche.rank} de la {agreement}",
        )
    return application


def tranche_confirm(*, application: Application, signed_on: date, user: Any) -> Application:
    """A granted CPO renewal joins its agreement's tranche (no new convention); → conventionnée."""
    access_require(user, Perm.EDIT, Agreement)  # préfecture only
    tranche = getattr(application, "tranche", None)
    if application.agreement_id is None or tranche is None:
        raise GrantRefused("Cette demande n'est pas une année de CPO : signez un acte attributif.")
    if application.amount_granted != tranche.planned_amount:
        note = (
            f"Montant de l'année {tranche.rank} ajusté : {euros(tranche.planned_amount)} prévu, "
            f"{euros(application.amount_granted)} accordé."
        )
        tranche.planned_amount = application.amount_granted
        tranche.save(update_fields=["planned_amount"])
    else:
        note = f"Année {tranche.rank} de la {application.agreement}"
    return application_transition(
        application=application,
        to_status=S.AGREED,
        user=user,
        note=f"{note} — confirmée le {signed_on:%d/%m/%Y}",
    )


def payment_add(
    *, application: Application, kind: str, amount: Decimal, paid_on: date, user: Any
) -> Payment:
    """An advance, then the balance; the balance completes the amount granted (→ payée)."""
    access_require(user, Perm.EDIT, Agreement)  # préfecture only
    if application.status != S.AGREED:
        raise GrantRefused("Un paiement ne s'enregistre que sur une demande conventionnée.")
    if amount <= 0:
        raise GrantRefused("Le montant d'un paiement doit être positif.")
    paid = application.amount_paid
    granted = cast(Decimal, application.amount_granted)  # set on every agreed application
    rest = granted - paid
    if kind == PaymentKind.ADVANCE:
        if application.payments.exists():
            raise GrantRefused("L'avance a déjà été versée : enregistrez le solde.")
        if amount >= granted:
            raise GrantRefused(
                "Une avance est inférieure au montant accordé ; pour tout verser, "
                "enregistrez le solde."
            )
    elif amount != rest:
        raise GrantRefused(
            f"Le solde doit égaler le reste à payer : {euros(rest)} "
            f"(accordé {euros(application.amount_granted)}, déjà payé {euros(paid)})."
        )
    with transaction.atomic():
        payment = Payment.objects.create(
            application=application,
            kind=kind,
            amount=amount,
            paid_on=paid_on,
            by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "payments": {
                    "label": "paiements",
                    "before": euros(paid),
                    "after": euros(paid + amount),
                }
            },
            note=str(payment),
        )
        if kind == PaymentKind.BALANCE:
            application_transition(
                application=application, to_status=S.PAID, user=user, note=str(payment)
            )
    return payment


def report_receive(
    *,
    application: Application,
    received_on: date,
    expenses_realised: Decimal,
    user: Any,
    comment: str = "",
) -> FinancialReport:
    """The CERFA 15059 financial report of the funded year (→ bilan reçu)."""
    access_require(user, Perm.EDIT, Agreement)  # préfecture only
    if application.status != S.PAID:
        raise GrantRefused("Le compte rendu financier se reçoit après le paiement du solde.")
    with transaction.atomic():
        report = FinancialReport.objects.create(
            application=application,
            received_on=received_on,
            expenses_realised=expenses_realised,
            comment=comment,
            by=user if getattr(user, "is_authenticated", False) else None,
        )
        late = received_on > application.report_due_on
        note = f"Compte rendu financier reçu le {received_on:%d/%m/%Y}" + (
            f" (en retard : attendu le {application.report_due_on:%d/%m/%Y})" if late else ""
        )
        application_transition(application=application, to_status=S.REPORTED, user=user, note=note)
    return report
