"""The key places' geometry: what a valid one is, and which points lie in a place.

Pure (no database). A place is stored as GeoJSON in WGS-84 longitude/latitude. To match a point
against it with a buffer in metres, both are drawn on a local flat frame centred on the place
(an equirectangular projection: metres east and north of the centre), which is exact to well
under a metre over the few kilometres of a sub-district."""

import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

# Metres per degree of latitude on the sphere of the case pages' distance (cases.selectors.distance_m).
EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180

LINE_TYPES = frozenset({"LineString", "MultiLineString"})
AREA_TYPES = frozenset({"Polygon", "MultiPolygon"})
# Shorter than this a back street is a point, smaller than this a market is a stall.
SHORTEST_LINE_M = 10
SMALLEST_AREA_M2 = 100
LARGEST_SPAN_DEGREES = 1.0  # a key place of a sub-district is never 100 km across


class GeometryProblem(ValueError):
    """Why a geometry cannot be a key place, in words for the person who drew it."""


@dataclass(frozen=True)
class LocalFrame:
    """Metres east and north of (lon0, lat0)."""

    lon0: float
    lat0: float

    @property
    def east_scale(self) -> float:
        return METRES_PER_DEGREE * math.cos(math.radians(self.lat0))

    def to_metres(self, longitudes, latitudes) -> tuple[np.ndarray, np.ndarray]:
        lon = np.asarray(longitudes, dtype=float)
        lat = np.asarray(latitudes, dtype=float)
        return (lon - self.lon0) * self.east_scale, (lat - self.lat0) * METRES_PER_DEGREE

    def project(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, lambda xy: np.column_stack(self.to_metres(xy[:, 0], xy[:, 1])))

    def unproject(self, geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, lambda xy: np.column_stack(
            (self.lon0 + xy[:, 0] / self.east_scale, self.lat0 + xy[:, 1] / METRES_PER_DEGREE)))


def geometry_read(data) -> BaseGeometry:
    """The shapely geometry of a GeoJSON object (a dict, as the JSON field holds it)."""
    if not isinstance(data, dict) or "type" not in data or "coordinates" not in data:
        raise GeometryProblem(_("位置应为 GeoJSON 几何对象（含 type 与 coordinates）"))
    if data["type"] not in LINE_TYPES | AREA_TYPES:
        raise GeometryProblem(_("位置应为线（LineString）或面（Polygon），不支持 %(type)s")
                              % {"type": str(data["type"])[:40]})
    try:
        geometry = shape(data)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as error:
        raise GeometryProblem(_("位置的坐标无法读取：%(why)s") % {"why": str(error)[:120]}) from error
    if geometry.is_empty:
        raise GeometryProblem(_("位置为空"))
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        raise GeometryProblem(_("位置含有无效的数字"))
    longitudes, latitudes = coordinates[:, 0], coordinates[:, 1]
    if not ((longitudes >= -180) & (longitudes <= 180) & (latitudes >= -90) & (latitudes <= 90)).all():
        raise GeometryProblem(_("坐标应为 WGS-84 经纬度：经度 −180 至 180，纬度 −90 至 90"))
    minx, miny, maxx, maxy = geometry.bounds
    if maxx - minx > LARGEST_SPAN_DEGREES or maxy - miny > LARGEST_SPAN_DEGREES:
        raise GeometryProblem(_("位置跨度过大（超过 1 度），请检查坐标"))
    if not geometry.is_valid:
        raise GeometryProblem(_("位置的几何形状无效：%(why)s") % {"why": explain_validity(geometry)})
    return geometry


def geometry_check(data, *, wants_line: bool | None) -> BaseGeometry:
    """A valid geometry of the wanted shape (a line for a back street, an area for a market or the
    urban-rural fringe; None: either), long or large enough to be a place."""
    geometry = geometry_read(data)
    is_line = geometry.geom_type in LINE_TYPES
    if wants_line is True and not is_line:
        raise GeometryProblem(_("背街小巷应画成线（LineString）"))
    if wants_line is False and is_line:
        raise GeometryProblem(_("农贸市场、城乡结合部应画成面（Polygon）"))
    local = frame_of(geometry).project(geometry)
    if is_line and local.length < SHORTEST_LINE_M:
        raise GeometryProblem(_("线太短（不足 %(m)d 米）") % {"m": SHORTEST_LINE_M})
    if not is_line and local.area < SMALLEST_AREA_M2:
        raise GeometryProblem(_("面积太小（不足 %(m2)d 平方米）") % {"m2": SMALLEST_AREA_M2})
    return geometry


def frame_of(geometry: BaseGeometry) -> LocalFrame:
    centre = geometry.envelope.centroid
    return LocalFrame(lon0=centre.x, lat0=centre.y)


@dataclass(frozen=True)
class PlaceMatcher:
    """Which points lie in a place: inside the area, or within `buffer_m` of the line (and within
    `buffer_m` around an area, when it has one). Points on the edge count."""

    frame: LocalFrame
    zone: BaseGeometry  # in the local frame, buffered, prepared
    bounds: tuple[float, float, float, float]  # lon/lat box holding the zone, for a cheap first cut
    zone_lonlat: BaseGeometry  # the zone back in longitude/latitude (which grids it touches)

    @classmethod
    def of(cls, data, buffer_m: float) -> "PlaceMatcher":
        geometry = geometry_read(data)
        frame = frame_of(geometry)
        local = frame.project(geometry)
        zone = local.buffer(buffer_m) if buffer_m > 0 else local
        if zone.geom_type in LINE_TYPES:  # a line with no buffer matches nothing but itself
            zone = local.buffer(0.5)
        shapely.prepare(zone)
        minx, miny, maxx, maxy = zone.bounds
        # Back to degrees, one metre wider so that rounding never cuts a point on the edge.
        bounds = (frame.lon0 + (minx - 1) / frame.east_scale, frame.lat0 + (miny - 1) / METRES_PER_DEGREE,
                  frame.lon0 + (maxx + 1) / frame.east_scale, frame.lat0 + (maxy + 1) / METRES_PER_DEGREE)
        return cls(frame=frame, zone=zone, bounds=bounds, zone_lonlat=frame.unproject(zone))

    def holds(self, longitudes, latitudes) -> np.ndarray:
        """A boolean per point (vectorised: no loop over the points in Python)."""
        lon = np.asarray(longitudes, dtype=float)
        lat = np.asarray(latitudes, dtype=float)
        minx, miny, maxx, maxy = self.bounds
        near = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
        result = np.zeros(lon.shape, dtype=bool)
        if near.any():
            x, y = self.frame.to_metres(lon[near], lat[near])
            result[near] = shapely.intersects_xy(self.zone, x, y)
        return result
