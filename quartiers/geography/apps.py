from pathlib import Path
from typing import Any

from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "quartiers.geography"
    label = "geography"
    verbose_name = "Géographie prioritaire"

    def ready(self) -> None:
        from quartiers.core.demo import demo_import_register
        from quartiers.core.pagecache import data_changed_receiver, pagecache_watch
        from quartiers.core.views import home_context_register
        from quartiers.geography.signals import geography_changed

        pagecache_watch(app_label=self.label)
        geography_changed.connect(data_changed_receiver, dispatch_uid="pagecache:geography")
        demo_import_register(order=10, importer=_demo_import)
        home_context_register(_home_context)


def _demo_import(data_dir: Path, departement: str) -> list[Any]:
    """The Nord from its local files; any other département from the national ones."""
    from quartiers.geography.importers import import_nord_demo
    from quartiers.geography.importers.national import departement_import
    from quartiers.shared.codes import NORD

    if departement == NORD:
        return list(import_nord_demo(data_dir=data_dir, apply=True))
    return list(departement_import(data_dir=data_dir, departement=departement, apply=True))


def _home_context(request: Any) -> dict[str, Any]:
    """The home page's key figures and the départements of the current geography."""
    from quartiers.geography.models import Departement
    from quartiers.geography.selectors import key_counts

    counts = key_counts()
    departements = Departement.objects.filter(qpvs__generation=counts.generation).distinct()
    return {"counts": counts, "departements": departements}
