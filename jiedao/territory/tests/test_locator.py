import numpy as np

from jiedao.territory.locator import GridLocator, LocatedPoint, grid_locator
from jiedao.territory.models import GridClass, UnitLevel
from jiedao.territory.services import unit_update
from jiedao.territory.tests.factories import UnitFactory, small_tree, square


def test_point_inside_a_grid_gets_the_grid_and_its_ancestors(db):
    _district, subdistrict, area, community, west, _east = small_tree()

    located = grid_locator().locate(120.005, 30.005)

    assert located == LocatedPoint(
        grid_id=west.pk, grid_code="440305001001001", grid_class_id=west.grid_class_id,
        territory_path="/440305/440305001/440305001A1/440305001001/440305001001001/",
        community_id=community.pk, area_id=area.pk, subdistrict_id=subdistrict.pk)


def test_point_outside_every_grid_is_none(db):
    small_tree()

    assert grid_locator().locate(121.0, 31.0) is None


def test_point_on_a_shared_edge_goes_to_the_lowest_code(db):
    *_, west, east = small_tree()
    locator = grid_locator()

    assert locator.locate(120.01, 30.005).grid_id == west.pk
    assert locator.locate(120.01, 30.01).grid_id == west.pk  # shared corner
    assert locator.locate(120.02, 30.005).grid_id == east.pk  # east grid's outer edge


def test_multipolygon_grid_covers_both_parts(db):
    community = UnitFactory(level=UnitLevel.COMMUNITY, code="440305001002")
    parts = [square(121.00, 30.00)["coordinates"], square(121.05, 30.00)["coordinates"]]
    grid = UnitFactory(level=UnitLevel.GRID, code="440305001002001", parent=community,
                       boundary={"type": "MultiPolygon", "coordinates": parts})
    locator = grid_locator()

    assert locator.locate(121.005, 30.005).grid_id == grid.pk
    assert locator.locate(121.055, 30.005).grid_id == grid.pk
    assert locator.locate(121.03, 30.005) is None
    assert locator.locate(121.005, 30.005).community_id == community.pk
    assert locator.locate(121.005, 30.005).area_id is None


def test_point_in_a_hole_is_outside(db):
    community = UnitFactory(level=UnitLevel.COMMUNITY, code="440305001003")
    outer = [[122.0, 30.0], [122.03, 30.0], [122.03, 30.03], [122.0, 30.03], [122.0, 30.0]]
    hole = [[122.01, 30.01], [122.01, 30.02], [122.02, 30.02], [122.02, 30.01], [122.01, 30.01]]
    grid = UnitFactory(level=UnitLevel.GRID, code="440305001003001", parent=community,
                       boundary={"type": "Polygon", "coordinates": [outer, hole]})
    locator = grid_locator()

    assert locator.locate(122.015, 30.015) is None
    assert locator.locate(122.005, 30.005).grid_id == grid.pk


def test_inactive_grids_and_grids_without_boundary_are_ignored(db):
    *_, west, east = small_tree()
    unit_update(unit=east, is_active=False)
    UnitFactory(level=UnitLevel.GRID, code="440305001001003", parent=west.parent, boundary=None)

    locator = grid_locator()

    assert len(locator) == 1
    assert locator.locate(120.015, 30.005) is None


def test_locate_many_matches_locate(db):
    small_tree()
    locator = grid_locator()
    random = np.random.default_rng(7)
    lons = np.concatenate([119.995 + random.random(2000) * 0.03, [120.01, 120.01, 120.02]])
    lats = np.concatenate([29.995 + random.random(2000) * 0.02, [30.005, 30.01, 30.005]])

    many = locator.locate_many(lons, lats)

    assert many == [locator.locate(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    inside = (lons >= 120.0) & (lons <= 120.02) & (lats >= 30.0) & (lats <= 30.01)
    assert [result is not None for result in many] == inside.tolist()


def test_locate_many_of_nothing(db):
    small_tree()

    assert grid_locator().locate_many([], []) == []
    assert GridLocator([]).locate_many([120.0], [30.0]) == [None]
    assert GridLocator([]).locate(120.0, 30.0) is None


def test_cached_locator_is_reused_until_units_change(db):
    *_, west, _east = small_tree()
    first = grid_locator()

    assert grid_locator() is first
    unit_update(unit=west, grid_class="2")
    second = grid_locator()

    assert second is not first
    assert second.locate(120.005, 30.005).grid_class_id == GridClass.objects.get(scheme__is_in_use=True, code="2").pk


def test_moving_a_community_moves_its_grids_paths_in_the_locator(db):
    _district, subdistrict, _area, community, _west, _east = small_tree()
    grid_locator()

    unit_update(unit=community, parent=subdistrict)

    assert grid_locator().locate(120.005, 30.005).territory_path == (
        "/440305/440305001/440305001001/440305001001001/")
    assert grid_locator().locate(120.005, 30.005).area_id is None
