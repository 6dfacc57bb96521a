"""Applications (CERFA 12156): create, edit while a draft, budget lines, documents, checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from quartiers.contracts.services.documents import DocumentRefused, document_check
from quartiers.core.audit import AuditAction, audit_diff, audit_record, audit_snapshot
from quartiers.grants.access import content_require, creation_require, owner_require
from quartiers.grants.choices import (
    EXPENSE_ACCOUNTS,
    FUND_FUNDER,
    INCOME_ACCOUNTS,
    BudgetSide,
    Fund,
)
from quartiers.grants.models import (
    Application,
    ApplicationDocument,
    Association,
    BudgetLine,
    CallForProjects,
)
from quartiers.grants.services.errors import GrantRefused
from quartiers.grants.services.money import euros

# CERFA 12156 section 3: the association's budget and human resources (ETPT: équivalent temps
# plein travaillé).
CERFA_ASSOCIATION_FIELDS = (
    "association_budget",
    "staff_members",
    "staff_volunteers",
    "staff_civic_volunteers",
    "staff_employees",
    "staff_fte",
)
CONTENT_FIELDS = (
    "aid_form",
    "request_kind",
    "object_kind",
    "period_kind",
    "fund",
    "action_title",
    "action_description",
    "objectives",
    "target_public",
    "theme",
    "starts_on",
    "ends_on",
    *CERFA_ASSOCIATION_FIELDS,
)
# What filing requires of section 3 of the CERFA (the others may be « 0 » but not empty).
CERFA_REQUIRED = ("association_budget", "staff_volunteers", "staff_employees", "staff_fte")


def action_dates_default(*, year: int) -> tuple[date, date]:
    """The action runs over the calendar year by default."""
    return date(year, 1, 1), date(year, 12, 31)


def reference_next(*, call: CallForProjects) -> str:
    prefix = f"{call.year}-{call.contract.code}-"
    taken = Application.objects.filter(reference__startswith=prefix).count()
    number = taken + 1
    while Application.objects.filter(reference=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


def _dates_check(values: dict[str, Any], year: int) -> None:
    default_start, default_end = action_dates_default(year=year)
    values["starts_on"] = values.get("starts_on") or default_start
    values["ends_on"] = values.get("ends_on") or default_end
    if values["ends_on"] < values["starts_on"]:
        raise GrantRefused("La date de fin de l'action précède sa date de début.")


def application_create(
    *, association: Association, call: CallForProjects, values: dict[str, Any], user: Any
) -> Application:
    """A draft application; the association completes its budget, then files it."""
    values = dict(values)
    qpvs = values.pop("qpvs", [])
    creation_require(user, Application(association=association, call=call), {q.pk for q in qpvs})
    _dates_check(values, call.year)
    with transaction.atomic():
        application = Application.objects.create(
            association=association,
            call=call,
            reference=reference_next(call=call),
            created_by=user if getattr(user, "is_authenticated", False) else None,
            **{k: values[k] for k in CONTENT_FIELDS if k in values},
        )
        application.qpvs.set(qpvs)
        audit_record(obj=application, user=user, action=AuditAction.CREATE)
    return application


def application_update(
    *, application: Application, values: dict[str, Any], user: Any
) -> Application:
    content_require(user, application)
    values = dict(values)
    qpvs = values.pop("qpvs", None)
    _dates_check(values, application.call.year)
    before = audit_snapshot(obj=application, fields=CONTENT_FIELDS)
    before["qpvs"] = sorted(q.code for q in application.qpvs.all())
    for name in CONTENT_FIELDS:
        if name in values:
            setattr(application, name, values[name])
    with transaction.atomic():
        application.save()
        if qpvs is not None:
            application.qpvs.set(qpvs)
        after = audit_snapshot(obj=application, fields=CONTENT_FIELDS)
        after["qpvs"] = sorted(q.code for q in application.qpvs.all())
        changes = audit_diff(before=before, after=after, model=Application)
        if changes:
            audit_record(obj=application, user=user, action=AuditAction.UPDATE, changes=changes)
    return application


def budget_line_add(
    *,
    application: Application,
    side: str,
    account: str,
    label: str,
    amount: Decimal,
    user: Any,
    funder: str = "",
) -> BudgetLine:
    content_require(user, application)
    if amount <= 0:
        raise GrantRefused("Le montant d'une ligne de budget doit être positif.")
    accounts = EXPENSE_ACCOUNTS if side == BudgetSide.EXPENSE else INCOME_ACCOUNTS
    if account not in accounts:
        raise GrantRefused(
            f"Le compte {account} n'est pas un compte de "
            f"{'charges' if side == BudgetSide.EXPENSE else 'produits'} du budget CERFA."
        )
    if account == "74" and not funder:
        raise GrantRefused("Une subvention (compte 74) doit nommer son financeur.")
    if account != "74":
        funder = ""
    with transaction.atomic():
        line = BudgetLine.objects.create(
            application=application,
            side=side,
            account=account,
            funder=funder,
            label=label.strip(),
            amount=amount,
        )
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "budget": {"label": "budget prévisionnel", "before": None, "after": str(line)}
            },
        )
    return line


def budget_line_delete(*, line: BudgetLine, user: Any) -> None:
    content_require(user, line.application)
    with transaction.atomic():
        audit_record(
            obj=line.application,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "budget": {"label": "budget prévisionnel", "before": str(line), "after": None}
            },
        )
        line.delete()


def budget_problems(*, application: Application) -> list[str]:
    """What prevents filing, in French (empty: the application can be filed)."""
    problems = []
    expenses, income = application.expenses_total, application.income_total
    if not expenses:
        problems.append("Le budget prévisionnel ne compte aucune charge.")
    if expenses != income:
        gap = expenses - income
        problems.append(
            f"Le budget prévisionnel n'est pas équilibré : charges {euros(expenses)}, "
            f"produits {euros(income)} (écart {euros(abs(gap))}, "
            f"{'produits insuffisants' if gap > 0 else 'produits en trop'}). "
            "Le total des charges doit égaler le total des produits."
        )
    if not application.amount_requested:
        funder = FUND_FUNDER[Fund(application.fund)]
        problems.append(
            f"Aucun montant n'est demandé à l'État : ajoutez une ligne 74 « {funder.label} »."
        )
    missing = [
        str(getattr(Application._meta.get_field(name), "verbose_name", name))
        for name in CERFA_REQUIRED
        if getattr(application, name) is None
    ]
    if missing:
        problems.append(
            "Renseignez les moyens de l'association (CERFA 12156, fiche 3) : "
            + ", ".join(missing)
            + " (0 si aucun)."
        )
    return problems


def document_add(
    *, application: Application, kind: str, title: str, uploaded: UploadedFile[Any], user: Any
) -> ApplicationDocument:
    """A PDF (checked by content and size, as contract documents are)."""
    owner_require(user, application)
    try:
        sha256 = document_check(uploaded=uploaded)
    except DocumentRefused as exc:
        raise GrantRefused(str(exc)) from exc
    name = cast(str, uploaded.name)  # a .pdf name (document_check)
    with transaction.atomic():
        document = ApplicationDocument(
            application=application,
            kind=kind,
            title=title.strip() or name,
            size=cast(int, uploaded.size),
            sha256=sha256,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        document.file.save(name, uploaded, save=False)
        document.save()
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.UPDATE,
            changes={"documents": {"label": "pièces", "before": None, "after": document.title}},
        )
    return document
