from django.urls import path

from quartiers.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/historique/", views.history, name="history"),
    path("imports/historique/export/<str:fmt>/", views.history_export, name="history_export"),
    path("imports/appliquer/", views.apply, name="apply"),
    path("imports/<slug:kind>/", views.preview, name="preview"),
]
