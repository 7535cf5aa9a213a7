import math

import pytest

from jiedao.territory.coordinates import (
    CoordinateError,
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# Reference pair from wandergis/coordtransform test/app.js (input 116.404, 39.915, 天安门).
BEIJING = (116.404, 39.915)
BEIJING_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
BEIJING_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
BEIJING_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)  # their one-step approximation
BEIJING_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)  # their one-step approximation


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, plenty for differences of a few metres."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(a[0] - b[0]) * math.cos(lat) * 6371008.8
    dy = math.radians(a[1] - b[1]) * 6371008.8
    return math.hypot(dx, dy)


def test_wgs84_to_gcj02_matches_the_reference():
    assert metres(wgs84_to_gcj02(*BEIJING), BEIJING_WGS84_TO_GCJ02) < 0.001


def test_gcj02_to_bd09_matches_the_reference():
    assert metres(gcj02_to_bd09(*BEIJING), BEIJING_GCJ02_TO_BD09) < 0.001


def test_gcj02_to_wgs84_inverts_the_reference_exactly():
    assert metres(gcj02_to_wgs84(*BEIJING_WGS84_TO_GCJ02), BEIJING) < 0.01


def test_gcj02_to_wgs84_is_close_to_the_one_step_approximation_but_more_precise():
    precise = gcj02_to_wgs84(*BEIJING)

    assert metres(precise, BEIJING_GCJ02_TO_WGS84) < 1.0
    assert metres(wgs84_to_gcj02(*precise), BEIJING) < 0.01


def test_bd09_to_gcj02_is_close_to_the_reference_and_round_trips():
    gcj = bd09_to_gcj02(*BEIJING)

    assert metres(gcj, BEIJING_BD09_TO_GCJ02) < 0.1
    assert metres(gcj02_to_bd09(*gcj), BEIJING) < 0.01


@pytest.mark.parametrize("point", [(121.4737, 31.2304), (113.9436, 22.5405), (87.6168, 43.8256), (126.6424, 45.7567)])
def test_round_trips_stay_under_half_a_metre_across_china(point):
    assert metres(gcj02_to_wgs84(*wgs84_to_gcj02(*point)), point) < 0.5
    assert metres(bd09_to_wgs84(*wgs84_to_bd09(*point)), point) < 0.5


def test_points_outside_china_pass_through():
    paris = (2.3522, 48.8566)

    assert wgs84_to_gcj02(*paris) == paris
    assert gcj02_to_wgs84(*paris) == paris


@pytest.mark.parametrize("crs", ["wgs84", "WGS84", "WGS-84"])
def test_to_wgs84_keeps_wgs84(crs):
    assert to_wgs84(lon=116.404, lat=39.915, crs=crs) == BEIJING


def test_to_wgs84_converts_gcj02_and_bd09():
    assert metres(to_wgs84(lon=BEIJING_WGS84_TO_GCJ02[0], lat=BEIJING_WGS84_TO_GCJ02[1], crs="GCJ02"), BEIJING) < 0.01
    bd = wgs84_to_bd09(*BEIJING)
    assert metres(to_wgs84(lon=bd[0], lat=bd[1], crs="bd09"), BEIJING) < 0.01


@pytest.mark.parametrize(("lon", "lat", "crs", "message"), [
    (116.4, 39.9, "epsg3857", "不支持的坐标系“epsg3857”，应为 wgs84、gcj02 或 bd09"),
    (float("nan"), 39.9, "wgs84", "坐标必须是有限的数字"),
    (116.4, float("inf"), "gcj02", "坐标必须是有限的数字"),
    (181.0, 39.9, "wgs84", "经度 181.0 超出范围（-180 至 180）"),
    (116.4, -91.0, "bd09", "纬度 -91.0 超出范围（-90 至 90）"),
    ("abc", 39.9, "wgs84", "坐标必须是数字"),
])
def test_to_wgs84_rejects_bad_input(lon, lat, crs, message):
    with pytest.raises(CoordinateError) as raised:
        to_wgs84(lon=lon, lat=lat, crs=crs)

    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)
