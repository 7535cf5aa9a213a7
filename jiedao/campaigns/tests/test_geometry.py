"""Key places' geometry: what is refused, and which points a place holds (pure, no database)."""

import numpy as np
import pytest

from jiedao.campaigns.geometry import GeometryProblem, PlaceMatcher, geometry_check

from .conftest import METRES_PER_DEGREE, line_geometry, north_of_street, square_geometry


def test_a_back_street_holds_points_within_its_buffer_and_not_beyond():
    matcher = PlaceMatcher.of(line_geometry(), 30)

    inside = matcher.holds([120.105, 120.105, 120.105, 120.1009], [north_of_street(29.5), north_of_street(-29.5),
                                                                   north_of_street(0), 30.205])
    outside = matcher.holds([120.105, 120.105], [north_of_street(30.5), north_of_street(-31)])

    assert inside.tolist() == [True, True, True, True]  # 120.1009 is ~10 m beyond the end: a round cap
    assert outside.tolist() == [False, False]


def test_an_area_holds_its_inside_and_edge_and_its_buffer_widens_it():
    market = square_geometry(120.121, 30.201, 120.123, 30.203)
    just_east = 120.123 + 5 / (METRES_PER_DEGREE * np.cos(np.radians(30.202)))

    assert PlaceMatcher.of(market, 0).holds([120.122, 120.123, just_east], [30.202, 30.202, 30.202]).tolist() == [
        True, True, False]
    assert PlaceMatcher.of(market, 10).holds([just_east], [30.202]).tolist() == [True]


@pytest.mark.parametrize(("data", "wants_line", "message"), [
    ({"type": "Point", "coordinates": [120.1, 30.2]}, None, "位置应为线（LineString）或面（Polygon），不支持 Point"),
    ({"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.11, 30.21], [120.11, 30.2], [120.1, 30.21],
                                          [120.1, 30.2]]]}, False, "位置的几何形状无效：Self-intersection[120.105 30.205]"),
    (square_geometry(120.1, 30.2, 120.11, 30.21), True, "背街小巷应画成线（LineString）"),
    (line_geometry(), False, "农贸市场、城乡结合部应画成面（Polygon）"),
    ({"type": "LineString", "coordinates": [[120.1, 30.2], [120.10001, 30.2]]}, True, "线太短（不足 10 米）"),
    ({"type": "LineString", "coordinates": [[200, 30.2], [201, 30.2]]}, True,
     "坐标应为 WGS-84 经纬度：经度 −180 至 180，纬度 −90 至 90"),
    ({"type": "LineString", "coordinates": [[120.1, 30.2], [122.1, 30.2]]}, True, "位置跨度过大（超过 1 度），请检查坐标"),
    ({"type": "LineString", "coordinates": [["a", 30.2]]}, True, None),
    ({"type": "LineString"}, True, "位置应为 GeoJSON 几何对象（含 type 与 coordinates）"),
    ("LINESTRING(120 30, 121 30)", True, "位置应为 GeoJSON 几何对象（含 type 与 coordinates）"),
    (square_geometry(120.1, 30.2, 120.10005, 30.20005), False, "面积太小（不足 100 平方米）"),
])
def test_a_geometry_that_cannot_be_a_key_place_is_refused_with_the_reason(data, wants_line, message):
    with pytest.raises(GeometryProblem) as refused:
        geometry_check(data, wants_line=wants_line)

    if message is not None:
        assert str(refused.value) == message


@pytest.mark.django_db
def test_a_key_place_must_touch_its_community(world):
    from django.core.exceptions import ValidationError

    from jiedao.campaigns.models import KeyPlace, KeyPlaceKind

    place = KeyPlace(kind=KeyPlaceKind.BACK_STREET, name="错位的巷子", geometry=line_geometry(), buffer_m=30,
                     community=world.liuan)  # the line lies in 桃源's grid 0

    with pytest.raises(ValidationError) as refused:
        place.full_clean()

    assert refused.value.message_dict["geometry"] == ["位置不在柳岸社区的范围内"]
