from django.apps import AppConfig


class GeorefConfig(AppConfig):
    name = "quartiers.georef"
    label = "georef"
    verbose_name = "Géoréférencement"
