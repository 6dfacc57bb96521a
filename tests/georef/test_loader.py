"""The index built from the registry: cached per generation, rebuilt after an import."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from quartiers.geography.models import QPV
from quartiers.geography.signals import geography_changed
from quartiers.georef import loader
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.engine import STATUS_IN, STATUS_OUT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    loader.cache_clear()
    yield
    loader.cache_clear()  # the database is rolled back: never keep an index built inside a test


def _inside_point(code: str) -> shapely.Point:
    return shapely.from_wkb(
        bytes(QPV.objects.get(code=code, generation=2024).contour_wkb)
    ).representative_point()


def test_points_locate_finds_the_qpv_of_a_point_through_the_registry(nord_contours):
    point = dict(nord_contours)["QN05901M"].representative_point()
    result = loader.points_locate(lon=[point.x, 3.0633], lat=[point.y, 50.6369])
    assert result.primary_codes().tolist() == ["QN05901M", None]
    assert result.status.tolist() == [STATUS_IN, STATUS_OUT]
    assert result.generation == 2024
    assert np.isfinite(result.distance_m).all()  # exact distances by default
    assert len(loader.index_get(generation=2024)) == QPV.objects.of_generation(2024).count()


def test_points_locate_accepts_lambert93(nord_contours):
    point = dict(nord_contours)["QN05972M"].representative_point()
    x, y = transformer(WGS84, LAMBERT93).transform(point.x, point.y)
    result = loader.points_locate(lon=x, lat=y, crs="EPSG:2154")
    assert result.primary_codes().tolist() == ["QN05972M"]


def test_index_is_built_once_per_generation():
    assert loader.index_get(generation=2024) is loader.index_get(generation=2024)


def test_index_is_rebuilt_when_the_geography_changes():
    point = _inside_point("QN05901M")
    before = loader.index_get(generation=2024)
    assert loader.points_locate(lon=point.x, lat=point.y).primary_codes()[0] == "QN05901M"
    QPV.objects.filter(code="QN05901M", generation=2024).delete()
    # Not yet told: the cached index still answers with the old contours.
    assert loader.index_get(generation=2024) is before
    geography_changed.send(sender=QPV, generation=2024)
    assert loader.index_get(generation=2024) is not before
    assert loader.points_locate(lon=point.x, lat=point.y).primary.tolist() == [-1]


def test_a_change_to_another_generation_keeps_the_index():
    before = loader.index_get(generation=2024)
    geography_changed.send(sender=QPV, generation=2015)
    assert loader.index_get(generation=2024) is before


@pytest.mark.parametrize("generation", [2015, 1999])
def test_unknown_generation_is_refused_in_french(generation):
    with pytest.raises(loader.GeorefError, match=f"Géographie prioritaire {generation} inconnue"):
        loader.points_locate(lon=[3.06], lat=[50.63], generation=generation)
