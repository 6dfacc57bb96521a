from django.urls import path

from quartiers.portal import opendata, views

app_name = "portal"

urlpatterns = [
    path("rapport/", views.report, name="report"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("donnees/subventions/", opendata.subsidies, name="subsidies"),
    path("donnees/subventions.csv", opendata.subsidies_csv, name="subsidies_csv"),
]
