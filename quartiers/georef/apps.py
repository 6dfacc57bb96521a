import sys

from django.apps import AppConfig


def _index_invalidate(sender: object, *, generation: int | None = None, **kwargs: object) -> None:
    """The contours of a generation changed: renew its shared version, so that every process
    rebuilds its index at its next lookup (quartiers/georef/loader.py), and drop this one's.

    The disk cache is keyed by the contours themselves: it never needs dropping.
    """
    from quartiers.georef import loader

    loader.index_version_renew(generation=generation)
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
