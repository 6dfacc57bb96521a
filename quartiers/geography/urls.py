from django.urls import path

from quartiers.geography import views

app_name = "geography"

urlpatterns = [
    path("carte/", views.map_page, name="map"),
    path("qpv/", views.qpv_list, name="qpv_list"),
    path("communes/", views.commune_list, name="commune_list"),
    path("epci/", views.epci_list, name="epci_list"),
]
