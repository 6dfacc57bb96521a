from django.urls import path

from quartiers.georef import views

app_name = "georef"

urlpatterns = [
    path("verifier-une-adresse/", views.verify_page, name="verify"),
    path("georeferencer/", views.file_page, name="file"),
    path("georeferencer/colonnes/<str:token>/", views.file_columns, name="file_columns"),
    path("georeferencer/<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("georeferencer/<uuid:job_id>/etat.json", views.job_status, name="job_status"),
    path("georeferencer/<uuid:job_id>/annuler/", views.job_cancel_view, name="job_cancel"),
    path("georeferencer/<uuid:job_id>/reprendre/", views.job_resume_view, name="job_resume"),
    path("georeferencer/<uuid:job_id>/resultat/", views.job_result, name="job_result"),
]
