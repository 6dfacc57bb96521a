from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "quartiers.organisation"
    label = "organisation"
    verbose_name = "Organisation : délégués du préfet et mission CONCERTO"
