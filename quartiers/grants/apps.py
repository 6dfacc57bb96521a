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
        demo_seed_register(order=50, seeder=_demo_posts)


def _demo_seed(data_dir: Path, departement: str) -> Any:
    from quartiers.grants.demo import seed_grants_demo
    from quartiers.shared.codes import NORD

    return seed_grants_demo() if departement == NORD else None


def _demo_posts(data_dir: Path, departement: str) -> Any:
    """The Nord's adultes-relais and FONJEP posts (after the contracts they refer to)."""
    from quartiers.grants.services.posts import POSTS_DIR, posts_import
    from quartiers.shared.codes import NORD

    if departement != NORD:
        return None
    return posts_import(directory=data_dir / POSTS_DIR, apply=True)
