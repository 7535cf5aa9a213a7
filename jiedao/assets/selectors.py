"""Reads of the register: the list with its filters, the map's points, the nearest assets to a
point, the cases on and near an asset (cut by `cases_in_reach`), and the assets whose repairs recur."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from shapely.geometry import box

from jiedao import clock
from jiedao.cases.models import Case
from jiedao.cases.selectors import CasesInReach, cases_in_reach
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation

from .access import visible_assets_filter, visible_zones_filter
from .models import Asset, AssetCase, AssetPolicy, AssetState, CleaningZone

_METRES_PER_DEGREE = 111_320.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Equirectangular distance: exact enough over a few hundred metres."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)) * _METRES_PER_DEGREE
    y = (lat2 - lat1) * _METRES_PER_DEGREE
    return math.hypot(x, y)


def _box(lon: float, lat: float, within_m: float) -> tuple[float, float, float, float]:
    dlat = within_m / _METRES_PER_DEGREE
    dlon = within_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def assets_visible(*, user) -> QuerySet[Asset]:
    condition = visible_assets_filter(user)
    return Asset.objects.filter(condition) if condition is not None else Asset.objects.none()


def zones_visible(*, user) -> QuerySet[CleaningZone]:
    condition = visible_zones_filter(user)
    return CleaningZone.objects.filter(condition) if condition is not None else CleaningZone.objects.none()


@dataclass(frozen=True)
class AssetFilters:
    item_id: int | None = None
    state: str = ""
    grid_id: int | None = None
    maintainer_id: int | None = None
    query: str = ""
    repeat_only: bool = False


def assets_filtered(*, user, filters: AssetFilters) -> QuerySet[Asset]:
    assets = assets_visible(user=user)
    if filters.item_id:
        assets = assets.filter(item_id=filters.item_id)
    if filters.state:
        assets = assets.filter(state=filters.state)
    if filters.grid_id:
        assets = assets.filter(grid_id=filters.grid_id)
    if filters.maintainer_id:
        assets = assets.filter(maintainer_id=filters.maintainer_id)
    if filters.query:
        assets = assets.filter(Q(identifier__startswith=filters.query) | Q(name__contains=filters.query))
    if filters.repeat_only:
        assets = assets.filter(pk__in=repeat_repair_counts().keys())
    return assets


STATE_ORDER = list(AssetState.values)


def asset_map_points(*, user, filters: AssetFilters, bbox: tuple[float, float, float, float] | None = None,
                     limit: int) -> tuple[list[list], bool]:
    """The map's points as compact rows [id, lon, lat, state index, class code] (a few bytes each,
    so 20,000 stay one small response); True when more than `limit` matched."""
    assets = assets_filtered(user=user, filters=filters)
    if bbox is not None:
        west, south, east, north = bbox
        assets = assets.filter(latitude__range=(south, north), longitude__range=(west, east))
    rows = list(assets.order_by().values_list("pk", "longitude", "latitude", "state", "component_code")[:limit + 1])
    index = {state: position for position, state in enumerate(STATE_ORDER)}
    points = [[pk, round(lon, 6), round(lat, 6), index.get(state, 0), code] for pk, lon, lat, state, code in
              rows[:limit]]
    return points, len(rows) > limit


@dataclass(frozen=True)
class NearAsset:
    asset: Asset
    distance_m: float

    def as_json(self) -> dict:
        return {"id": self.asset.pk, "identifier": self.asset.identifier, "name": self.asset.display_name,
                "code": self.asset.item.code, "state": self.asset.state,
                "state_label": str(self.asset.get_state_display()), "distance_m": round(self.distance_m),
                "point": [self.asset.longitude, self.asset.latitude]}


def assets_nearest(*, longitude: float, latitude: float, within_m: float | None = None,
                   count: int | None = None) -> list[NearAsset]:
    """The assets in use (not removed or disused) nearest to a WGS-84 point, within the policy's
    distance, nearest first, at most the policy's count."""
    policy = AssetPolicy.current()
    within_m = policy.nearest_within_m if within_m is None else within_m
    count = policy.nearest_count if count is None else count
    west, south, east, north = _box(longitude, latitude, within_m)
    candidates = (Asset.objects.filter(latitude__range=(south, north), longitude__range=(west, east))
                  .exclude(state__in=[AssetState.REMOVED, AssetState.DISUSED]).select_related("item")[:2000])
    near = [NearAsset(asset, distance_m(longitude, latitude, asset.longitude, asset.latitude)) for asset in candidates]
    near = [entry for entry in near if entry.distance_m <= within_m]
    near.sort(key=lambda entry: (entry.distance_m, entry.asset.identifier))
    return near[:count]


def asset_cases(*, user, asset: Asset) -> CasesInReach:
    """The cases named on the asset, newest first, cut to what the reader may open."""
    cases = Case.objects.filter(asset_link__asset=asset).select_related("item").order_by("-reported_at")
    return cases_in_reach(user=user, cases=cases)


def cases_near(*, user, longitude: float, latitude: float, exclude_asset: Asset | None = None,
               within_m: float | None = None, limit_days: int = 365) -> CasesInReach:
    """Cases reported within `within_m` (the policy's) of a point in the last year, not named on the
    asset itself, cut to what the reader may open."""
    within_m = AssetPolicy.current().cases_near_m if within_m is None else within_m
    west, south, east, north = _box(longitude, latitude, within_m)
    grids = grid_locator().grids_intersecting(box(west, south, east, north))
    cases = Case.objects.filter(grid_id__in=grids, latitude__range=(south, north), longitude__range=(west, east),
                                reported_at__gte=clock.now() - timedelta(days=limit_days))
    if exclude_asset is not None:
        cases = cases.exclude(asset_link__asset=exclude_asset)
    return cases_in_reach(user=user, cases=cases.select_related("item").order_by("-reported_at"))


def repeat_repair_counts(*, now=None) -> dict[int, int]:
    """Asset id → its repair cases in the policy's window, for the assets with at least the policy's
    number of them (反复维修, a repeat point on an asset)."""
    policy = AssetPolicy.current()
    since = (now or clock.now()) - timedelta(days=policy.repeat_repairs_days)
    rows = (AssetCase.objects.filter(case__reported_at__gte=since).values("asset_id")
            .annotate(repairs=Count("id")).filter(repairs__gte=policy.repeat_repairs_count))
    return {row["asset_id"]: row["repairs"] for row in rows}


def assets_with_repeat_repairs(*, user, now=None) -> list[tuple[Asset, int]]:
    counts = repeat_repair_counts(now=now)
    assets = assets_visible(user=user).filter(pk__in=list(counts)).select_related("item", "grid", "maintainer")
    return sorted(((asset, counts[asset.pk]) for asset in assets), key=lambda pair: (-pair[1], pair[0].identifier))


def asset_state_counts(*, assets: QuerySet[Asset]) -> dict[str, int]:
    counts = dict(assets.order_by().values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in STATE_ORDER}


def cases_in_zone(*, user, zone: CleaningZone, limit_days: int = 365) -> CasesInReach:
    """Cases of the last year within the policy's distance of the zone's line or inside its
    polygon, cut to what the reader may open."""
    from shapely.geometry import Point, shape

    within_m = AssetPolicy.current().cases_near_m
    geometry = shape(zone.geometry)
    degrees = within_m / _METRES_PER_DEGREE
    west, south, east, north = geometry.buffer(degrees * 1.5).bounds
    grids = grid_locator().grids_intersecting(box(west, south, east, north))
    candidates = Case.objects.filter(grid_id__in=grids, latitude__range=(south, north), longitude__range=(west, east),
                                     reported_at__gte=clock.now() - timedelta(days=limit_days))
    reach = geometry.buffer(degrees) if geometry.geom_type != "Polygon" else geometry.buffer(degrees / 3)
    inside = [pk for pk, lon, lat in candidates.values_list("pk", "longitude", "latitude")[:20_000]
              if reach.contains(Point(lon, lat))]
    cases = Case.objects.filter(pk__in=inside).select_related("item").order_by("-reported_at")
    return cases_in_reach(user=user, cases=cases)


def register_stamp() -> str:
    """Changes whenever an asset is added, removed or changed (every writer sets `updated_at`):
    the key of what is cached from the register. One aggregate over an index-sized table."""
    stamp = Asset.objects.aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    return f"{stamp['count']}:{stamp['top']}:{stamp['last'].timestamp() if stamp['last'] else 0}"


FILTER_CHOICES_SECONDS = 600


def filter_choices(*, stamp: str) -> dict:
    """The classes and maintainers the register holds (for the filters), cached with the stamp."""
    key = f"assets:choices:{stamp}"
    found = cache.get(key)
    if found is None:
        item_ids = set(Asset.objects.order_by().values_list("item_id", flat=True).distinct())
        maintainer_ids = set(Asset.objects.order_by().values_list("maintainer_id", flat=True).distinct()) - {None}
        found = {"items": list(CatalogueItem.objects.filter(pk__in=item_ids).order_by("code")),
                 "maintainers": list(Organisation.objects.filter(pk__in=maintainer_ids).order_by("code"))}
        cache.set(key, found, FILTER_CHOICES_SECONDS)
    return found
