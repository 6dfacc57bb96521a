import sys

from django.apps import AppConfig


def _index_invalidate(sender: object, *, generation: int | None = None, **kwargs: object) -> None:
    """Drop the cached spatial index of the changed generation (rebuilt on next lookup).

    The loader is only imported by a lookup: if it is not loaded, no index is cached in memory
    (the disk cache is keyed by the contours themselves: it never needs dropping).
    """
    loader = sys.modules.get("quartiers.georef.loader")
    if loader is not None:
        loader.cache_clear(generation=generation)
    zone = sys.modules.get("quartiers.georef.batch.zone")
    if zone is not None:
        zone.zone_clear()


class GeorefConfig(AppConfig):
    name = "quartiers.georef"
    label = "georef"
    verbose_name = "Géoréférencement"

    def ready(self) -> None:
        from quartiers.geography.signals import geography_changed

        geography_changed.connect(_index_invalidate, dispatch_uid="georef_index_invalidate")
