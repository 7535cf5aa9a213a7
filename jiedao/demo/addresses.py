"""The demo's standard address register (一标三实): the roads each community of 青溪街道 names
(`geography.COMMUNITIES[*].roads`) laid across its grids, house numbers every few tens of metres
along them (odd on the left, even on the right, as 门牌 are numbered), and a few estates, markets
and schools at chosen numbers — among them 桃源路88号 (桃源新村) in a grid of 桃源社区. Pure geometry
from the grids' own polygons, so the roads always run through the grids. Idempotent."""

import math

import shapely
from django.db import transaction
from shapely.geometry import LineString, mapping
from shapely.ops import substring

from jiedao.addresses.models import HouseNumber, PlaceKind, Road
from jiedao.addresses.services import place_save, road_save
from jiedao.territory.locator import grid_locator

from . import geography

# Metres per degree at the sub-district's latitude (a local flat frame is exact enough over 6 km).
_KY = 111_320.0
_KX = _KY * math.cos(math.radians((geography.SOUTH + geography.NORTH) / 2))
SPACING_M = 30.0  # between neighbouring 门牌 on one side
SETBACK_M = 12.0  # from the road's centre line to the door
LANE_LENGTH_M = 700.0  # 巷, 弄 and village 组 are short
MIN_PAIRS = 60  # every road gets at least this many numbers a side (so 桃源路 reaches 88号)
# Estates, markets, schools (and a few 楼栋) at chosen house numbers of each community's first road.
PLACES = [
    ("新村", PlaceKind.ESTATE, 88), ("农贸市场", PlaceKind.MARKET, 21), ("小学", PlaceKind.SCHOOL, 45),
    ("社区卫生服务站", PlaceKind.HOSPITAL, 60), ("文化广场", PlaceKind.PARK, 7),
]
BUILDINGS_AT_ESTATE = ("1栋", "2栋", "3栋", "5栋")


def _to_metres(geometry):
    return shapely.transform(geometry, lambda xy: xy * [_KX, _KY])


def _to_degrees(geometry):
    return shapely.transform(geometry, lambda xy: xy / [_KX, _KY])


def _course(polygon_m, index: int, is_lane: bool) -> LineString | None:
    """A road across the polygon (metres): E–W for even indexes, N–S for odd ones, slightly tilted,
    at the middle, a quarter or three quarters across; lanes cut to LANE_LENGTH_M around their middle."""
    minx, miny, maxx, maxy = polygon_m.bounds
    fraction = (0.5, 0.5, 0.3, 0.7)[index % 4]
    tilt = math.radians((7, -9, 5, -4)[index % 4])
    if index % 2 == 0:
        centre = ((minx + maxx) / 2, miny + (maxy - miny) * fraction)
        direction = (math.cos(tilt), math.sin(tilt))
    else:
        centre = (minx + (maxx - minx) * fraction, (miny + maxy) / 2)
        direction = (math.sin(tilt), math.cos(tilt))
    reach = 20_000.0
    line = LineString([(centre[0] - direction[0] * reach, centre[1] - direction[1] * reach),
                       (centre[0] + direction[0] * reach, centre[1] + direction[1] * reach)])
    inside = line.intersection(polygon_m.buffer(-40))
    parts = [inside] if inside.geom_type == "LineString" else list(getattr(inside, "geoms", []))
    parts = [part for part in parts if part.geom_type == "LineString" and part.length > 100]
    if not parts:
        return None
    course = max(parts, key=lambda part: part.length)
    if is_lane and course.length > LANE_LENGTH_M:
        middle = course.length / 2
        course = substring(course, middle - LANE_LENGTH_M / 2, middle + LANE_LENGTH_M / 2)
    return course


def _doors(course_m: LineString) -> list[tuple[int, float, float]]:
    """(number, x, y) in metres: odd numbers on the left of the direction of travel, even on the right."""
    spacing = min(SPACING_M, course_m.length / (MIN_PAIRS + 1))
    doors = []
    for step in range(1, int(course_m.length / spacing)):
        at = course_m.interpolate(step * spacing)
        ahead = course_m.interpolate(min(step * spacing + 1, course_m.length))
        dx, dy = ahead.x - at.x, ahead.y - at.y
        norm = math.hypot(dx, dy) or 1.0
        left = (-dy / norm * SETBACK_M, dx / norm * SETBACK_M)
        doors.append((2 * step - 1, at.x + left[0], at.y + left[1]))
        doors.append((2 * step, at.x - left[0], at.y - left[1]))
    return doors


def _is_lane(name: str) -> bool:
    return name.endswith(("巷", "弄", "组"))


@transaction.atomic
def demo_addresses_seed() -> str:
    """Build the register once; a second run writes nothing."""
    names = {road for plan in geography.COMMUNITIES for road in plan.roads}
    if Road.objects.filter(name__in=names).exists():
        return "address register already there, nothing to do"
    grid_plans = geography.grids()
    communities: dict[str, list] = {}
    for grid in grid_plans:
        communities.setdefault(grid.community_code, []).append(grid.polygon)
    polygons = {code: geography.union_of(parts) for code, parts in communities.items()}
    # A road several communities name (青溪大街, 清江路) runs through all of them.
    owners: dict[str, list[tuple[str, int]]] = {}
    for plan in geography.COMMUNITIES:
        for index, road in enumerate(plan.roads):
            owners.setdefault(road, []).append((plan.code, index))
    locator = grid_locator()
    roads = houses = places = 0
    first_roads: dict[str, tuple[Road, dict[int, HouseNumber]]] = {}
    for name, where in owners.items():
        polygon = shapely.union_all([polygons[code] for code, _index in where])
        course_m = _course(_to_metres(polygon), where[0][1], _is_lane(name))
        if course_m is None:
            continue
        course = shapely.set_precision(_to_degrees(course_m), geography.PRECISION)
        road = road_save(name=name, line={"type": "LineString", "coordinates": [
            [round(x, 6), round(y, 6)] for x, y in mapping(course)["coordinates"]]})
        roads += 1
        doors = _doors(course_m)
        located = locator.locate_many([x / _KX for _n, x, _y in doors], [y / _KY for _n, _x, y in doors])
        rows = [HouseNumber(road=road, number=number, longitude=round(x / _KX, 7), latitude=round(y / _KY, 7),
                            grid_id=found.grid_id, code=f"DZ{road.pk:03d}{number:04d}")
                for (number, x, y), found in zip(doors, located, strict=True) if found is not None]
        HouseNumber.objects.bulk_create(rows)
        houses += len(rows)
        for code, index in where:
            if index == 0:
                first_roads[code] = (road, {h.number: h for h in HouseNumber.objects.filter(road=road)})
    for plan in geography.COMMUNITIES:
        if plan.code not in first_roads:
            continue
        road, by_number = first_roads[plan.code]
        short = plan.name.removesuffix("社区").removesuffix("村")
        for suffix, kind, number in PLACES:
            house = by_number.get(number)
            if house is None:
                continue
            name = f"{short}{suffix}"
            house.building_name = name
            house.save(update_fields=["building_name"])
            place_save(name=name, kind=kind, house_number=house, longitude=house.longitude, latitude=house.latitude)
            places += 1
            if kind == PlaceKind.ESTATE:
                for offset, building in enumerate(BUILDINGS_AT_ESTATE):
                    # The estate's blocks stand behind its gate, a few metres apart.
                    place_save(name=building, kind=PlaceKind.BUILDING, house_number=house,
                               longitude=house.longitude + (offset - 1.5) * 18 / _KX,
                               latitude=house.latitude + 25 / _KY * (1 if number % 2 else -1))
                    places += 1
    return f"address register: {roads} roads, {houses} house numbers, {places} buildings and places"
