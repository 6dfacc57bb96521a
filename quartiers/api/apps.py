from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quartiers.api"
    label = "api"
    verbose_name = "API JSON"
