"""A river through the world's two communities: 青溪河 with segment HQ01-01 in 桃源社区 (grids 0 and
1) and HQ01-02 in 柳岸社区 (grids 2 and 3); a 村级河长 for each, a 河长助理 and a 巡河员 in 桃源, the
sub-district's 河长办 and 乡级河长."""

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from jiedao.conftest import CELL, ORIGIN_LAT, ORIGIN_LON
from jiedao.duties.models import DutyKind, DutyPlan, FrequencyUnit
from jiedao.rivers import services
from jiedao.rivers.models import ChiefLevel, RiverChief, Waterbody
from jiedao.rivers.seeds import rivers_seed
from jiedao.territory.models import Duty, Role, UnitLevel

LAT = ORIGIN_LAT + 0.5 * CELL


def line(lon_from: float, lon_to: float, lat: float = LAT) -> dict:
    return {"type": "LineString", "coordinates": [[lon_from, lat], [lon_to, lat]]}


@pytest.fixture
def river(world, django_user_model):
    return river_build(world, django_user_model)


def river_build(world, django_user_model):
    rivers_seed()

    def person(username, role, unit, full_name):
        user = django_user_model.objects.create_user(username=username, password="pass-1234", full_name=full_name)
        Duty.objects.create(user=user, role=role, unit=unit)
        return user

    people = SimpleNamespace(
        chief=person("hz_taoyuan", Role.RIVER_CHIEF, world.taoyuan, "桃源河长"),
        other_chief=person("hz_liuan", Role.RIVER_CHIEF, world.liuan, "柳岸河长"),
        assistant=person("hzzl_taoyuan", Role.RIVER_ASSISTANT, world.taoyuan, "桃源河长助理"),
        patroller=person("xhy_taoyuan", Role.RIVER_PATROLLER, world.taoyuan, "桃源巡河员"),
        office=person("river_office", Role.RIVER_OFFICE, world.subdistrict, "河长办"),
        town_chief=person("hz_town", Role.RIVER_CHIEF, world.subdistrict, "乡级河长"),
    )
    waterbody = Waterbody.objects.create(name="青溪河", code="HQ01", basin="钱塘江")
    # Inside each community with a margin from its edges (grids are 0.01° wide).
    segment = services.segment_save(waterbody=waterbody, code="HQ01-01", name="桃源段",
                                    geometry=line(ORIGIN_LON + 0.002, ORIGIN_LON + 0.018))
    other_segment = services.segment_save(waterbody=waterbody, code="HQ01-02", name="柳岸段",
                                          geometry=line(ORIGIN_LON + 0.022, ORIGIN_LON + 0.038))
    chief = RiverChief.objects.create(level=ChiefLevel.VILLAGE, name="桃源河长", user=people.chief, unit=world.taoyuan)
    chief.segments.add(segment)
    other_chief = RiverChief.objects.create(level=ChiefLevel.VILLAGE, name="柳岸河长", user=people.other_chief,
                                            unit=world.liuan)
    other_chief.segments.add(other_segment)
    town_chief = RiverChief.objects.create(level=ChiefLevel.TOWNSHIP, name="乡级河长", user=people.town_chief,
                                           unit=world.subdistrict)
    town_chief.segments.add(segment, other_segment)
    county_chief = RiverChief.objects.create(level=ChiefLevel.COUNTY, name="县级河长", title="清江区副区长")
    # The duty plans (jiedao/duties) of the 阿合奇 row of standards.md §5: 村级 weekly, 乡级 monthly,
    # each patrol at least 30 minutes and 2 km.
    village_plan = DutyPlan.objects.create(
        name="村级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
        subject_kind="river_segment", frequency_unit=FrequencyUnit.WEEK, times_per_period=1,
        min_duration_minutes=30, min_distance_m=2000, starts_on=date(2026, 1, 1))
    town_plan = DutyPlan.objects.create(
        name="乡级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.SUBDISTRICT,
        subject_kind="river_segment", per_subject=False, frequency_unit=FrequencyUnit.MONTH, times_per_period=1,
        min_duration_minutes=30, min_distance_m=2000, starts_on=date(2026, 1, 1))
    return SimpleNamespace(village_plan=village_plan, town_plan=town_plan, people=people, waterbody=waterbody, segment=segment, other_segment=other_segment,
                           chief=chief, other_chief=other_chief, town_chief=town_chief, county_chief=county_chief)


def walk(segment_start_lon: float, *, minutes: int, metres_per_minute: float = 80.0, start=None) -> list:
    """Points along the segment's latitude, one a minute, eastwards (about 80 m a minute)."""
    degrees_per_metre = 1 / 96_000  # about, at 30.2° N
    t0 = start.timestamp()
    return [[round(segment_start_lon + minute * metres_per_minute * degrees_per_metre, 7), LAT, t0 + 60 * minute]
            for minute in range(minutes + 1)]


def patrol_walk(*, by, segment, minutes: int, clock, chief=None, jumps: int = 0, metres_per_minute: float = 80.0):
    """Start, walk and submit a patrol with the clock moving along; returns the submitted patrol."""
    start = clock_now()
    patrol, _created = services.river_patrol_start(by=by, client_id=uuid.uuid4(), segment=segment, chief=chief)
    points = walk(segment.min_lon, minutes=minutes, metres_per_minute=metres_per_minute, start=start)
    for index in range(jumps):
        # a GPS jump: 5 km away a second after a real point
        points.insert(2 + 2 * index, [points[1 + 2 * index][0] + 0.05, LAT, points[1 + 2 * index][2] + 1])
    clock.shift(timedelta(minutes=minutes))
    for first in range(0, len(points), 400):
        services.river_patrol_points_add(by=by, patrol=patrol, key=uuid.uuid4().hex, points=points[first:first + 400])
    patrol.refresh_from_db()
    services.river_patrol_submit(by=by, patrol=patrol, answers={})
    patrol.refresh_from_db()
    return patrol


def clock_now():
    from jiedao import clock

    return clock.now()
