"""The index built from the registry: cached per generation, rebuilt after an import."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from quartiers.geography.models import QPV
from quartiers.geography.signals import geography_changed
from quartiers.georef import loader
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.engine import STATUS_IN, STATUS_OUT, locate

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


def test_a_new_process_loads_the_index_from_disk_with_the_same_answers(settings, tmp_path):
    settings.GEOREF_INDEX_CACHE_DIR = tmp_path
    built = loader.index_get(generation=2024)
    assert len(list(tmp_path.glob("index-2024-*.npz"))) == 1
    loader.cache_clear()  # as a new process: only the disk cache is left
    loaded = loader.index_get(generation=2024)
    assert loaded is not built and loaded.build_seconds == 0.0  # not built again
    for name in ("codes", "crs", "l0", "l1", "l2", "cand_start", "cand_poly", "cell_seg"):
        assert np.array_equal(getattr(loaded, name), getattr(built, name)), name
    assert np.array_equal(loaded.segments.x, built.segments.x)
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(2.9, 3.4, 20_000), rng.uniform(50.3, 50.8, 20_000)
    for name in ("primary", "status", "distance_m"):
        assert np.array_equal(
            getattr(locate(loaded, lon, lat), name),
            getattr(locate(built, lon, lat), name),
            equal_nan=True,
        ), name


def test_changed_contours_never_read_a_stale_index_file(settings, tmp_path):
    settings.GEOREF_INDEX_CACHE_DIR = tmp_path
    point = _inside_point("QN05901M")
    loader.index_get(generation=2024)
    QPV.objects.filter(code="QN05901M", generation=2024).delete()
    geography_changed.send(sender=QPV, generation=2024)
    assert loader.points_locate(lon=point.x, lat=point.y).primary.tolist() == [-1]
    assert len(list(tmp_path.glob("index-2024-*.npz"))) == 1  # the old file is gone


def test_an_unreadable_index_file_is_rebuilt(settings, tmp_path, caplog):
    settings.GEOREF_INDEX_CACHE_DIR = tmp_path
    loader.index_get(generation=2024)
    (path,) = tmp_path.glob("index-2024-*.npz")
    path.write_bytes(b"not an index")
    loader.cache_clear()
    point = _inside_point("QN05901M")
    assert loader.points_locate(lon=point.x, lat=point.y).primary_codes()[0] == "QN05901M"
    assert "unreadable" in caplog.text
    assert path.stat().st_size > 1000  # written again


def test_no_disk_cache_when_the_setting_is_empty(settings, tmp_path):
    settings.GEOREF_INDEX_CACHE_DIR = None
    assert loader.index_get(generation=2024).build_seconds > 0
    loader.cache_clear()
    assert loader.index_get(generation=2024).build_seconds > 0
