from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quartiers.grants"
    label = "grants"
    verbose_name = "Financements"

    def ready(self) -> None:
        from quartiers.grants import access

        access.register()
