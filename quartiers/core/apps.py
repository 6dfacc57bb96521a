from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from quartiers.core.pagecache import signals_connect
        from quartiers.core.uploads.tempfiles import upload_temp_purge_at_start

        signals_connect()
        # Uploads left by a process killed mid-way (kill -9, crash, reboot): personal data
        # that no request will ever delete (docs/operations.md).
        upload_temp_purge_at_start()
