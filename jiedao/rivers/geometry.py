"""A segment's geometry: what a river's course or a lake's outline may be, its length and box, and
the distance from a point to it. Pure functions of their inputs (no database)."""

import itertools
import math
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from jiedao.field.tracks import EARTH_RADIUS_M, haversine_m

SEGMENT_TYPES = ("LineString", "MultiLineString", "Polygon", "MultiPolygon")


def _positions(geometry: dict) -> list:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        return [coordinates]
    if kind in ("MultiLineString", "Polygon"):
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def geometry_errors(geometry: Any) -> list[str]:
    """Why a GeoJSON geometry cannot be a segment (empty when it can)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in SEGMENT_TYPES:
        return [_("河段几何须为 GeoJSON LineString、MultiLineString、Polygon 或 MultiPolygon（WGS-84）")]
    try:
        parts = _positions(geometry)
    except TypeError:
        parts = []
    if not parts or not all(isinstance(part, list) and len(part) >= 2 for part in parts):
        return [_("河段几何坐标为空或结构不正确")]
    for part in parts:
        for position in part:
            if (not isinstance(position, list | tuple) or len(position) < 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
                return [_("坐标点必须是 [经度, 纬度] 数字对")]
            if not (math.isfinite(position[0]) and math.isfinite(position[1])
                    and -180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                return [_("坐标 [%(lon)s, %(lat)s] 超出经纬度范围，须为 WGS-84 经纬度")
                        % {"lon": position[0], "lat": position[1]}]
    try:
        if not shape(geometry).is_valid:
            return [_("河段几何无效（自相交或环未闭合）")]
    except (ValueError, TypeError, shapely.errors.GEOSException):
        return [_("河段几何无效（自相交或环未闭合）")]
    return []


def vertices(geometry: dict) -> list[tuple[float, float]]:
    return [(float(p[0]), float(p[1])) for part in _positions(geometry) for p in part]


def length_m(geometry: dict) -> float:
    """A line's length, or a polygon's shoreline, on the sphere."""
    total = 0.0
    for part in _positions(geometry):
        for (lon1, lat1, *_a), (lon2, lat2, *_b) in itertools.pairwise(part):
            total += haversine_m(lon1, lat1, lon2, lat2)
    return round(total, 1)


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    points = vertices(geometry)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def degrees_for(metres: float, latitude: float) -> tuple[float, float]:
    """About how many degrees of longitude and latitude make `metres` here (for a search box)."""
    lat_degrees = math.degrees(metres / EARTH_RADIUS_M)
    lon_degrees = lat_degrees / max(0.01, math.cos(math.radians(latitude)))
    return lon_degrees, lat_degrees


def distance_m(geometry: dict, longitude: float, latitude: float) -> float:
    """Metres from a point to the geometry, in a local plane around the point (fine at a few km)."""
    scale_x = math.cos(math.radians(latitude)) * math.pi * EARTH_RADIUS_M / 180
    scale_y = math.pi * EARTH_RADIUS_M / 180
    local = shapely.transform(shape(geometry), lambda xy: (xy - [longitude, latitude]) * [scale_x, scale_y])
    return float(local.distance(Point(0, 0)))
