"""Reads of the address register: the search as people type, the geocoding of an address an
Open311 client sends, the nearest standard address to a case's point, and what maps draw."""

import math
from dataclasses import dataclass

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from shapely.geometry import shape

from jiedao.catalogue.search_text import search_query_normalised
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Unit, UnitLevel

from .models import AddressPolicy, AddressStatus, HouseNumber, Place, Road
from .parsing import ParsedAddress, address_parse

# Ranks (lower first): what the typed text names exactly, then the roads it begins, then buildings.
EXACT, ROAD_PREFIX, ROAD_CONTAINS, PLACE = 0, 1, 2, 3
_PLACE_CANDIDATES = 100
_HOUSE_CANDIDATES = 500
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class AddressMatch:
    kind: str  # "house", "road" or "place"
    id: int
    label: str
    longitude: float
    latitude: float
    grid_name: str
    grid_code: str
    rank: int

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "label": self.label, "point": [self.longitude, self.latitude],
                "grid": self.grid_name, "grid_code": self.grid_code}


def _grid_names(ids) -> dict[int, tuple[str, str]]:
    return {pk: (name, code) for pk, name, code in
            Unit.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name", "code")}


def road_midpoint(road: Road) -> tuple[float, float] | None:
    """The point halfway along the road's course (where a map centres on the road)."""
    if not road.line:
        return None
    try:
        geometry = shape(road.line)
        if geometry.geom_type == "MultiLineString":
            geometry = max(geometry.geoms, key=lambda part: part.length)
        middle = geometry.interpolate(0.5, normalized=True)
    except (ValueError, TypeError, AttributeError):
        return None
    return middle.x, middle.y


def _road_names(road: Road) -> list[str]:
    return [road.name, *road.alias_list()]


def _houses(queryset, rank_of) -> list[tuple]:
    return [(rank_of(house), house) for house in queryset.select_related("road")]


def address_search(*, query: str, limit: int = 10) -> list[AddressMatch]:
    """Standard addresses in use matching what is typed, best first: the house number typed exactly
    (a building typed after it, "桃源路88号3栋", before the number itself), then the house numbers and
    roads of roads whose name (or alias, or pinyin) begins with the typed road, then those
    containing it, then buildings and places by name, alias or pinyin."""
    parsed = address_parse(query)
    if not parsed.text:
        return []
    road_text = parsed.road or parsed.text
    pinyin = search_query_normalised(parsed.text) if parsed.text.isascii() else ""
    roads = list(Road.objects.filter(status=AddressStatus.IN_USE))
    road_rank: dict[int, int] = {}
    for road in roads:
        names = _road_names(road)
        words = road.search_text.split()
        if any(name == road_text or name.startswith(road_text) for name in names) or (
                pinyin and any(word.startswith(pinyin) for word in words)):
            road_rank[road.pk] = ROAD_PREFIX
        elif any(road_text in name for name in names) or (pinyin and pinyin in road.search_text):
            road_rank[road.pk] = ROAD_CONTAINS
    exact_road_ids = {road.pk for road in roads if parsed.road and parsed.road in _road_names(road)}

    scored: list[tuple[tuple, AddressMatch | object]] = []
    in_use = HouseNumber.objects.filter(status=AddressStatus.IN_USE)
    if parsed.number is not None and road_rank:
        # Every house number of the matching roads whose number begins with the typed digits.
        digits = str(parsed.number)
        candidates = (in_use.filter(road_id__in=list(road_rank))
                      .annotate(number_text=Cast("number", CharField())).filter(number_text__startswith=digits)
                      .order_by("road__name", "number", "sub_number"))
        for house in candidates.select_related("road")[:_HOUSE_CANDIDATES]:
            exact = house.road_id in exact_road_ids and house.number == parsed.number
            if exact:
                sub_order = 0 if house.sub_number == parsed.sub_number else 1
                scored.append(((EXACT, 1, sub_order, house.sub_number), house))
            else:
                scored.append(((road_rank[house.road_id], 0, house.road.name, house.number, house.sub_number),
                               house))
        if parsed.rest:
            for place in Place.objects.filter(status=AddressStatus.IN_USE, house_number__road_id__in=exact_road_ids,
                                              house_number__number=parsed.number,
                                              name__icontains=parsed.rest).select_related("house_number__road"):
                scored.append(((EXACT, 0, 0, place.name), place))
    elif road_rank:
        for road in roads:
            if road.pk in road_rank:
                scored.append(((road_rank[road.pk], 0, road.name), road))
        # The first numbers of the road typed exactly, so "桃源路" already offers its 门牌.
        if exact_road_ids:
            for house in in_use.filter(road_id__in=exact_road_ids).select_related("road")[:limit]:
                scored.append(((ROAD_PREFIX, 1, house.road.name, house.number, house.sub_number), house))

    name_text = parsed.rest if parsed.is_house_number and parsed.rest else parsed.text
    condition = Q(name__icontains=name_text) | Q(aliases__icontains=name_text)
    if pinyin:
        condition |= Q(search_text__contains=pinyin)
    if not (parsed.is_house_number and parsed.rest):
        for place in (Place.objects.filter(condition, status=AddressStatus.IN_USE)
                      .select_related("house_number__road")[:_PLACE_CANDIDATES]):
            closeness = 0 if place.name == name_text else 1 if place.name.startswith(name_text) else 2
            scored.append(((PLACE, closeness, place.name), place))

    scored.sort(key=lambda pair: pair[0])
    chosen = scored[:limit]
    points: dict[int, tuple[float, float] | None] = {}
    located = grid_locator()
    grid_ids = []
    for _key, entry in chosen:
        if isinstance(entry, Road):
            points[id(entry)] = road_midpoint(entry)
            where = points[id(entry)]
            found = located.locate(*where) if where else None
            grid_ids.append(found.grid_id if found else None)
        else:
            grid_ids.append(entry.grid_id)
    names = _grid_names(grid_ids)
    matches = []
    for (key, entry), grid_id in zip(chosen, grid_ids, strict=True):
        grid_name, grid_code = names.get(grid_id, ("", ""))
        if isinstance(entry, Road):
            where = points[id(entry)]
            if where is None:
                continue  # a road without its course cannot move the map
            matches.append(AddressMatch("road", entry.pk, entry.name, where[0], where[1], grid_name, grid_code,
                                        key[0]))
        else:
            kind = "house" if isinstance(entry, HouseNumber) else "place"
            label = entry.label
            if kind == "house" and entry.building_name:
                label = f"{label}（{entry.building_name}）"
            matches.append(AddressMatch(kind, entry.pk, label, entry.longitude, entry.latitude, grid_name, grid_code,
                                        key[0]))
    return matches


def address_geocode(*, text: str = "", code: str = "") -> AddressMatch | None:
    """The one standard address a text names exactly (a 门牌, a building at it, or a building or place
    by its full name), or the 门牌 with that address code; None when it names none, or several."""
    if code:
        house = HouseNumber.objects.filter(code=code.strip(), status=AddressStatus.IN_USE).first()
        return _match_of(house) if house else None
    parsed: ParsedAddress = address_parse(text)
    if parsed.is_house_number:
        road_ids = [road.pk for road in Road.objects.filter(status=AddressStatus.IN_USE)
                    if parsed.road in _road_names(road)]
        house = HouseNumber.objects.filter(road_id__in=road_ids, number=parsed.number, sub_number=parsed.sub_number,
                                           status=AddressStatus.IN_USE).select_related("road").first()
        if house is None:
            return None
        if parsed.rest:
            place = house.places.filter(status=AddressStatus.IN_USE, name=parsed.rest).first()
            if place is not None:
                return _match_of(place)
        return _match_of(house)
    if not parsed.text:
        return None
    places = list(Place.objects.filter(Q(name=parsed.text) | Q(aliases__contains=parsed.text),
                                       status=AddressStatus.IN_USE).select_related("house_number__road")[:2])
    places = [place for place in places if place.name == parsed.text or parsed.text in
              [alias.strip() for alias in place.aliases.replace("，", ",").split(",")]]
    return _match_of(places[0]) if len(places) == 1 else None


def _match_of(entry: HouseNumber | Place) -> AddressMatch:
    grid_name, grid_code = _grid_names([entry.grid_id]).get(entry.grid_id, ("", ""))
    kind = "house" if isinstance(entry, HouseNumber) else "place"
    return AddressMatch(kind, entry.pk, entry.label, entry.longitude, entry.latitude, grid_name, grid_code, EXACT)


@dataclass(frozen=True)
class NearestAddress:
    label: str
    distance_m: float


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: exact enough over a few hundred metres."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)) * _METRES_PER_DEGREE
    y = (lat2 - lat1) * _METRES_PER_DEGREE
    return math.hypot(x, y)


def nearest_address(point: tuple[float, float], within_m: float) -> NearestAddress | None:
    """The standard address (门牌, else building or place) in use nearest to a WGS-84 (lon, lat),
    if one lies within `within_m` metres."""
    lon, lat = point
    if lon is None or lat is None or within_m <= 0:
        return None
    dlat = within_m / _METRES_PER_DEGREE
    dlon = within_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    box = {"status": AddressStatus.IN_USE, "latitude__range": (lat - dlat, lat + dlat),
           "longitude__range": (lon - dlon, lon + dlon)}
    best: tuple[float, str] | None = None
    for model in (HouseNumber, Place):
        related = "road" if model is HouseNumber else "house_number__road"
        for entry in model.objects.filter(**box).select_related(related)[:500]:
            distance = _distance_m(lon, lat, entry.longitude, entry.latitude)
            if distance <= within_m and (best is None or distance < best[0]):
                best = (distance, entry.label)
        if best is not None:
            break  # a 门牌 within reach names the place better than a building
    return NearestAddress(label=best[1], distance_m=best[0]) if best else None


def location_words(*, longitude: float | None, latitude: float | None, grid_name: str) -> str:
    """事发位置 for a case that has only a point: "桃源路88号附近 · 桃源社区第3网格"."""
    nearest = None
    if longitude is not None and latitude is not None:
        nearest = nearest_address((longitude, latitude), AddressPolicy.current().nearest_within_m)
    if nearest is None:
        return grid_name or "—"
    return _("%(address)s附近 · %(grid)s") % {"address": nearest.label, "grid": grid_name}


# ---------------------------------------------------------------- what the maps draw

# A long road is named again every LABEL_EVERY_M along its course, so its name is on screen wherever
# the map is.
LABEL_EVERY_M = 700.0


def _label_points(road: Road) -> list[list[float]]:
    try:
        geometry = shape(road.line)
    except (ValueError, TypeError, AttributeError, KeyError):
        return []
    parts = list(geometry.geoms) if geometry.geom_type == "MultiLineString" else [geometry]
    points = []
    for part in parts:
        if part.is_empty:
            continue
        middle_lat = part.centroid.y
        metres = part.length * _METRES_PER_DEGREE * max(math.cos(math.radians(middle_lat)), 0.3)
        count = max(1, int(metres // LABEL_EVERY_M))
        for index in range(count):
            at = part.interpolate((index + 0.5) / count, normalized=True)
            points.append([round(at.x, 6), round(at.y, 6)])
    return points


def roads_geojson() -> dict:
    """The courses of the roads in use, with their names and where to write them (spread along
    the road), for the maps' street layer."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": road.line, "properties": {"name": road.name, "labels": _label_points(road)}}
        for road in Road.objects.filter(status=AddressStatus.IN_USE).exclude(line=None).only("name", "line")]}


def grid_labels() -> list[dict]:
    """Each active grid's name at a point inside it (where the maps write it)."""
    labels = []
    for name, boundary in Unit.objects.filter(level=UnitLevel.GRID, is_active=True).exclude(boundary=None) \
            .values_list("name", "boundary"):
        try:
            inside = shape(boundary).representative_point()
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
        labels.append({"name": name, "lon": round(inside.x, 6), "lat": round(inside.y, 6)})
    return labels
