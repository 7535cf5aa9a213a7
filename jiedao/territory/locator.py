"""Which grid (单元网格) a WGS-84 point falls in, for one point or a million.

The locator is built once from every active grid with a boundary and kept in the process. It is
rebuilt when the cheap version stamp of the unit table changes (count, highest id, latest
`updated_at`), which catches edits made by other processes; in this process every unit save or
delete also bumps a generation counter (connected in `TerritoryConfig.ready`), which catches
edits the stamp cannot see, such as a test transaction rolled back and redone at a frozen clock.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max
from shapely.geometry import shape

from .models import Unit, UnitLevel


@dataclass(frozen=True, slots=True)
class LocatedPoint:
    grid_id: int
    grid_code: str
    grid_class_id: int | None  # territory.GridClass
    territory_path: str
    community_id: int | None
    area_id: int | None
    subdistrict_id: int | None


class GridLocator:
    """Grids sorted by code, in an STRtree. A point on a shared edge or corner touches several
    grids; it goes to the one with the lowest code, the same way every time."""

    def __init__(self, grids: list[tuple[object, LocatedPoint]]):
        ordered = sorted(grids, key=lambda pair: pair[1].grid_code)
        self._results: list[LocatedPoint] = [located for _geometry, located in ordered]
        self._geometries = np.array([geometry for geometry, _located in ordered], dtype=object)
        shapely.prepare(self._geometries)
        self._tree = shapely.STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self._results)

    @classmethod
    def from_units(cls, units: list[Unit] | None = None) -> "GridLocator":
        """Build from every active grid with a boundary; ancestors are resolved through `path`."""
        if units is None:
            units = list(Unit.objects.filter(is_active=True).only("id", "code", "level", "path", "grid_class",
                                                                  "boundary"))
        by_code = {unit.code: unit for unit in units}
        grids = []
        for unit in units:
            if unit.level != UnitLevel.GRID or not unit.boundary:
                continue
            geometry = shape(unit.boundary)
            if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            nearest: dict[str, int] = {}
            for code in reversed(unit.ancestor_codes()[:-1]):
                ancestor = by_code.get(code)
                if ancestor is not None and ancestor.level not in nearest:
                    nearest[ancestor.level] = ancestor.pk
            grids.append((geometry, LocatedPoint(
                grid_id=unit.pk, grid_code=unit.code, grid_class_id=unit.grid_class_id, territory_path=unit.path,
                community_id=nearest.get(UnitLevel.COMMUNITY), area_id=nearest.get(UnitLevel.AREA),
                subdistrict_id=nearest.get(UnitLevel.SUBDISTRICT),
            )))
        return cls(grids)

    def locate(self, lon: float, lat: float) -> LocatedPoint | None:
        if not len(self._results):
            return None
        hits = self._tree.query(shapely.points(lon, lat), predicate="intersects")
        return self._results[int(hits.min())] if len(hits) else None

    def locate_many(self, lons, lats) -> list[LocatedPoint | None]:
        """The same answers as `locate`, for arrays of points, in one vectorised query."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        located: list[LocatedPoint | None] = [None] * len(points)
        if not len(points) or not len(self._results):
            return located
        point_index, grid_index = self._tree.query(points, predicate="intersects")
        if not len(point_index):
            return located
        # Lowest grid index (= lowest code) per point: sort by (point, grid), keep each point's first.
        order = np.lexsort((grid_index, point_index))
        point_index, grid_index = point_index[order], grid_index[order]
        first = np.ones(len(point_index), dtype=bool)
        first[1:] = point_index[1:] != point_index[:-1]
        results = self._results
        for point, grid in zip(point_index[first].tolist(), grid_index[first].tolist(), strict=True):
            located[point] = results[grid]
        return located

    def grids_intersecting(self, geometry) -> list[int]:
        """The ids of the grids a WGS-84 geometry touches (a key place: the cases in it lie in them)."""
        if not len(self._results):
            return []
        return [self._results[index].grid_id for index in self._tree.query(geometry, predicate="intersects").tolist()]


_lock = threading.Lock()
_build_lock = threading.Lock()
_cached: GridLocator | None = None
_cached_stamp: tuple | None = None
_checked_at = 0.0
_generation = 0

# How long a process trusts its locator before it asks the database whether another process
# changed the grids. Edits in this process are seen at once (the generation counter).
STAMP_TTL_SECONDS = 5.0


def grid_locator_invalidate(**_signal_arguments) -> None:
    """Forget the cached locator in this process (the next `grid_locator()` rebuilds it)."""
    global _generation, _checked_at
    with _lock:
        _generation += 1
        _checked_at = 0.0


def _version_stamp() -> tuple:
    stamp = Unit.objects.aggregate(count=Count("id"), last_id=Max("id"), last_update=Max("updated_at"))
    return (_generation, stamp["count"], stamp["last_id"], stamp["last_update"])


def grid_locator() -> GridLocator:
    """The process's locator. The database stamp is read at most every STAMP_TTL_SECONDS, so a
    report costs no query here; one thread builds while the others wait for its result."""
    global _cached, _cached_stamp, _checked_at
    now = time.monotonic()
    with _lock:
        if _cached is not None and _cached_stamp is not None and _cached_stamp[0] == _generation \
                and now - _checked_at < STAMP_TTL_SECONDS:
            return _cached
    with _build_lock:
        stamp = _version_stamp()
        with _lock:
            if _cached is not None and _cached_stamp == stamp:
                _checked_at = now
                return _cached
        locator = GridLocator.from_units()
        with _lock:
            _cached, _cached_stamp, _checked_at = locator, stamp, now
        return locator


def grid_locator_reset() -> None:
    """Drop the cached locator entirely (tests use it between cases)."""
    global _cached, _cached_stamp, _checked_at
    with _lock:
        _cached, _cached_stamp, _checked_at = None, None, 0.0
