from pathlib import Path
from typing import Any

from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.contracts"
    label = "contracts"
    verbose_name = "Contrats « quartiers 2030 »"

    def ready(self) -> None:
        from quartiers.contracts import access
        from quartiers.core.demo import demo_seed_register
        from quartiers.core.pagecache import pagecache_watch

        access.register()
        pagecache_watch(app_label=self.label)
        demo_seed_register(order=10, seeder=_demo_seed)


def _demo_seed(data_dir: Path, departement: str) -> Any:
    """The Nord's calendar and examples; elsewhere the contracts of the national files."""
    from quartiers.contracts.demo import seed_contracts_demo
    from quartiers.contracts.national import contracts_import_departement
    from quartiers.shared.codes import NORD

    if departement == NORD:
        return seed_contracts_demo(data_dir=data_dir)
    return contracts_import_departement(data_dir=data_dir, departement=departement, apply=True)
