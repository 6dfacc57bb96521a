"""Pages of the geography registry: lists with exports, one page per territory, the map."""

from quartiers.geography.views.details import (
    arrondissement_detail,
    commune_detail,
    departement_detail,
    epci_detail,
    qpv_detail,
)
from quartiers.geography.views.lists import (
    commune_export,
    commune_list,
    epci_export,
    epci_list,
    qpv_export,
    qpv_list,
)
from quartiers.geography.views.maps import area_geojson, layer_geojson, map_page

__all__ = [
    "area_geojson",
    "arrondissement_detail",
    "commune_detail",
    "commune_export",
    "commune_list",
    "departement_detail",
    "epci_detail",
    "epci_export",
    "epci_list",
    "layer_geojson",
    "map_page",
    "qpv_detail",
    "qpv_export",
    "qpv_list",
]
