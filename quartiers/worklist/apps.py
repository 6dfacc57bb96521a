from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "quartiers.worklist"
    label = "worklist"
    verbose_name = "À traiter : la page d'accueil de chaque rôle"
