from django.urls import path, re_path

from quartiers.indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicateurs/", views.catalogue, name="catalogue"),
    path("indicateurs/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    re_path(
        r"^indicateurs/(?P<code>[-\w]+)/donnees\.(?P<fmt>svg|csv)$",
        views.indicator_export,
        name="indicator_export",
    ),
    path("chiffres-cles/", views.key_figures, name="key_figures"),
    re_path(
        r"^chiffres-cles/graphiques/(?P<slug>[-\w]+)\.(?P<fmt>svg|csv)$",
        views.key_figures_export,
        name="key_figures_export",
    ),
]
