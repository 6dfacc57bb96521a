from django.urls import path

from quartiers.grants import views

app_name = "grants"

D = "financements/dossiers/<uuid:uuid>/"

urlpatterns = [
    path("financements/", views.application_list, name="application_list"),
    path("financements/export.<str:fmt>", views.application_export, name="application_export"),
    path("financements/dossiers/nouveau/", views.application_create, name="application_create"),
    path(D, views.application_detail, name="application_detail"),
    path(D + "modifier/", views.application_edit, name="application_edit"),
    path(D + "budget/", views.budget_line_add, name="budget_line_add"),
    path(D + "budget/<int:pk>/supprimer/", views.budget_line_delete, name="budget_line_delete"),
    path(D + "documents/", views.document_upload, name="document_upload"),
    path(D + "documents/<int:pk>/", views.document_download, name="document_download"),
    path(D + "statut/", views.application_transition, name="application_transition"),
    path(D + "acte/", views.agreement_sign, name="agreement_sign"),
    path(D + "paiements/", views.payment_add, name="payment_add"),
    path(D + "bilan/", views.report_receive, name="report_receive"),
    path(D + "renouveler/", views.application_renew, name="application_renew"),
    path(D + "beneficiaires/", views.beneficiaries_upload, name="beneficiaries_upload"),
    path("financements/associations/", views.association_list, name="association_list"),
    path(
        "financements/associations/export.<str:fmt>",
        views.association_export,
        name="association_export",
    ),
    path(
        "financements/associations/nouvelle/", views.association_create, name="association_create"
    ),
    path(
        "financements/associations/<uuid:uuid>/",
        views.association_detail,
        name="association_detail",
    ),
    path(
        "financements/associations/<uuid:uuid>/localiser/",
        views.association_locate,
        name="association_locate",
    ),
    path("financements/mon-association/", views.my_association, name="my_association"),
    path("financements/appels/", views.call_list, name="call_list"),
    path("financements/appels/export.<str:fmt>", views.call_export, name="call_export"),
    path("financements/conventions/", views.agreement_list, name="agreement_list"),
    path(
        "financements/conventions/export.<str:fmt>", views.agreement_export, name="agreement_export"
    ),
    path("financements/budget/", views.budget, name="budget"),
    path("financements/budget/export.<str:fmt>", views.budget_export, name="budget_export"),
    path("financements/postes/", views.post_list, name="post_list"),
    path("financements/bilans/", views.report_list, name="report_list"),
    path("financements/bilans/export.<str:fmt>", views.report_export, name="report_export"),
    path("financements/ciblage/", views.targeting, name="targeting"),
    path("financements/ciblage/export.<str:fmt>", views.targeting_export, name="targeting_export"),
    path("financements/import/", views.dauphin_import, name="dauphin_import"),
]
