"""The demo's 河长制: 青溪河 flowing west to east through 石桥村, 梅园村, 南湖社区 and 望江社区, its
tributary 梅溪 and the pond 南湖, cut into segments inside one community each; the sub-district's
乡级河长 on all of them, a 村级河长 on each village's, the 县级 and 市级 chiefs as names; a year of
patrols (most counting, some missed, a few too short or with GPS jumps), a few problems that
became cases, one 交办函, and two dredging and cleaning jobs.

Patrols and their duty works are written in bulk (seconds): each is judged as the services judge a
submitted patrol (`services.track_judgement`, then the duty plan's minimums through
`duties.services.work_invalid_reasons`). The problems go through the real services."""

import json
import math
import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import shapely
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from shapely.geometry import LineString, Point, mapping, shape

from jiedao import clock
from jiedao.checklists.models import ChecklistItem
from jiedao.duties.models import DutyKind, DutyPlan, DutyWork
from jiedao.duties.services import work_invalid_reasons
from jiedao.field.tracks import track_distance_m
from jiedao.rivers import services
from jiedao.rivers.models import (
    ChiefLevel,
    PatrolValidity,
    ProblemHandling,
    RiverChief,
    RiverPatrol,
    RiverSegment,
    Waterbody,
    WaterbodyKind,
    WorkKind,
)
from jiedao.rivers.seeds import rivers_seed
from jiedao.rivers.selectors import patrol_checklist_version
from jiedao.territory.models import Duty, Organisation, Role

from . import geography

SEED = 20261206
WEEKS = 52
RIVER_CODE = "330199R01"
# 青溪河's course as fractions of the sub-district's box (west → east): through 石桥村, 梅园村,
# 南湖社区 and 望江社区.
COURSE = ((0.0, 0.46), (0.10, 0.42), (0.20, 0.36), (0.30, 0.26), (0.40, 0.18), (0.50, 0.22),
          (0.60, 0.32), (0.68, 0.40), (0.76, 0.52), (0.86, 0.62), (1.0, 0.70))
TRIBUTARY = ((0.33, 0.02), (0.38, 0.08), (0.42, 0.14), (0.45, 0.20))  # 梅溪, in 梅园村
POND = (0.64, 0.36, 0.012)  # 南湖: centre and radius as fractions
SEGMENT_LENGTH_M = 520
# A patrol walks its segment there and back until it has covered this (the plans ask 2 km).
PATROL_METRES = 2300
INSET = 0.0004  # keep each segment this far (°) inside its community


def _at(fx: float, fy: float) -> tuple[float, float]:
    return (geography.WEST + (geography.EAST - geography.WEST) * fx,
            geography.SOUTH + (geography.NORTH - geography.SOUTH) * fy)


def _rounded(geometry) -> dict:
    return json.loads(json.dumps(mapping(shapely.set_precision(geometry, 1e-6))))


def _pieces(line: LineString, communities: dict) -> list[tuple[str, LineString]]:
    """The line cut by each community (kept inside it), then into pieces of about SEGMENT_LENGTH_M."""
    pieces = []
    metres_per_degree = 111_195 * math.cos(math.radians(line.centroid.y))
    for code, polygon in communities.items():
        inside = line.intersection(polygon.buffer(-INSET))
        parts = [inside] if inside.geom_type == "LineString" else list(getattr(inside, "geoms", []))
        for part in parts:
            if part.geom_type != "LineString" or part.length * metres_per_degree < 300:
                continue
            count = max(1, round(part.length * metres_per_degree / SEGMENT_LENGTH_M))
            for index in range(count):
                piece = shapely.ops.substring(part, index / count, (index + 1) / count, normalized=True)
                pieces.append((code, piece))
    return sorted(pieces, key=lambda found: line.project(Point(found[1].coords[0])))


def _track(segment: RiverSegment, start: datetime, minutes: int, rng: random.Random, jumps: int = 0) -> list:
    """Points along the segment there and back (as often as it takes to cover PATROL_METRES), one
    about every 90 s, with a little GPS noise."""
    line = shape(segment.geometry)
    if line.geom_type != "LineString":
        line = line.exterior if line.geom_type == "Polygon" else line.geoms[0]
    legs = max(2, math.ceil(PATROL_METRES / max(segment.length_m, 1)))
    count = max(3 * legs, minutes * 60 // 90)
    points = []
    for index in range(count + 1):
        fraction = index / count
        position = fraction * legs
        leg, within = min(int(position), legs - 1), position - min(int(position), legs - 1)
        along = within if leg % 2 == 0 else 1 - within
        at = line.interpolate(along, normalized=True)
        points.append([round(at.x + rng.uniform(-2e-5, 2e-5), 7), round(at.y + rng.uniform(-2e-5, 2e-5), 7),
                       round(start.timestamp() + fraction * minutes * 60, 3)])
    return points, jumps


@transaction.atomic
def demo_rivers_seed(*, territory) -> str:
    rivers_seed()
    if Waterbody.objects.filter(code=RIVER_CODE).exists():
        return "rivers: already there, nothing to do"
    rng = random.Random(SEED)
    communities = {code: shape(unit.boundary) for code, unit in territory.communities.items() if unit.boundary}
    river = Waterbody.objects.create(kind=WaterbodyKind.RIVER, name="青溪河", code=RIVER_CODE, basin="钱塘江",
                                     management_level=ChiefLevel.COUNTY)
    stream = Waterbody.objects.create(kind=WaterbodyKind.RIVER, name="梅溪", code="330199R02", basin="钱塘江",
                                      management_level=ChiefLevel.TOWNSHIP)
    pond = Waterbody.objects.create(kind=WaterbodyKind.POND, name="南湖", code="330199P01", basin="钱塘江",
                                    management_level=ChiefLevel.VILLAGE)
    segments: list[RiverSegment] = []
    names = {unit.code: unit.name for unit in territory.communities.values()}
    for waterbody, course in ((river, COURSE), (stream, TRIBUTARY)):
        line = LineString([_at(*point) for point in course])
        numbers: dict[str, int] = {}
        for code, piece in _pieces(line, communities):
            numbers[code] = numbers.get(code, 0) + 1
            name = f"{names[code].removesuffix('社区').removesuffix('村')}{numbers[code]}段"
            segments.append(services.segment_save(waterbody=waterbody, code=f"{waterbody.code}-{len(segments) + 1:02d}",
                                                  name=name, geometry=_rounded(piece)))
    centre = Point(*_at(POND[0], POND[1]))
    segments.append(services.segment_save(waterbody=pond, code=f"{pond.code}-01", name="南湖",
                                          geometry=_rounded(centre.buffer((geography.EAST - geography.WEST) * POND[2],
                                                                          quad_segs=6))))

    chiefs = _chiefs(territory, segments)
    patrols = _patrols(segments, chiefs, rng)
    problems = _problems(chiefs, rng)
    works = _works(segments)
    return (f"rivers: {len(segments)} segments of 3 waters, {len(chiefs)} chiefs, {patrols} patrols over "
            f"{WEEKS} weeks, {problems}, {works} works")


def _chiefs(territory, segments) -> list[RiverChief]:
    subdistrict = territory.subdistrict
    chiefs = []
    town = Duty.objects.filter(role=Role.RIVER_CHIEF, unit=subdistrict).select_related("user").first()
    if town is not None:
        chief = RiverChief.objects.create(level=ChiefLevel.TOWNSHIP, user=town.user, name=town.user.full_name,
                                          title="街道办事处主任", unit=subdistrict)
        chief.segments.add(*segments)
        chiefs.append(chief)
    for duty in (Duty.objects.filter(role=Role.RIVER_CHIEF, unit__in=territory.communities.values())
                 .select_related("user", "unit").order_by("unit__code")):
        chief = RiverChief.objects.create(level=ChiefLevel.VILLAGE, user=duty.user, name=duty.user.full_name,
                                          title=f"{duty.unit.name}党支部书记", unit=duty.unit)
        services.chief_segments_assign(chief=chief, segments=[s for s in segments if s.unit_id
                                                              and s.unit.path.startswith(duty.unit.path)])
        chiefs.append(chief)
    county = RiverChief.objects.create(level=ChiefLevel.COUNTY, name="周立新", title="清江区副区长、青溪河区级河长")
    county.segments.add(*[s for s in segments if s.waterbody.code == RIVER_CODE])
    RiverChief.objects.create(level=ChiefLevel.CITY, name="郑光明", title="市人大副主任、钱塘江（市段）市级河长")
    return chiefs


def _patrols(segments, chiefs, rng: random.Random) -> int:
    """A year of weekly (村级) and monthly (乡级) patrols, written in bulk with their duty works."""
    now = clock.now()
    today = timezone.localtime(now).date()
    this_monday = today - timedelta(days=today.weekday())
    plans = {plan.assignee_level: plan for plan in DutyPlan.objects.filter(
        kind=DutyKind.PATROL, subject_kind="river_segment", assignee_role=Role.RIVER_CHIEF, is_active=True)}
    segment_type = ContentType.objects.get_for_model(RiverSegment)
    patrol_type = ContentType.objects.get_for_model(RiverPatrol)
    tz = timezone.get_current_timezone()
    version = patrol_checklist_version()
    all_ok = {str(pk): "ok" for pk in ChecklistItem.objects.filter(section__version=version).values_list("pk", flat=True)}
    rows: list[tuple[RiverPatrol, RiverChief]] = []
    for chief in chiefs:
        mine = list(chief.segments.order_by("code"))
        if chief.level == ChiefLevel.VILLAGE:
            slots = [(this_monday - timedelta(weeks=week), segment) for week in range(WEEKS) for segment in mine]
        else:
            slots = [(date(today.year - (month > today.month), month, 1) + timedelta(days=rng.randrange(0, 25)),
                      mine[(month * 3) % len(mine)]) for month in range(1, 13)]
        for day, segment in slots:
            is_this_week = day >= this_monday
            fate = rng.random()
            # this week: 石桥村's chief has been out, 梅园村's not yet (the map shows both)
            if is_this_week and chief.unit and chief.unit.name == "梅园村":
                continue
            if not is_this_week and fate < 0.10:
                continue  # missed
            start = datetime.combine(day + timedelta(days=rng.randrange(0, 4 if not is_this_week else 1)),
                                     time(rng.choice((8, 9, 14, 15)), rng.randrange(0, 50)), tzinfo=tz)
            if start >= now:
                start = now - timedelta(hours=2)
            too_short = 0.10 <= fate < 0.14 and not is_this_week
            jumps = 8 if 0.14 <= fate < 0.16 and not is_this_week else 0
            minutes = rng.randrange(3, 12) if too_short else rng.randrange(35, 75)
            track, _jumps = _track(segment, start, minutes, rng)
            patrol = RiverPatrol(
                client_id=uuid.UUID(int=rng.getrandbits(128)), segment=segment, chief=chief, patrolled_by=chief.user,
                started_at=start, ended_at=start + timedelta(minutes=minutes),
                submitted_at=start + timedelta(minutes=minutes, seconds=20), track=track, point_count=len(track),
                rejected_point_count=jumps, distance_m=round(track_distance_m(track), 1), duration_s=minutes * 60,
                checklist_version=version, answers=all_ok, created_at=start)
            reasons = services.track_judgement(point_count=len(track), rejected_count=jumps, max_rejected_share=0.2)
            patrol.validity_reasons = reasons
            rows.append((patrol, chief))
    RiverPatrol.objects.bulk_create([patrol for patrol, _chief in rows], batch_size=500)
    works = []
    for patrol, chief in rows:
        if patrol.validity_reasons:
            patrol.validity = PatrolValidity.NOT_COUNTING
            continue
        plan = plans.get(chief.unit.level if chief.unit else "")
        invalid = work_invalid_reasons(plan=plan, duration_seconds=patrol.duration_s,
                                       distance_m=round(patrol.distance_m), coverage=None, photos=0)
        patrol.validity = PatrolValidity.NOT_COUNTING if invalid else PatrolValidity.VALID
        if plan is not None:
            patrol.validity_reasons = [
                {"code": "too_short", "seconds": patrol.duration_s, "minimum": plan.min_duration_minutes}
                if code == "too_short" else
                {"code": "too_little_distance", "metres": round(patrol.distance_m), "minimum": plan.min_distance_m}
                if code == "too_short_distance" else {"code": code} for code in invalid]
        works.append(DutyWork(
            plan=plan, kind=DutyKind.PATROL, person=chief.user, subject_type=segment_type, subject_id=patrol.segment_id,
            unit=patrol.segment.unit, started_at=patrol.started_at, ended_at=patrol.ended_at,
            on_date=timezone.localtime(patrol.started_at).date(), duration_seconds=patrol.duration_s,
            distance_m=round(patrol.distance_m), is_valid=not invalid, invalid_reasons=invalid,
            source_type=patrol_type, source_id=patrol.pk, created_at=patrol.submitted_at))
    RiverPatrol.objects.bulk_update([patrol for patrol, _chief in rows], ["validity", "validity_reasons"],
                                    batch_size=500)
    DutyWork.objects.bulk_create(works, batch_size=500)
    return len(rows)


def _problems(chiefs, rng: random.Random) -> str:
    """Three problems of this month's patrols became cases, one went to the district as a 交办函,
    one was fixed on the spot — through the services, as the phone sends them."""
    from jiedao.catalogue.models import CatalogueItem

    villages = [chief for chief in chiefs if chief.level == ChiefLevel.VILLAGE]
    recent = list(RiverPatrol.objects.filter(chief__in=villages, validity=PatrolValidity.VALID)
                  .select_related("segment", "chief__user").order_by("-started_at")[:6])
    items = {item.code: item for item in CatalogueItem.objects.filter(code__in=["90012", "06025", "06030"])}
    plans = [
        (ProblemHandling.CASE, "90012", "河岸新增一处排污口，管径约 20 厘米，正在排放灰色污水"),
        (ProblemHandling.CASE, "06025", "桥下水面漂浮生活垃圾和枯枝，约 30 平方米"),
        (ProblemHandling.CASE, "06030", "养殖场污水沿沟渠直排入河，水色发黑有异味"),
        (ProblemHandling.LETTER, "06026", "上游跨界河段有企业疑似偷排，颜色异常，超出村级处理权限，请区河长办协调"),
        (ProblemHandling.FIXED_ON_SITE, "06011", "岸边有人倾倒少量建筑垃圾"),
    ]
    made = {"case": 0, "letter": 0, "fixed_on_site": 0}
    checklist = {item.category.code if item.category else item.name: item for item in
                 ChecklistItem.objects.filter(section__version=patrol_checklist_version()).select_related("category")}
    for patrol, (handling, code, words) in zip(recent, plans, strict=False):
        item = checklist.get(code)
        if item is not None:
            patrol.answers = {**patrol.answers, str(item.pk): "problem"}
            patrol.save(update_fields=["answers"])
        point = patrol.track[len(patrol.track) // 3]
        with clock.frozen(patrol.ended_at):
            services.river_problem_record(
                by=patrol.patrolled_by, patrol=patrol, key=f"demo-river-{patrol.client_id.hex[:20]}", description=words,
                longitude=point[0], latitude=point[1], handling=handling, category=items.get(code), checklist_item=item,
                measure="已当场制止，责令清运，现场已清理" if handling == ProblemHandling.FIXED_ON_SITE else "")
        made[handling] += 1
    return f"{made['case']} problems → cases, {made['letter']} 交办函, {made['fixed_on_site']} fixed on the spot"


def _works(segments) -> int:
    today = timezone.localdate()
    organisation = Organisation.objects.filter(code="D06").first()
    dredge = next((s for s in segments if s.waterbody.code == RIVER_CODE), None)
    pond = next((s for s in segments if s.waterbody.kind == WaterbodyKind.POND), None)
    made = 0
    if dredge is not None:
        work = services.river_work_plan(by=None, segment=dredge, kind=WorkKind.DREDGING, title=f"{dredge.name}冬季清淤",
                                        planned_start=today - timedelta(days=20), planned_end=today + timedelta(days=25),
                                        volume_m3=Decimal("1800"), organisation=organisation)
        services.river_work_record(by=None, work=work, volume_m3=Decimal("950"))
        made += 1
    if pond is not None:
        work = services.river_work_plan(by=None, segment=pond, kind=WorkKind.CLEARING, title="南湖水面清理",
                                        planned_start=today - timedelta(days=60), planned_end=today - timedelta(days=30),
                                        weight_t=Decimal("12"), organisation=organisation)
        services.river_work_record(by=None, work=work, weight_t=Decimal("12.5"), done_on=today - timedelta(days=33))
        made += 1
    return made


DEMO_WATERBODIES = (RIVER_CODE, "330199R02", "330199P01")
DEMO_HIGHER_CHIEFS = ("周立新", "郑光明")


def demo_rivers_wipe() -> list[int]:
    """Delete the demo's rivers (for `seed_demo --reset`; they are seeded again afterwards): their
    segments, chiefs, patrols with their duty works, problems (photo files too), 交办函 and works;
    returns the ids of the cases the problems made, which the caller deletes with the other demo
    cases (`replay.demo_cases_wipe`). Generated demo data only: other waters are not touched."""
    from jiedao.rivers.models import (
        Assignment,
        AssignmentEvent,
        PatrolBatch,
        ProblemPhoto,
        RiverProblem,
        RiverWork,
    )

    segments = RiverSegment.objects.filter(waterbody__code__in=DEMO_WATERBODIES)
    patrols = RiverPatrol.objects.filter(segment__in=segments)
    problems = RiverProblem.objects.filter(patrol__in=patrols)
    made = list(problems.filter(case__isnull=False).values_list("case_id", flat=True))
    letters = Assignment.objects.filter(problem__in=problems)
    # A letter's steps are append-only for people; generated demo letters go with their demo.
    models.QuerySet.delete(AssignmentEvent.objects.filter(assignment__in=letters))
    letters.delete()
    for photo in ProblemPhoto.objects.filter(problem__in=problems).iterator():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    ProblemPhoto.objects.filter(problem__in=problems).delete()
    problems.delete()
    DutyWork.objects.filter(source_type=ContentType.objects.get_for_model(RiverPatrol),
                            source_id__in=list(patrols.values_list("pk", flat=True))).delete()
    PatrolBatch.objects.filter(patrol__in=patrols).delete()
    patrols.delete()
    RiverWork.objects.filter(segment__in=segments).delete()
    RiverChief.objects.filter(pk__in=list(RiverChief.objects.filter(segments__in=segments).values_list("pk", flat=True))
                              ).delete()
    RiverChief.objects.filter(name__in=DEMO_HIGHER_CHIEFS, user__isnull=True).delete()
    segments.delete()
    Waterbody.objects.filter(code__in=DEMO_WATERBODIES).delete()
    return made
