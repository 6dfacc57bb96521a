from django.urls import path

from quartiers.contracts import views

app_name = "contracts"

urlpatterns = [
    path("contrats/", views.contract_list_view, name="contract_list"),
    path("contrats/export.<str:fmt>", views.contract_export, name="contract_export"),
    path("contrats/calendrier/", views.calendar_page, name="calendar"),
    path("contrats/calendrier.ics", views.calendar_ics_view, name="calendar_ics"),
    path("contrats/suivi/", views.follow_up, name="follow_up"),
    path("contrats/actions/export.<str:fmt>", views.action_export, name="action_export"),
    path("contrats/actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("contrats/actions/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("contrats/actions/<int:pk>/jalons/", views.milestone_add_view, name="milestone_add"),
    path("contrats/actions/<int:pk>/notes/", views.note_add_view, name="note_add"),
    path("contrats/jalons/<int:pk>/", views.milestone_done_view, name="milestone_done"),
    path("contrats/jalons/<int:pk>/modifier/", views.milestone_edit_view, name="milestone_edit"),
    path(
        "contrats/jalons/<int:pk>/supprimer/", views.milestone_delete_view, name="milestone_delete"
    ),
    path("contrats/<str:code>/", views.contract_detail_view, name="contract_detail"),
    path("contrats/<str:code>/statut/", views.transition_view, name="transition"),
    path(
        "contrats/<str:code>/signataires/<int:pk>/",
        views.signatory_status_view,
        name="signatory_status",
    ),
    path("contrats/<str:code>/thematiques/", views.themes_view, name="themes"),
    path("contrats/<str:code>/signataires/", views.signatory_add_view, name="signatory_add"),
    path("contrats/<str:code>/documents/", views.document_upload_view, name="document_upload"),
    path(
        "contrats/<str:code>/documents/<int:pk>/",
        views.document_download,
        name="document_download",
    ),
    path("contrats/<str:code>/actions/nouvelle/", views.action_create_view, name="action_create"),
]
