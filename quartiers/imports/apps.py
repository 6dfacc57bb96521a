from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "quartiers.imports"
    label = "imports"
    verbose_name = "Import de fichiers officiels (écran de la préfecture)"
