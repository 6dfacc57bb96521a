from pathlib import Path
from typing import Any

from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quartiers.grants"
    label = "grants"
    verbose_name = "Financements"

    def ready(self) -> None:
        from quartiers.core.demo import demo_seed_register
        from quartiers.grants import access

        access.register()
        demo_seed_register(order=40, seeder=_demo_seed)


def _demo_seed(data_dir: Path) -> Any:
    from quartiers.grants.demo import seed_grants_demo

    return seed_grants_demo()
