from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "quartiers.portal"
    label = "portal"
    verbose_name = "Portail public et rapport"
