from pathlib import Path
from typing import Any

from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "quartiers.indicators"
    label = "indicators"
    verbose_name = "Indicateurs"

    def ready(self) -> None:
        from quartiers.core.demo import demo_import_register
        from quartiers.core.pagecache import pagecache_watch

        pagecache_watch(app_label=self.label)
        demo_import_register(order=20, importer=_demo_import)
        demo_import_register(order=30, importer=_demo_reference_import)


def _demo_import(data_dir: Path, departement: str) -> list[Any]:
    from quartiers.indicators.importers import import_nord_indicators
    from quartiers.indicators.importers.service import import_departement_indicators
    from quartiers.shared.codes import NORD

    if departement == NORD:
        return list(import_nord_indicators(data_dir=data_dir, apply=True))
    return list(
        import_departement_indicators(data_dir=data_dir, departement=departement, apply=True)
    )


def _demo_reference_import(data_dir: Path, departement: str) -> list[Any]:
    """Communes, EPCI, département and France: population series and Filosofi 2021."""
    from quartiers.indicators.importers.reference import reference_values_import

    return list(reference_values_import(data_dir=data_dir, departement=departement, apply=True))
