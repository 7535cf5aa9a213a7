"""The demo's air-pollution sources: eight construction sites, eight restaurants, two road-dust
monitors, two works with a stack, a no-burning spot and a fireworks ban zone over the demo's
communities; two weeks of hourly readings (PM10/PM2.5 at the sites and roads, 油烟 at the
restaurants) posted through the same service the API uses, a few over their limit — each such day a
case of the type's category — and a site check on each site and restaurant, some failing.
Idempotent; `demo_air_wipe` removes it all (with its cases) for `seed_demo --reset`."""

import random
from datetime import timedelta

from django.utils import timezone
from shapely.geometry import shape

from jiedao import clock
from jiedao.air.models import PollutionSource, SourceType
from jiedao.air.seeds import air_seed
from jiedao.air.services import check_record, checklist_for, readings_ingest, source_save
from jiedao.checklists.models import ChecklistItem

SEED = 1303
PREFIX = "DQ-"
DAYS = 14
SITES = ["滨江花园二期", "青溪小学扩建", "安置房三期", "商业综合体", "老旧小区改造", "污水管网", "体育公园",
         "人才公寓"]
RESTAURANTS = ["老街面馆", "川味小厨", "青溪烧烤", "家常菜馆", "兰州拉面", "粤式茶餐厅", "火锅城", "东北饺子馆"]
# (type, index) → the days ago on which that source's readings run over its limit
OVER = {("construction", 1): {2, 3}, ("construction", 5): {1}, ("catering", 2): {0, 4}, ("catering", 6): {6}}
FAILED_CHECKS = {("construction", 1), ("catering", 2), ("catering", 6)}


def _point(grid, rng):
    area = shape(grid.boundary)
    min_x, min_y, max_x, max_y = area.bounds
    for _ in range(50):
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if area.contains(shape({"type": "Point", "coordinates": [x, y]})):
            return x, y
    point = area.representative_point()
    return point.x, point.y


def demo_air_seed(*, territory, people) -> str:
    air_seed()
    if PollutionSource.objects.filter(code__startswith=PREFIX).exists():
        return "air: demo sources already there, nothing to do"
    leader = people.by_username.get("leader")
    grids = [grid for grid in territory.grids.values() if grid.boundary]
    if leader is None or not grids:
        return "air: no leader or grids, nothing done"
    rng = random.Random(SEED)
    types = {t.code: t for t in SourceType.objects.all()}
    today = timezone.localdate(clock.now())
    made: list[tuple[str, int, PollutionSource]] = []
    plan = ([("construction", i, f"{name}工地", "清江建工集团") for i, name in enumerate(SITES)]
            + [("catering", i, name, name) for i, name in enumerate(RESTAURANTS)]
            + [("road", 0, "青溪大道扬尘监测点", "区环卫所"), ("road", 1, "滨江路扬尘监测点", "区环卫所"),
               ("industrial", 0, "青溪包装厂", "青溪包装有限公司"), ("industrial", 1, "金属制品厂", "清江金属制品有限公司"),
               ("burning", 0, "城郊农田禁烧点", ""), ("fireworks", 0, "老城区烟花爆竹禁放区", "")])
    for number, (kind, index, name, operator) in enumerate(plan, start=1):
        lon, lat = _point(grids[(number * 7) % len(grids)], rng)
        licence = {"construction": f"施工许可-2026-{number:03d}", "catering": f"JY-3301-{number:05d}",
                   "industrial": f"排污许可-91330{number:05d}"}.get(kind, "")
        source = source_save(code=f"{PREFIX}{number:03d}", name=name, source_type=types[kind], longitude=lon,
                             latitude=lat, operator=operator, licence_number=licence,
                             licence_valid_until=today + timedelta(days=rng.randint(60, 700)) if licence else None,
                             radius_m={"burning": 800, "fireworks": 1500}.get(kind, 0),
                             contact=rng.choice(["王", "李", "张", "陈"]) + "经理" if operator else "")
        made.append((kind, index, source))
    readings = 0
    cases: set[str] = set()
    now = clock.now()
    batch: list[dict] = []
    for kind, index, source in made:
        parameters = {"construction": [("pm10", 0.09), ("pm25", 0.045)], "road": [("pm10", 0.08)],
                      "catering": [("fume", 1.1)], "industrial": [("particulate", 40.0)]}.get(kind, [])
        for hours_ago in range(DAYS * 24, 0, -1):
            at = now - timedelta(hours=hours_ago)
            days_ago = (today - timezone.localdate(at)).days
            over = days_ago in OVER.get((kind, index), set()) and 10 <= timezone.localtime(at).hour <= 13
            for parameter, typical in parameters:
                if kind == "catering" and not 10 <= timezone.localtime(at).hour <= 21:
                    continue  # a kitchen's hood runs while it cooks
                value = typical * (2.4 if over else rng.uniform(0.4, 1.3))
                unit, shown = ("μg/m³", value * 1000) if parameter in ("pm10", "pm25") else ("mg/m³", value)
                batch.append({"source": source.code, "monitor": f"M-{source.code}", "parameter": parameter,
                              "value": f"{shown:.3f}", "unit": unit, "measured_at": at.isoformat(),
                              "idempotency_key": f"demo:{source.code}:{parameter}:{hours_ago}"})
            if len(batch) >= 900:
                result = readings_ingest(by=leader, rows=batch, now=now)
                readings += result.accepted
                cases.update(result.cases)
                batch = []
    if batch:
        result = readings_ingest(by=leader, rows=batch, now=now)
        readings += result.accepted
        cases.update(result.cases)
    checks = 0
    for kind, index, source in made:
        version = checklist_for(source.source_type)
        if version is None:
            continue
        items = list(ChecklistItem.objects.filter(section__version=version).order_by("section__position", "position"))
        answers = {}
        if (kind, index) in FAILED_CHECKS:
            answers = {items[1].pk: (1 if kind == "catering" else 4, False)}
        elif rng.random() < 0.5:
            answers = {items[0].pk: (1, False)}
        check_record(by=leader, source=source, checked_on=today - timedelta(days=rng.randint(1, 12)), today=today,
                     answers=answers, note="")
        checks += 1
    return f"air: {len(made)} sources, {readings} readings, {len(cases)} exceedance cases, {checks} site checks"


def demo_air_wipe() -> list[int]:
    """Delete the demo's sources with their readings, rollup and checks; returns the ids of the cases
    their exceedances made, which the caller deletes with the other demo cases."""
    from jiedao.air.models import Reading, ReadingDay, SourceCheck

    sources = PollutionSource.objects.filter(code__startswith=PREFIX)
    made = list(Reading.objects.filter(source__in=sources, case__isnull=False)
                .values_list("case_id", flat=True).distinct())
    ReadingDay.objects.filter(source__in=sources).delete()
    Reading.objects.filter(source__in=sources).delete()
    SourceCheck.objects.filter(source__in=sources).delete()
    sources.delete()
    return made
