from django.urls import path

from quartiers.portal import views

app_name = "portal"

urlpatterns = [
    path("rapport/", views.report, name="report"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
]
