from django.urls import path

from quartiers.geography import views

app_name = "geography"

urlpatterns = [
    path("carte/", views.map_page, name="map"),
    path("carte/<str:layer>.geojson", views.layer_geojson, name="layer_geojson"),
    path("carte/<str:kind>/<str:code>.geojson", views.area_geojson, name="area_geojson"),
    path("qpv/", views.qpv_list, name="qpv_list"),
    path("qpv/export.<str:fmt>", views.qpv_export, name="qpv_export"),
    path("qpv/<str:code>/", views.qpv_detail, name="qpv_detail"),
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/export.<str:fmt>", views.commune_export, name="commune_export"),
    path("communes/<str:insee_code>/", views.commune_detail, name="commune_detail"),
    path("epci/", views.epci_list, name="epci_list"),
    path("epci/export.<str:fmt>", views.epci_export, name="epci_export"),
    path("epci/<str:siren>/", views.epci_detail, name="epci_detail"),
    path(
        "arrondissements/<str:insee_code>/",
        views.arrondissement_detail,
        name="arrondissement_detail",
    ),
    path("departements/<str:insee_code>/", views.departement_detail, name="departement_detail"),
]
