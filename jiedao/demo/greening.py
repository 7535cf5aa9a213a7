"""The demo's greening: 40 plantings over the demo's communities in the last year (见缝插绿, 拆违还绿,
破硬植绿, 补植), the last four this month (so the leaders' page has a month to show), one in five
area plantings drawn as a small polygon; kept by 园林绿化所 (D10), each with its survival checks at
30 and 90 days and the last October; about one in six below the 85 % threshold (replanting due).
Written through the services, as the 园林绿化所's leader would enter them."""

import json
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from shapely.geometry import shape

from jiedao import clock
from jiedao.greening.models import GreeningPolicy, Planting, PlantingKind
from jiedao.greening.services import planting_record, survival_check_record
from jiedao.greening.survival import check_schedule
from jiedao.territory.models import Organisation

SEED = 1313
PLANTINGS = 40
THIS_MONTH = 4  # the last ones, planted this month
POLYGON_DEGREES = 0.0003  # a polygon planting's side (about 30 m)
SPECIES = {
    PlantingKind.INFILL: ["香樟", "桂花", "红叶石楠", "金边黄杨"],
    PlantingKind.DEMOLITION: ["草坪（马尼拉）", "紫薇", "鸡爪槭"],
    PlantingKind.DEPAVING: ["银杏", "樱花", "麦冬"],
    PlantingKind.REPLANTING: ["香樟", "桂花"],
}


def demo_greening_seed(*, territory, people) -> str:
    if Planting.objects.exists():
        return "greening: already there, nothing to do"
    policy = GreeningPolicy.objects.first() or GreeningPolicy.objects.create()
    gardens = Organisation.objects.filter(code="D10").first()
    leader = people.by_username.get("leader")
    if gardens is None or leader is None:
        return "greening: no 园林绿化所 or leader, nothing done"
    rng = random.Random(SEED)
    today = timezone.localdate(clock.now())
    grids = [grid for grid in territory.grids.values() if grid.boundary]
    checks = below = 0
    for number in range(PLANTINGS):
        grid = grids[(number * 7) % len(grids)]
        inside = shape(grid.boundary).representative_point()
        kind = list(PlantingKind)[number % 4]
        by_count = number % 3 == 0
        if number >= PLANTINGS - THIS_MONTH:
            planted_on = today - timedelta(days=rng.randint(0, today.day - 1))
        else:
            planted_on = today - timedelta(days=rng.randint(20, 360))
        geometry = {"type": "Point", "coordinates": [round(inside.x, 6), round(inside.y, 6)]}
        if not by_count and number % 5 == 0:
            west, south = round(inside.x - POLYGON_DEGREES / 2, 6), round(inside.y - POLYGON_DEGREES / 2, 6)
            east, north = round(west + POLYGON_DEGREES, 6), round(south + POLYGON_DEGREES, 6)
            geometry = {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                            [west, north], [west, south]]]}
        planting = planting_record(
            by=leader, kind=kind, area_m2="" if by_count else str(rng.randint(3, 60) * 10),
            count=str(rng.randint(10, 80)) if by_count else "", species=rng.choice(SPECIES[kind]),
            geometry=json.dumps(geometry),
            planted_on=planted_on, today=today, responsible_unit=f"{grid.parent.name}居委会",
            maintainer_id=str(gardens.pk), case_number="")
        weak = number % 6 == 5  # below the threshold
        for day in check_schedule(planted_on=planted_on, intervals=policy.intervals,
                                  autumn_month=policy.autumn_month, until=today - timedelta(days=3)):
            share = Decimal(rng.randint(60, 80) if weak else rng.randint(88, 100)) / 100
            surviving = (planting.planted_quantity * share).quantize(Decimal("1"))
            survival_check_record(by=leader, planting_id=str(planting.pk), checked_on=day, today=today,
                                  surviving=str(surviving), note="")
            checks += 1
        below += weak
    return f"greening: {PLANTINGS} plantings, {checks} survival checks, {below} below the threshold"
