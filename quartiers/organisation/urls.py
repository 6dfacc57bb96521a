from django.urls import path

from quartiers.organisation import delegate_views, views

app_name = "organisation"

urlpatterns = [
    path("mon-territoire/", views.my_territory, name="my_territory"),
    path("delegues/", views.delegate_list_view, name="delegate_list"),
    path("delegues/nouveau/", delegate_views.delegate_edit, name="delegate_create"),
    path("delegues/<int:pk>/", views.delegate_detail, name="delegate_detail"),
    path("delegues/<int:pk>/modifier/", delegate_views.delegate_edit, name="delegate_edit"),
    path("concerto/", views.commitment_list, name="commitment_list"),
    path("concerto/export.<str:fmt>", views.commitment_export, name="commitment_export"),
    path("concerto/engagements/nouveau/", views.commitment_create_view, name="commitment_create"),
    path("concerto/engagements/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path(
        "concerto/engagements/<int:pk>/modifier/",
        views.commitment_edit,
        name="commitment_edit",
    ),
]
