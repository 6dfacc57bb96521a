"""The funded posts page (adultes-relais, FONJEP): staff only, like the budget views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quartiers.grants.models import FundedPost, PostScheme
from quartiers.grants.posts import posts_anomalies, posts_table, posts_years
from quartiers.grants.views.common import steering_check


def post_list(request: HttpRequest) -> HttpResponse:
    if (denied := steering_check(request, FundedPost)) is not None:
        return denied
    scheme = request.GET.get("dispositif", "")
    scheme = scheme if scheme in PostScheme.values else ""
    raw_year = request.GET.get("annee", "")
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    lines = posts_table(scheme=scheme, year=year)
    return render(
        request,
        "grants/post_list.html",
        {
            "title": "Postes adultes-relais et FONJEP",
            "lines": lines,
            "years": posts_years(),
            "year": year,
            "scheme": scheme,
            "schemes": PostScheme.choices,
            "anomalies": posts_anomalies(),
            "total": sum(line.amounts.get(year, 0) for line in lines) if year else None,
        },
    )
