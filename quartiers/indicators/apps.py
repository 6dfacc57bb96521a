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


def _demo_import(data_dir: Path) -> list[Any]:
    from quartiers.indicators.importers import import_nord_indicators

    return list(import_nord_indicators(data_dir=data_dir, apply=True))
