"""/api/actions: the contracts' actions (priority and ordinary), public fields only — title,
objective, theme, status, progress, leading organisation, milestones' due and done dates.
Never the project lead's name or e-mail, the follow-up notes, the budget nor the audit trail
(docs/roles.md: internal follow-up)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from quartiers.api.pagination import PageParams, not_found, page_of
from quartiers.api.schemas import ContractTheme, Error
from quartiers.contracts.choices import ActionStatus
from quartiers.contracts.models import Action

router = Router(tags=["Actions des contrats"])


class MilestoneOut(Schema):
    libelle: str
    echeance: dt.date
    realise_le: dt.date | None


class ActionItem(Schema):
    id: int
    contrat: str
    titre: str
    objectif: str
    theme: str
    theme_libelle: str
    prioritaire: bool
    rang: int | None = Field(description="Rang de priorité (1 à 3), null sinon.")
    organisme: str = Field(description="Organisme du chef de projet.")
    statut: str
    statut_libelle: str
    avancement: int = Field(description="Avancement en %.")
    qpv: list[str]
    jalons: list[MilestoneOut]


class ActionPage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[ActionItem]


class ActionFilters(PageParams):
    contrat: str | None = Field(None, max_length=10, description="Code du contrat de ville.")
    theme: ContractTheme | None = None
    statut: ActionStatus | None = None
    prioritaire: bool | None = Field(None, description="true : actions prioritaires seulement.")
    qpv: str | None = Field(None, max_length=10, description="Actions concernant ce QPV.")
    commune: str | None = Field(None, max_length=5, description="Actions d'un QPV de la commune.")


def _actions():
    return Action.objects.select_related("contract").prefetch_related("qpvs", "milestones")


def _item(a: Action) -> dict:
    return {
        "id": a.pk,
        "contrat": a.contract.code,
        "titre": a.title,
        "objectif": a.objective,
        "theme": a.theme,
        "theme_libelle": a.get_theme_display(),
        "prioritaire": a.is_priority,
        "rang": a.priority_rank,
        "organisme": a.lead_organisation,
        "statut": a.status,
        "statut_libelle": a.get_status_display(),
        "avancement": a.progress,
        "qpv": sorted({q.code for q in a.qpvs.all()}),
        "jalons": [
            {"libelle": m.label, "echeance": m.due_on, "realise_le": m.done_on}
            for m in a.milestones.all()
        ],
    }


@router.get(
    "/actions",
    response={200: ActionPage, 422: Error},
    url_name="action_list",
    summary="Liste des actions des contrats",
)
def action_list(request: HttpRequest, filters: Query[ActionFilters]):
    """Les actions des contrats, filtrées par contrat, thématique, statut, priorité, QPV."""
    rows = _actions()
    if filters.contrat:
        rows = rows.filter(contract__code=filters.contrat)
    if filters.theme:
        rows = rows.filter(theme=filters.theme)
    if filters.statut:
        rows = rows.filter(status=filters.statut)
    if filters.prioritaire is not None:
        rows = rows.filter(is_priority=filters.prioritaire)
    if filters.qpv:
        rows = rows.filter(qpvs__code=filters.qpv)
    if filters.commune:
        rows = rows.filter(qpvs__communes__insee_code=filters.commune)
    rows = rows.distinct().order_by(
        "contract__code", "-is_priority", "priority_rank", "title", "pk"
    )
    return page_of(rows, params=filters, item=_item)


@router.get(
    "/actions/{action_id}",
    response={200: ActionItem, 404: Error, 422: Error},
    url_name="action",
    summary="Une action",
)
def action_get(request: HttpRequest, action_id: int):
    """Une action (champs publics seulement)."""
    found = _actions().filter(pk=action_id).first() if 0 < action_id < 2**31 else None
    if found is None:
        raise not_found("Action", str(action_id), feminine=True)
    return _item(found)
