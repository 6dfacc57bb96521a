from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.contracts"
    label = "contracts"
    verbose_name = "Contrats « quartiers 2030 »"

    def ready(self) -> None:
        from quartiers.contracts import access

        access.register()
