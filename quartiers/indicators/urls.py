from django.urls import path, re_path

from quartiers.indicators import views, views_evaluation

app_name = "indicators"

urlpatterns = [
    path("indicateurs/", views.catalogue, name="catalogue"),
    path(
        "indicateurs/contrats/<str:code>/",
        views_evaluation.contract_scorecard_view,
        name="contract_scorecard",
    ),
    path(
        "indicateurs/contrats/<str:code>/tableau-de-bord.csv",
        views_evaluation.contract_scorecard_export,
        name="contract_scorecard_export",
    ),
    re_path(
        r"^indicateurs/contrats/(?P<code>[-\w]+)/graphique\.(?P<fmt>svg|csv)$",
        views_evaluation.contract_chart_export,
        name="contract_chart_export",
    ),
    path("indicateurs/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("indicateurs/<slug:code>/carte/", views_evaluation.choropleth_page, name="choropleth"),
    path(
        "indicateurs/<slug:code>/carte.geojson",
        views_evaluation.choropleth_geojson,
        name="choropleth_geojson",
    ),
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
