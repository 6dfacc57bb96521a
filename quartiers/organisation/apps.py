from pathlib import Path
from typing import Any

from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "quartiers.organisation"
    label = "organisation"
    verbose_name = "Organisation : délégués du préfet et mission CONCERTO"

    def ready(self) -> None:
        from quartiers.core.demo import demo_seed_register
        from quartiers.core.pagecache import pagecache_watch
        from quartiers.organisation import access

        access.register()
        pagecache_watch(app_label=self.label)
        demo_seed_register(order=30, seeder=_demo_seed)


def _demo_seed(data_dir: Path, departement: str) -> Any:
    from quartiers.organisation.demo import seed_organisation_demo
    from quartiers.shared.codes import NORD

    return seed_organisation_demo() if departement == NORD else None
