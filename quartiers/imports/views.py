"""« Importer un fichier officiel »: the kinds, the upload and its dry run, the apply, the
history of imports (préfecture only: ImportRun has no access rule, see core/access.py)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.core.access import Perm
from quartiers.core.permissions import permission_check
from quartiers.core.uploads.handler import upload_limit, upload_refusal
from quartiers.geography.models import ImportRun
from quartiers.imports.forms import ImportForm
from quartiers.imports.kinds import KINDS
from quartiers.imports.models import PreviewState
from quartiers.imports.selectors import (
    HISTORY_COLUMNS,
    applied_by,
    history_rows,
    import_runs,
    kind_label,
)
from quartiers.imports.services import AlreadyApplied, import_apply, import_preview
from quartiers.shared.exports import table_response
from quartiers.shared.imports import KIND_LABELS, ImportRefused, ImportSummary, codes_listed

TITLE = "Importer un fichier officiel"
EXPORTS = (("csv", "CSV (Excel)"), ("xlsx", "XLSX"))
OUTCOMES = (("added", "ajoutés"), ("changed", "modifiés"), ("removed", "supprimés"))
# The importers speak to the command line; the screen has a button and a check box instead.
WEB_WORDS = (
    ("Avec --apply, l'import serait refusé.", "En appliquant, l'import serait refusé."),
    (
        "relancez avec --force-removals",
        "cochez « Forcer les suppressions » et relancez la vérification",
    ),
    ("avec --apply", "avec « Appliquer »"),
)


def web_text(text: str) -> str:
    for cli, web in WEB_WORDS:
        text = text.replace(cli, web)
    return text


def _denied(request: HttpRequest) -> HttpResponse | None:
    return permission_check(request, Perm.EDIT, ImportRun)


def _breadcrumb(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(TITLE, reverse("imports:index")), *items] if items else [(TITLE, None)]


def summary_view(summary: ImportSummary) -> dict[str, Any]:
    label = KIND_LABELS.get(summary.kind, summary.kind)
    if summary.generation:
        label += f" (géographie {summary.generation})"
    return {
        "label": label,
        "source": summary.source,
        "sha256": summary.sha256,
        "counts": summary.counts(),
        "codes": [
            (word, len(summary.codes[key]), codes_listed(summary.codes[key], limit=30))
            for key, word in OUTCOMES
            if summary.codes.get(key)
        ],
        "warnings": [web_text(w) for w in summary.warnings],
        "refused_on_apply": any("serait refusé" in w for w in summary.warnings),
    }


def index(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    return render(
        request,
        "imports/index.html",
        {
            "title": TITLE,
            "breadcrumb": _breadcrumb(),
            "kinds": KINDS.values(),
            "recent": [(run, kind_label(run), applied_by(run)) for run in import_runs()[:5]],
        },
    )


@upload_limit("IMPORT_MAX_UPLOAD_BYTES")
def preview(request: HttpRequest, kind: str) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    import_kind = KINDS.get(kind)
    if import_kind is None:
        raise Http404("Type d'import inconnu.")
    refused = upload_refusal(request)
    form = ImportForm(request.POST or None, request.FILES or None, kind=import_kind)
    result = None
    if refused:
        form = ImportForm(request.POST, request.FILES, kind=import_kind)  # bound, even if empty
        form.is_valid()
        form.errors.clear()
        form.add_error(None, refused)
    elif request.method == "POST" and form.is_valid():
        try:
            result = import_preview(
                user=request.user,
                kind=import_kind,
                options=form.options(),
                uploads=form.uploads(),
                urls=form.urls(),
            )
        except ImportRefused as exc:
            form.add_error(None, web_text(str(exc)))
        finally:
            for uploaded in form.uploads().values():
                uploaded.close()
    summaries = [summary_view(s) for s in result.summaries] if result else []
    return render(
        request,
        "imports/preview.html",
        {
            "title": f"{TITLE} : {import_kind.label[0].lower()}{import_kind.label[1:]}",
            "breadcrumb": _breadcrumb((import_kind.label, None)),
            "kind": import_kind,
            "form": form,
            "result": result,
            "summaries": summaries,
            "blocked": any(s["refused_on_apply"] for s in summaries),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    try:
        runs = import_apply(user=request.user, token=request.POST.get("apercu", ""))
    except AlreadyApplied as exc:
        return _already_applied(request, exc)
    except ImportRefused as exc:
        return render(
            request,
            "imports/refused.html",
            {
                "title": TITLE,
                "breadcrumb": _breadcrumb(("Refus", None)),
                "message": web_text(str(exc)),
            },
            status=400,
        )
    return redirect(_history_url(runs))


def _history_url(runs: list[ImportRun]) -> str:
    """The history of imports, showing the runs an apply wrote (the whole history without)."""
    ids = ",".join(str(run.pk) for run in runs)
    return f"{reverse('imports:history')}?appliques={ids}" if ids else reverse("imports:history")


def _already_applied(request: HttpRequest, exc: AlreadyApplied) -> HttpResponse:
    """A second « Appliquer » of one verification: what the first one wrote, and where."""
    preview = exc.preview
    runs = list(preview.runs.select_related("user").order_by("pk"))
    return render(
        request,
        "imports/already_applied.html",
        {
            "title": TITLE,
            "breadcrumb": _breadcrumb(("Import déjà appliqué", None)),
            "preview": preview,
            "applying": preview.state == PreviewState.APPLYING,
            "runs": [(run, kind_label(run), applied_by(run)) for run in runs],
            "history_url": _history_url(runs),
        },
        status=409,
    )


def history(request: HttpRequest) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    applied = {int(i) for i in request.GET.get("appliques", "").split(",") if i.isdigit()}
    page = Paginator(import_runs(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/history.html",
        {
            "title": "Historique des imports",
            "breadcrumb": _breadcrumb(("Historique des imports", None)),
            "page": page,
            "rows": [(run, kind_label(run), applied_by(run)) for run in page],
            "applied": [(run, kind_label(run)) for run in import_runs().filter(pk__in=applied)],
            "exports": [
                {"url": reverse("imports:history_export", args=[fmt]), "label": label}
                for fmt, label in EXPORTS
            ],
        },
    )


def history_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if (denied := _denied(request)) is not None:
        return denied
    if fmt not in dict(EXPORTS):
        raise Http404("Format d'export inconnu.")
    return table_response(
        fmt=fmt,
        columns=HISTORY_COLUMNS,
        rows=history_rows(import_runs()),
        filename_stem="historique-des-imports",
        sheet_title="Imports",
    )
