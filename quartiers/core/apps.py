from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from quartiers.core.pagecache import signals_connect

        signals_connect()
