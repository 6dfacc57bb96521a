from django.urls import path

from quartiers.programmes import dispositif_views, views

app_name = "programmes"

urlpatterns = [
    path("programmes/", views.measure_list, name="measure_list"),
    path("programmes/mesures/export.<str:fmt>", views.measure_export, name="measure_export"),
    path("programmes/mesures/<slug:code>/", views.measure_detail, name="measure_detail"),
    path(
        "programmes/mesures/<slug:code>/valeurs/",
        views.progress_entry_create,
        name="progress_entry_create",
    ),
    path(
        "programmes/mesures/<slug:code>/trajectoire.svg",
        views.measure_trajectory_svg,
        name="measure_trajectory_svg",
    ),
    path("programmes/dispositifs/", views.dispositif_list, name="dispositif_list"),
    path(
        "programmes/dispositifs/nouveau/",
        dispositif_views.dispositif_edit,
        name="dispositif_create",
    ),
    path(
        "programmes/dispositifs/<int:pk>/modifier/",
        dispositif_views.dispositif_edit,
        name="dispositif_edit",
    ),
    path(
        "programmes/dispositifs/export.<str:fmt>",
        views.dispositif_export,
        name="dispositif_export",
    ),
]
