from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.contracts"
    label = "contracts"
    verbose_name = "Contrats « quartiers 2030 »"
