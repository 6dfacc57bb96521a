from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "quartiers.programmes"
    label = "programmes"
    verbose_name = "Programmes et objectifs"
