"""A small 三清三拆三整治 campaign on the shared test world (jiedao/conftest.py): 桃源社区 holds grids
0–1, 柳岸社区 grids 2–3, each grid 0.01° square from (120.10, 30.20) eastwards.

- Lines: 清积存垃圾 (暴露垃圾, counted in 处) under 三清, 拆乱搭乱建 (乱堆杂物, 处 and m²) under 三拆.
- Key places: 桃源背街 — a line along latitude 30.205 from 120.101 to 120.109 (grid 0), matched 30 m
  either side; 柳岸市场 — the square 120.121–120.123 × 30.201–30.203 (grid 2), no buffer.
- The campaign runs 2026-11-01 – 2026-11-30; the tests read it on 2026-11-17 09:00 (the clock)."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from jiedao.campaigns.models import (
    Campaign,
    CampaignGroup,
    CampaignLine,
    CampaignTarget,
    KeyPlace,
    KeyPlaceKind,
    TargetMeasure,
)
from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.catalogue.models import CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.conftest import make_upload, report
from jiedao.territory.models import Duty, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
STREET_LATITUDE = 30.205
METRES_PER_DEGREE = 111_194.93  # latitude, on the sphere geometry.py uses


def at(month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def line_geometry():
    return {"type": "LineString", "coordinates": [[120.101, STREET_LATITUDE], [120.109, STREET_LATITUDE]]}


def square_geometry(west, south, east, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


@pytest.fixture
def campaign_world(world, clock, django_user_model):
    return campaign_build(world, django_user_model)


def campaign_build(world, user_model) -> SimpleNamespace:
    """The campaign, its lines, key places and targets, a sub-district inspector to check cases
    anywhere, and a category that belongs to no line."""
    campaign = Campaign.objects.create(name="三清三拆三整治专项行动", code="sanqing", scope=world.subdistrict,
                                       starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30))
    clear = CampaignGroup.objects.create(campaign=campaign, name="三清", approach="“地毯式”清理", order=1)
    demolish = CampaignGroup.objects.create(campaign=campaign, name="三拆", approach="“雷霆式”拆除", order=2)
    garbage = CampaignLine.objects.create(campaign=campaign, group=clear, code="clear-garbage", name="清积存垃圾")
    garbage.items.set([world.item])
    buildings = CampaignLine.objects.create(campaign=campaign, group=demolish, code="demolish-buildings",
                                            name="拆乱搭乱建", quantity_unit="m²")
    buildings.items.set([world.no_rule_item])
    street = KeyPlace.objects.create(kind=KeyPlaceKind.BACK_STREET, name="桃源背街", geometry=line_geometry(),
                                     buffer_m=30, community=world.taoyuan)
    market = KeyPlace.objects.create(kind=KeyPlaceKind.FARMERS_MARKET, name="柳岸市场",
                                     geometry=square_geometry(120.121, 30.201, 120.123, 30.203), buffer_m=0,
                                     community=world.liuan)
    street.owners.set([world.cleaning])
    campaign.key_places.set([street, market])
    unmapped = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="07", major_name="宣传广告类",
                                            code="07001", name="非法小广告", standard_ref="GB/T 47678.5-2026")
    inspector = user_model.objects.create_user(username="city_inspector", password="pass-1234",
                                                      full_name="街道监督员")
    Duty.objects.create(user=inspector, role=Role.INSPECTOR, unit=world.subdistrict)
    return SimpleNamespace(campaign=campaign, garbage=garbage, buildings=buildings, street=street, market=market,
                           unmapped=unmapped, inspector=inspector)


def target(campaign_world, line, unit, value, *, key_place=None, measure=TargetMeasure.COUNT):
    return CampaignTarget.objects.create(campaign=campaign_world.campaign, line=line, unit=unit, key_place=key_place,
                                         measure=measure, value=value)


def reported(world, clock, moment: datetime, *, lon: float, lat: float, item=None):
    """A case reported at `moment` by the hotline (so no reader sees it as their own report)."""
    clock.move_to(moment)
    return report(world, by=world.people.intake_clerk, source=CaseSource.HOTLINE, longitude=lon, latitude=lat,
                  item=item or world.item, photos=[])


def closed(world, clock, case, moment: datetime, *, inspector):
    """Along the whole loop, closed at `moment`."""
    p = world.people
    clock.move_to(moment)
    case = services.case_accept(case=case, by=p.intake_clerk)
    case = services.case_file(case=case, by=p.shift_lead, deadline_value=2, deadline_unit=DeadlineUnit.WORKING_DAYS)
    case = services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)
    case = services.case_report_fix(case=case, by=p.handler, opinion="已处置", photos=[make_upload()])
    case = services.case_check(case=case, by=inspector, passed=True)
    return services.case_close(case=case, by=p.shift_lead)


def handling(world, clock, case, moment: datetime):
    p = world.people
    clock.move_to(moment)
    case = services.case_accept(case=case, by=p.intake_clerk)
    case = services.case_file(case=case, by=p.shift_lead, deadline_value=2, deadline_unit=DeadlineUnit.WORKING_DAYS)
    return services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)


def north_of_street(metres: float) -> float:
    return STREET_LATITUDE + metres / METRES_PER_DEGREE


@pytest.fixture
def scene(world, clock, campaign_world):
    """The cases of test_progress.py's table, and its targets."""
    cw, inspector = campaign_world, campaign_world.inspector
    cases = {}
    cases["A"] = reported(world, clock, at(11, 10), lon=120.105, lat=north_of_street(10))
    cases["B"] = reported(world, clock, at(11, 10, 11), lon=120.105, lat=north_of_street(50))
    cases["C"] = reported(world, clock, at(11, 11), lon=120.122, lat=30.202)
    cases["D"] = reported(world, clock, at(10, 25), lon=120.135, lat=30.205)
    cases["E"] = reported(world, clock, at(10, 20), lon=120.115, lat=30.205)
    cases["G"] = reported(world, clock, at(11, 10), lon=120.105, lat=north_of_street(5), item=cw.unmapped)
    cases["V"] = reported(world, clock, at(11, 12), lon=120.105, lat=north_of_street(0))
    closed(world, clock, cases["E"], at(10, 28), inspector=inspector)
    closed(world, clock, cases["D"], at(11, 5), inspector=inspector)
    handling(world, clock, cases["B"], at(11, 10, 12))
    closed(world, clock, cases["A"], at(11, 12), inspector=inspector)
    closed(world, clock, cases["G"], at(11, 12), inspector=inspector)
    services.case_void(case=cases["V"], by=world.people.shift_lead, reason="重复上报")
    closed(world, clock, cases["C"], at(11, 13), inspector=inspector)
    target(cw, cw.garbage, world.taoyuan, 4)
    target(cw, cw.garbage, world.liuan, 2)
    target(cw, cw.garbage, world.taoyuan, 2, key_place=cw.street)
    clock.move_to(at(11, 17, 9))
    return cases
