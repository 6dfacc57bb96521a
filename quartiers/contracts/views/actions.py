"""Action pages: detail (milestones, notes, history), create / edit (optimistic concurrency),
the « suivi renforcé » dashboard with its timeline, and the action exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.contracts.forms import (
    ActionForm,
    FollowUpFilterForm,
    MilestoneDoneForm,
    MilestoneEditForm,
    MilestoneForm,
    NoteForm,
)
from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.contracts.permissions import (
    can_edit,
    can_view_internal,
    edit_required,
    internal_required,
)
from quartiers.contracts.selectors import (
    FOLLOW_UP_DAYS,
    ActionFilters,
    actions_followed,
    gantt,
    milestones_watch,
)
from quartiers.contracts.services import (
    ActionConflict,
    MilestoneConflict,
    PriorityLimitError,
    action_create,
    action_update,
    milestone_add,
    milestone_delete,
    milestone_edit,
    milestone_update,
    note_add,
)
from quartiers.contracts.tables import ACTION_COLUMNS, action_rows
from quartiers.core.access import Perm, scope
from quartiers.core.audit import audit_for
from quartiers.shared.exports import table_response
from quartiers.shared.sorting import SortColumn, sort_from


def _action(pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("contract").prefetch_related("qpvs", "milestones", "notes"),
        pk=pk,
    )


def _crumbs(action: Action, last: str | None = None) -> list[tuple[str, str | None]]:
    crumbs = [
        ("Contrats", reverse("contracts:contract_list")),
        (action.contract.code, reverse("contracts:contract_detail", args=[action.contract.code])),
        (
            action.title,
            None if last is None else reverse("contracts:action_detail", args=[action.pk]),
        ),
    ]
    if last:
        crumbs.append((last, None))
    return crumbs


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    milestones = list(action.milestones.all())
    internal = can_view_internal(request.user, action)
    notes = list(action.notes.select_related("author")) if internal else []
    editable = can_edit(request.user, action)
    today = timezone.localdate()
    return render(
        request,
        "contracts/action_detail.html",
        {
            "title": action.title,
            "breadcrumb": _crumbs(action),
            "action": action,
            "milestones": milestones,
            "notes": notes,
            "today": today,
            "late_ids": {m.pk for m in milestones if m.is_late(today)},
            "audit": audit_for(objects=[action, *milestones, *notes])[:50] if internal else [],
            "internal": internal,
            "can_edit": editable,
            "milestone_form": MilestoneForm() if editable else None,
            "note_form": NoteForm(initial={"written_on": today}) if editable else None,
        },
    )


def _form_page(request, *, form, contract, action=None, conflict=None, status=200):
    title = "Nouvelle action" if action is None else f"Modifier « {action.title} »"
    crumbs = (
        _crumbs(action, "Modifier")
        if action is not None
        else [
            ("Contrats", reverse("contracts:contract_list")),
            (contract.code, reverse("contracts:contract_detail", args=[contract.code])),
            ("Nouvelle action", None),
        ]
    )
    return render(
        request,
        "contracts/action_form.html",
        {
            "title": title,
            "breadcrumb": crumbs,
            "form": form,
            "contract": contract,
            "action": action,
            "conflict": conflict,
        },
        status=status,
    )


def _apply_service_error(form, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("is_priority" if isinstance(exc, PriorityLimitError) else None, str(exc))


def action_create_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_object_or_404(Contract, code=code)
    if (denied := edit_required(request, contract)) is not None:
        return denied
    form = ActionForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(
                contract=contract, user=request.user, values=form.service_values()
            )
        except (PriorityLimitError, ValidationError) as exc:
            _apply_service_error(form, exc)
        else:
            messages.success(request, "Action créée.")
            return redirect("contracts:action_detail", pk=action.pk)
    return _form_page(request, form=form, contract=contract, status=400 if form.is_bound else 200)


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if (denied := edit_required(request, action)) is not None:
        return denied
    if request.method != "POST":
        form = ActionForm(
            instance=action, contract=action.contract, initial={"version": action.version}
        )
        return _form_page(request, form=form, contract=action.contract, action=action)
    form = ActionForm(request.POST, instance=Action.objects.get(pk=pk), contract=action.contract)
    if form.is_valid():
        expected = form.cleaned_data.get("version") or 0
        try:
            action_update(
                action=action,
                user=request.user,
                values=form.service_values(),
                expected_version=expected,
            )
        except ActionConflict as exc:
            # Keep the user's input; carry the current version so that a deliberate second
            # save (after reading the differences) goes through.
            data = request.POST.copy()
            data["version"] = exc.action.version
            form = ActionForm(data, instance=exc.action, contract=action.contract)
            form.is_valid()
            return _form_page(
                request,
                form=form,
                contract=action.contract,
                action=exc.action,
                conflict=exc,
                status=409,
            )
        except (PriorityLimitError, ValidationError) as exc:
            _apply_service_error(form, exc)
        else:
            messages.success(request, "Action enregistrée.")
            return redirect("contracts:action_detail", pk=action.pk)
    return _form_page(request, form=form, contract=action.contract, action=action, status=400)


@require_POST
def milestone_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if (denied := edit_required(request, action)) is not None:
        return denied
    form = MilestoneForm(request.POST)
    if form.is_valid():
        milestone_add(action=action, user=request.user, **form.cleaned_data)
        messages.success(request, "Jalon ajouté.")
    else:
        messages.error(request, "Jalon refusé : vérifiez l'intitulé et l'échéance.")
    return redirect(reverse("contracts:action_detail", args=[action.pk]) + "#jalons")


@require_POST
def milestone_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("action"), pk=pk)
    if (denied := edit_required(request, milestone.action)) is not None:
        return denied
    form = MilestoneDoneForm(request.POST)
    if form.is_valid():
        done_on = form.cleaned_data["done_on"]
        try:
            milestone_update(
                milestone=milestone, user=request.user, done_on=done_on, clear_done=done_on is None
            )
            messages.success(request, f"Jalon « {milestone.label} » mis à jour.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Date de réalisation invalide.")
    return redirect(reverse("contracts:action_detail", args=[milestone.action_id]) + "#jalons")


def _milestone(pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("action__contract"), pk=pk)


def _milestone_page(request, *, form, milestone, conflict=None, status=200) -> HttpResponse:
    action = milestone.action
    return render(
        request,
        "contracts/milestone_form.html",
        {
            "title": f"Modifier le jalon « {milestone.label} »",
            "breadcrumb": _crumbs(action, "Modifier le jalon"),
            "form": form,
            "milestone": milestone,
            "action": action,
            "conflict": conflict,
        },
        status=status,
    )


def milestone_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """« Modifier le jalon »: same rights as adding one (edit right on the action)."""
    milestone = _milestone(pk)
    if (denied := edit_required(request, milestone.action)) is not None:
        return denied
    if request.method != "POST":
        form = MilestoneEditForm(initial=MilestoneEditForm.initial_for(milestone))
        return _milestone_page(request, form=form, milestone=milestone)
    form = MilestoneEditForm(request.POST)
    if form.is_valid():
        try:
            milestone_edit(
                milestone=milestone, user=request.user, values=form.values(), loaded=form.loaded()
            )
        except MilestoneConflict as exc:
            # Keep the user's input; carry the current values so that a deliberate second
            # save (after reading the differences) goes through.
            data = request.POST.copy()
            for name, value in MilestoneEditForm.initial_for(exc.milestone).items():
                if name.startswith("loaded_"):
                    data[name] = "" if value is None else str(value)
            form = MilestoneEditForm(data)
            form.is_valid()
            return _milestone_page(
                request, form=form, milestone=exc.milestone, conflict=exc, status=409
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _apply_service_error(form, exc)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "Jalon modifié.")
            return redirect(
                reverse("contracts:action_detail", args=[milestone.action_id]) + "#jalons"
            )
    return _milestone_page(request, form=form, milestone=milestone, status=400)


@require_POST
def milestone_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(pk)
    if (denied := edit_required(request, milestone.action)) is not None:
        return denied
    try:
        milestone_delete(milestone=milestone, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Jalon « {milestone.label} » supprimé.")
    return redirect(reverse("contracts:action_detail", args=[milestone.action_id]) + "#jalons")


@require_POST
def note_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if (denied := edit_required(request, action)) is not None:
        return denied
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(action=action, user=request.user, **form.cleaned_data)
        messages.success(request, "Note de suivi ajoutée.")
    else:
        messages.error(request, "Note refusée : la date et le texte sont obligatoires.")
    return redirect(reverse("contracts:action_detail", args=[action.pk]) + "#notes")


def _filters(request: HttpRequest) -> tuple[FollowUpFilterForm, ActionFilters]:
    form = FollowUpFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, ActionFilters(
        contract=data.get("contract"),
        theme=data.get("theme") or "",
        lead=data.get("lead") or "",
        include_ordinary=bool(data.get("toutes")),
        delegate=data.get("delegue"),
    )


FOLLOW_UP_SORT = (
    SortColumn("contrat", value=lambda a: a.contract.code),
    SortColumn("action", value=lambda a: a.title),
    SortColumn("thematique", value=lambda a: a.get_theme_display()),
    SortColumn("chef", value=lambda a: a.lead_name),
    SortColumn("statut", value=lambda a: a.get_status_display()),
    SortColumn("avancement", value=lambda a: a.progress),
)


@internal_required
def follow_up(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    today = timezone.localdate()
    actions = scope(request.user, Perm.VIEW_INTERNAL, actions_followed(filters=filters))
    late, upcoming = milestones_watch(actions=actions, today=today)
    action_list = list(actions)
    bars, months, today_pct = gantt(actions=action_list, today=today)
    sort = sort_from(request.GET, FOLLOW_UP_SORT, default="contrat", anchor="followed-actions")
    query = request.GET.urlencode()
    return render(
        request,
        "contracts/follow_up.html",
        {
            "title": "Suivi renforcé des actions",
            "breadcrumb": [
                ("Contrats", reverse("contracts:contract_list")),
                ("Suivi renforcé", None),
            ],
            "form": form,
            "filters": filters,
            "actions": sort.rows(action_list),
            "sort": sort,
            "late": late,
            "upcoming": upcoming,
            "days": FOLLOW_UP_DAYS,
            "today": today,
            "bars": bars,
            "months": months,
            "today_pct": today_pct,
            "ordinary_count": scope(
                request.user, Perm.VIEW_INTERNAL, Action.objects.filter(is_priority=False)
            ).count(),
            "exports": [
                {
                    "label": label,
                    "url": reverse("contracts:action_export", args=[fmt])
                    + (f"?{query}" if query else ""),
                }
                for fmt, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"))
            ],
        },
    )


@internal_required  # the project leads' e-mails are personal data
def action_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Format d'export inconnu.")
    _, filters = _filters(request)
    actions = scope(request.user, Perm.VIEW_INTERNAL, actions_followed(filters=filters))
    return table_response(
        fmt=fmt,
        columns=ACTION_COLUMNS,
        rows=action_rows(actions, today=timezone.localdate()),
        filename_stem="actions-contrats",
        sheet_title="Actions",
    )
