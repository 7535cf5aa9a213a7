"""The demo's 垃圾分类: eight sorting points in each of the six communities with their bins, six
facilities (a transfer station, a recycling centre, an incineration plant, a kitchen-waste plant, a
landfill and a hazardous-waste site), 400 days of weighed quantities — every point's collection by
class, every community's trips and treatment — with the residual share falling through the year
and a few trips short of what was collected (flagged), and weekly 督导 records, monthly household
surveys and bin spot checks. The ~80 000 records go in with one executemany (the ORM's bulk_create
took half a minute), then are rolled up in one statement."""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import shape

from jiedao import clock
from jiedao.territory.models import Organisation
from jiedao.waste.models import (
    CheckKind,
    Facility,
    FacilityKind,
    RecordSource,
    SortingCheck,
    SortingPoint,
    Stage,
    WasteClass,
    WasteRecord,
    WasteSupervisor,
)
from jiedao.waste.services import point_save, rollup_rebuild, waste_seed

SEED = 1301
POINTS_PER_COMMUNITY = 8
DAYS = 400
# kg per household and day, by class, at the start of the period (a year later the residual share is lower).
PER_HOUSEHOLD = {WasteClass.RECYCLABLE: 0.22, WasteClass.HAZARDOUS: 0.003, WasteClass.KITCHEN: 0.38,
                 WasteClass.RESIDUAL: 0.62}
FACILITIES = [
    ("T01", "青溪垃圾转运站", FacilityKind.TRANSFER, "压缩转运", False, False, (0.004, 0.003)),
    ("R01", "青溪再生资源回收中心", FacilityKind.RECYCLING, "分拣回收利用", True, False, (-0.006, 0.004)),
    ("F01", "清江区生活垃圾焚烧发电厂", FacilityKind.TREATMENT, "焚烧发电", True, True, (0.03, -0.02)),
    ("F02", "清江区餐厨（厨余）垃圾处理厂", FacilityKind.TREATMENT, "厌氧发酵", True, True, (0.028, 0.015)),
    ("F03", "清江区生活垃圾填埋场", FacilityKind.TREATMENT, "卫生填埋", False, True, (-0.03, -0.025)),
    ("F04", "危险废物处置中心", FacilityKind.TREATMENT, "安全处置", False, True, (0.035, 0.02)),
]
TREATED_AT = {WasteClass.RECYCLABLE: "R01", WasteClass.HAZARDOUS: "F04", WasteClass.KITCHEN: "F02"}


def demo_waste_seed(*, territory, people) -> str:
    if SortingPoint.objects.exists():
        return "waste: already there, nothing to do"
    waste_seed()
    staff = people.by_username.get("huanwei_admin") or people.by_username.get("leader")
    if staff is None or Organisation.objects.filter(code="D02").first() is None:
        return "waste: no 环卫所, nothing done"
    rng = random.Random(SEED)
    today = timezone.localdate(clock.now())
    grids = [grid for grid in territory.grids.values() if grid.boundary]
    centre = shape(grids[0].boundary).representative_point()
    facilities = {}
    for code, name, kind, method, recovered, harmless, (dx, dy) in FACILITIES:
        facilities[code] = Facility.objects.create(code=code, name=name, kind=kind, method=method,
                                                   is_resource_recovery=recovered, is_harmless=harmless,
                                                   longitude=round(centre.x + dx, 6), latitude=round(centre.y + dy, 6))
    points = []
    for community in territory.communities.values():
        own = [grid for grid in grids if grid.parent_id == community.pk]
        for number in range(POINTS_PER_COMMUNITY):
            grid = own[number % len(own)]
            inside = shape(grid.boundary).representative_point()
            households = rng.randint(120, 420)
            worn = rng.random() < 0.15
            points.append(point_save(
                code=f"{community.code[-3:]}-{number + 1:02d}", name=f"{community.name}{number + 1}号投放点",
                longitude=round(inside.x + rng.uniform(-0.0004, 0.0004), 6),
                latitude=round(inside.y + rng.uniform(-0.0003, 0.0003), 6), households=households,
                is_sorting=number != POINTS_PER_COMMUNITY - 1 or community.name.endswith("社区"),
                bins={WasteClass.RECYCLABLE: (1, "good"), WasteClass.HAZARDOUS: (1, "good"),
                      WasteClass.KITCHEN: (2, "damaged" if worn else "good"), WasteClass.RESIDUAL: (2, "good")}))
    guide = people.by_username.get("gw_taoyuan_1")
    if guide is not None:
        WasteSupervisor.objects.get_or_create(user=guide, community=territory.communities[
            next(code for code, unit in territory.communities.items() if unit.name == "桃源社区")])
    paths = {unit.pk: unit.path for unit in territory.communities.values()}
    records = []
    checks = []
    first = today - timedelta(days=DAYS)
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        progress = offset / DAYS  # sorting improves through the period: less residual, more kitchen
        by_community: dict[tuple[int, str], int] = {}  # tenths of a kg
        for point in points:
            for waste_class, per_household in PER_HOUSEHOLD.items():
                factor = {WasteClass.RESIDUAL: 1 - 0.12 * progress, WasteClass.KITCHEN: 1 + 0.1 * progress}.get(
                    waste_class, 1)
                kg = round(point.households * per_household * factor * rng.uniform(0.85, 1.15) * 10)
                if waste_class == WasteClass.HAZARDOUS and rng.random() < 0.8:
                    continue  # hazardous waste is collected now and then
                records.append((day, Stage.COLLECTION, waste_class, kg, point.pk, point.community_id,
                                point.territory_path, f"浙A·H{point.community_id:03d}", None))
                key = (point.community_id, waste_class)
                by_community[key] = by_community.get(key, 0) + kg
            if day.weekday() == 2:
                seen = rng.randint(25, 50)
                checks.append(SortingCheck(point=point, community_id=point.community_id,
                                           territory_path=point.territory_path, kind=CheckKind.SUPERVISION,
                                           checked_on=day, households_seen=seen,
                                           households_sorting=round(seen * rng.uniform(0.72 + 0.15 * progress, 0.98)),
                                           checked_by=guide or staff))
            if day.day == 1 + point.pk % 28:  # each point on its own day of the month
                checked = rng.randint(6, 12)
                checks.append(SortingCheck(point=point, community_id=point.community_id,
                                           territory_path=point.territory_path, kind=CheckKind.SPOT_CHECK,
                                           checked_on=day, bins_checked=checked,
                                           bins_correct=round(checked * rng.uniform(0.65 + 0.2 * progress, 1)),
                                           checked_by=staff))
        for (community_id, waste_class), collected in by_community.items():
            path = paths[community_id]
            short = rng.random() < 0.01  # a trip lost on the way: the mismatch flag's demo
            delivered = round(collected * (rng.uniform(0.985, 1.0) if not short else 0.85))
            destination = facilities[TREATED_AT.get(waste_class, "T01")]
            records.append((day, Stage.TRANSPORT, waste_class, delivered, None, community_id, path,
                            f"浙A·H{community_id:03d}", destination.pk))
            if waste_class == WasteClass.RESIDUAL:
                burnt = round(delivered * 0.82)
                treated = [(facilities["F01"], burnt), (facilities["F03"], delivered - burnt)]
            else:
                treated = [(destination, delivered)]
            for facility, kg in treated:
                records.append((day, Stage.TREATMENT, waste_class, kg, None, community_id, path, "", facility.pk))
    _records_insert(records, by=staff)
    SortingCheck.objects.bulk_create(checks, batch_size=5000)
    totals = rollup_rebuild()
    return f"waste: {len(points)} points, {len(records)} records, {len(checks)} checks, {totals} daily totals"


def _records_insert(rows: list[tuple], *, by) -> None:
    """(day, stage, class, tenths of a kg, point, community, path, vehicle, facility) rows, in one go."""
    table = WasteRecord._meta.db_table
    now = clock.now()
    query = (f"INSERT INTO {table} (day, stage, waste_class, subclass, weight_kg, point_id, community_id, "
             f"territory_path, vehicle, facility_id, source, reading_key, reading_fingerprint, recorded_by_id, "
             f"created_at) VALUES (%s, %s, %s, '', %s, %s, %s, %s, %s, %s, %s, NULL, '', %s, %s)")
    values = [(day.isoformat(), str(stage), str(waste_class), f"{kg // 10}.{kg % 10}", point, community, path, vehicle, facility,
               str(RecordSource.DEMO), by.pk, now) for day, stage, waste_class, kg, point, community, path, vehicle,
              facility in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Straight to sqlite3: Django's wrapper adapts each of the 80 000 rows in Python.
            cursor.connection.executemany(query.replace("%s", "?"), [(*row[:-1], now.isoformat()) for row in values])
        else:
            cursor.executemany(query, values)
