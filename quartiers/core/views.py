from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from quartiers.core.pagecache import public_page
from quartiers.geography.models import Departement
from quartiers.geography.selectors import key_counts


@public_page()
def home(request: HttpRequest) -> HttpResponse:
    counts = key_counts()
    departements = Departement.objects.filter(qpvs__generation=counts.generation).distinct()
    return render(
        request,
        "core/home.html",
        {"counts": counts, "departements": departements, "title": "Accueil"},
    )
