from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "quartiers.indicators"
    label = "indicators"
    verbose_name = "Indicateurs"
