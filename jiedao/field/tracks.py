"""Patrol tracks: distance on the sphere, and which of a device's points are kept. Pure functions
of their inputs (no database, no clock), so the rules are tested on hand-made points.

A point is [longitude, latitude, t] in WGS-84 with t in Unix seconds. Points arrive in batches
and each batch continues from the last point kept before it."""

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Mean Earth radius (IUGG), the usual choice for haversine; the error against the ellipsoid is
# under 0.5 % — centimetres over a patrol's ten-metre steps.
EARTH_RADIUS_M = 6_371_008.8

Point = tuple[float, float, float]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def track_distance_m(track: Iterable[Sequence[float]]) -> float:
    """The length of a track: the sum of the great-circle legs between consecutive points."""
    total, previous = 0.0, None
    for point in track:
        if previous is not None:
            total += haversine_m(previous[0], previous[1], point[0], point[1])
        previous = point
    return total


@dataclass(frozen=True)
class TrackRules:
    min_distance_m: float  # a point closer than this to the last kept one …
    min_interval_s: float  # … and sooner than this after it adds nothing: thinned
    max_speed_mps: float  # faster than this from the last kept point: a GPS jump, rejected
    earliest_t: float  # points before this (the patrol's start, less a little) are rejected
    latest_t: float  # points after this (now, or the patrol's end, plus a little) are rejected


# Why a point was not kept.
OUT_OF_RANGE = "out_of_range"  # not a longitude/latitude, or not a finite time
OUT_OF_TIME = "out_of_time"  # before the patrol began or after it ended / in the future
OUT_OF_ORDER = "out_of_order"  # not later than the last kept point
TOO_FAST = "too_fast"  # would need more than the maximum speed from the last kept point
THINNED = "thinned"  # too close in space and time to the last kept point (not an error)


@dataclass
class TrackExtension:
    kept: list[Point] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)

    @property
    def rejected_count(self) -> int:
        """Points refused as implausible (thinned points are redundant, not wrong)."""
        return sum(count for reason, count in self.dropped.items() if reason != THINNED)


def _plausible(point) -> Point | None:
    try:
        lon, lat, t = (float(value) for value in point)
    except (TypeError, ValueError, OverflowError):
        return None
    if not all(math.isfinite(value) for value in (lon, lat, t)):
        return None
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return None
    return lon, lat, t


def track_extend(*, last: Sequence[float] | None, points: Iterable[Sequence[float]],
                 rules: TrackRules) -> TrackExtension:
    """The points of a batch that continue a track ending at `last`, in order, and the count of
    the others by reason. Each point is judged against the last point kept before it."""
    result = TrackExtension()
    anchor = tuple(last) if last is not None else None
    for raw in points:
        point = _plausible(raw)
        if point is None:
            result.dropped[OUT_OF_RANGE] += 1
            continue
        lon, lat, t = point
        if not rules.earliest_t <= t <= rules.latest_t:
            result.dropped[OUT_OF_TIME] += 1
            continue
        if anchor is not None:
            elapsed = t - anchor[2]
            if elapsed <= 0:
                result.dropped[OUT_OF_ORDER] += 1
                continue
            distance = haversine_m(anchor[0], anchor[1], lon, lat)
            if distance / elapsed > rules.max_speed_mps:
                result.dropped[TOO_FAST] += 1
                continue
            if distance < rules.min_distance_m and elapsed < rules.min_interval_s:
                result.dropped[THINNED] += 1
                continue
        anchor = (round(lon, 7), round(lat, 7), round(t, 3))
        result.kept.append(anchor)
    return result
