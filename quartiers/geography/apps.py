from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "quartiers.geography"
    label = "geography"
    verbose_name = "Géographie prioritaire"
