from pathlib import Path
from typing import Any

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "quartiers.programmes"
    label = "programmes"
    verbose_name = "Programmes et objectifs"

    def ready(self) -> None:
        from quartiers.core.demo import demo_seed_register
        from quartiers.core.pagecache import pagecache_watch

        pagecache_watch(app_label=self.label)
        demo_seed_register(order=20, seeder=_demo_seed)


def _demo_seed(data_dir: Path, departement: str) -> Any:
    from quartiers.programmes.seed import seed_programmes_demo
    from quartiers.shared.codes import NORD

    return seed_programmes_demo() if departement == NORD else None
