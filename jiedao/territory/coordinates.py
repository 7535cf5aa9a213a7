"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 conversion. Pure functions of their inputs, no database.

GCJ-02 (高德, 腾讯) and BD-09 (百度) are published obfuscation algorithms, not projections, so
pyproj cannot do them. The forward formulas are the widely used ones (wandergis/coordtransform);
the inverses are solved by fixed-point iteration to well under a millimetre instead of the usual
one-step approximation (which is off by a metre or more). Points outside China pass through:
GCJ-02 only shifts points inside the country's rough bounding box.
"""

import math

from django.utils.translation import gettext_lazy as _

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0

# Iterate until the correction is below ~1e-10° (about 0.01 mm); 30 rounds is far more than needed.
_TOLERANCE_DEGREES = 1e-10
_MAX_ROUNDS = 30

CRS_WGS84 = "wgs84"
CRS_GCJ02 = "gcj02"
CRS_BD09 = "bd09"
SUPPORTED_CRS = frozenset({CRS_WGS84, CRS_GCJ02, CRS_BD09})


class CoordinateError(ValueError):
    """An unknown coordinate system or a point that is not a longitude/latitude."""


def out_of_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    d_lat = _shift_lat(lon - 105.0, lat - 35.0)
    d_lon = _shift_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def _invert(forward, lon: float, lat: float, start: tuple[float, float]) -> tuple[float, float]:
    """Solve forward(x) = (lon, lat) for x, starting near the answer."""
    x_lon, x_lat = start
    for _round in range(_MAX_ROUNDS):
        f_lon, f_lat = forward(x_lon, x_lat)
        d_lon, d_lat = f_lon - lon, f_lat - lat
        x_lon, x_lat = x_lon - d_lon, x_lat - d_lat
        if abs(d_lon) < _TOLERANCE_DEGREES and abs(d_lat) < _TOLERANCE_DEGREES:
            break
    return x_lon, x_lat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat, start=(lon, lat))


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_approximate(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    return _invert(gcj02_to_bd09, lon, lat, start=_bd09_to_gcj02_approximate(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def to_wgs84(*, lon: float, lat: float, crs: str) -> tuple[float, float]:
    """Validate a point given in `crs` ("wgs84", "gcj02" or "bd09", any case) and return it in WGS-84."""
    name = (crs or "").strip().lower().replace("-", "").replace("_", "")
    if name not in SUPPORTED_CRS:
        raise CoordinateError(_("不支持的坐标系“%(crs)s”，应为 wgs84、gcj02 或 bd09") % {"crs": crs})
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as error:
        raise CoordinateError(_("坐标必须是数字")) from error
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoordinateError(_("坐标必须是有限的数字"))
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(_("经度 %(lon)s 超出范围（-180 至 180）") % {"lon": lon})
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(_("纬度 %(lat)s 超出范围（-90 至 90）") % {"lat": lat})
    if name == CRS_GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if name == CRS_BD09:
        return bd09_to_wgs84(lon, lat)
    return lon, lat
