"""« À traiter »: where every role lands after login (docs/roles.md)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from quartiers.worklist.selectors import worklist_for


def todo(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    worklist = worklist_for(request.user, today=today)
    return render(
        request,
        "worklist/todo.html",
        {
            "title": "À traiter",
            "breadcrumb": [("À traiter", None)],
            "worklist": worklist,
            "today": today,
        },
    )
