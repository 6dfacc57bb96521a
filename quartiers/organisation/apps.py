from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "quartiers.organisation"
    label = "organisation"
    verbose_name = "Organisation : délégués du préfet et mission CONCERTO"

    def ready(self) -> None:
        from quartiers.organisation import access

        access.register()
