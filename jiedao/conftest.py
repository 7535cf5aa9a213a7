"""Fixed people and places for tests (healthchecks' Alice/Bob/Charlie, here in our roles).

The world: 青溪街道 with one area (东片) and two communities (桃源社区, 柳岸社区), each with two
square grids of 0.01° side; departments 环卫所 (D02) and 城管执法中队 (D01); one person per role,
plus a grid worker and a secretary of the *other* community to prove scope; the 督查员 inspects
桃源社区 only."""

import io
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.territory.models import Duty, Organisation, OrganisationKind, Role, Unit, UnitLevel
from jiedao.territory.services import grid_classes_seed_default
from jiedao.worktime.models import WorkPeriod

ORIGIN_LON, ORIGIN_LAT = 120.10, 30.20
CELL = 0.01


def square(lon: float, lat: float, size: float = CELL) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def grid_centre(column: int, row: int = 0) -> tuple[float, float]:
    return ORIGIN_LON + (column + 0.5) * CELL, ORIGIN_LAT + (row + 0.5) * CELL


def jpeg_bytes(color=(200, 30, 30), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def make_upload(name="photo.jpg", data: bytes | None = None, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(), content_type=content_type)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _office_language():
    """Every test starts in the office's language: a request in English earlier in the same
    process leaves English active on its thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _security_log_flushable():
    """Between transactional tests the database is flushed, which deletes every row of every
    table; the security log's triggers refuse that, as they must in production. The suite lifts
    them for the flush only."""
    from django.db import connections
    from django.test import TransactionTestCase

    from jiedao.audit.guard import guard_lifted

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        with guard_lifted(connections["default"]):
            original(self)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Process-level caches (calendar, grid index) must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    _reset_domain_caches()
    yield
    _reset_domain_caches()


def _reset_domain_caches():
    from jiedao.accounts.policy import sign_in_policy_forget
    from jiedao.open311.lookups import lookups_forget
    from jiedao.territory import locator
    from jiedao.worktime import selectors

    lookups_forget()
    sign_in_policy_forget()
    reset = getattr(locator, "grid_locator_reset", None)
    if reset:
        reset()
    selectors.working_calendar_reset()


@pytest.fixture
def world(db, django_user_model):
    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    area = Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code="330199001A01", name="东片")
    taoyuan = Unit.objects.create(parent=area, level=UnitLevel.COMMUNITY, code="330199001001", name="桃源社区")
    liuan = Unit.objects.create(parent=area, level=UnitLevel.COMMUNITY, code="330199001002", name="柳岸社区")
    grids = []
    classes = grid_classes_seed_default()  # the "一类/二类" scheme, in use
    for column, community in enumerate([taoyuan, taoyuan, liuan, liuan]):
        lon, lat = ORIGIN_LON + column * CELL, ORIGIN_LAT
        grids.append(Unit.objects.create(
            parent=community, level=UnitLevel.GRID, code=f"{community.code}{column + 1:03d}",
            name=f"{community.name}第{column + 1}网格", boundary=square(lon, lat),
            grid_class=classes["1"] if column % 2 == 0 else classes["2"],
        ))
    cleaning = Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D02", name="环卫所")
    enforcement = Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code="D01", name="城管执法中队")
    WorkPeriod.objects.create(start="08:30", end="12:00")
    WorkPeriod.objects.create(start="13:30", end="17:30")

    item = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="06", major_name="市容环境类",
                                        code="06010", name="暴露垃圾", standard_ref="GB/T 47678.5-2026",
                                        search_text="baolulaji bllj")
    rule = CaseRule.objects.create(item=item, filing_condition="主次干道、公共场所有成堆垃圾未入容器",
                                   deadline_value=4, deadline_unit=DeadlineUnit.WORKING_HOURS,
                                   closing_condition="彻底清理", department=cleaning, source="standards.md §4.2")
    no_rule_item = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="06", major_name="市容环境类",
                                                code="06036", name="乱堆杂物", standard_ref="GB/T 47678.5-2026",
                                                search_text="luanduizawu ldzw")

    def person(username, role, unit=None, organisation=None, full_name=""):
        user = django_user_model.objects.create_user(username=username, password="pass-1234",
                                                     full_name=full_name or username)
        Duty.objects.create(user=user, role=role, unit=unit, organisation=organisation)
        return user

    people = SimpleNamespace(
        grid_worker=person("grid_worker", Role.GRID_WORKER, grids[0], full_name="王网格"),
        inspector=person("inspector", Role.INSPECTOR, taoyuan, full_name="李监督"),
        other_grid_worker=person("other_grid_worker", Role.GRID_WORKER, grids[2], full_name="赵网格"),
        intake_clerk=person("intake_clerk", Role.INTAKE_CLERK, subdistrict, full_name="受理员小陈"),
        shift_lead=person("shift_lead", Role.SHIFT_LEAD, subdistrict, full_name="值班长老周"),
        dispatcher=person("dispatcher", Role.DISPATCHER, subdistrict, full_name="派遣员小吴"),
        handler=person("handler", Role.DEPARTMENT_HANDLER, organisation=cleaning, full_name="环卫老孙"),
        department_admin=person("department_admin", Role.DEPARTMENT_ADMIN, organisation=cleaning,
                                full_name="环卫所长"),
        other_handler=person("other_handler", Role.DEPARTMENT_HANDLER, organisation=enforcement,
                             full_name="执法队员"),
        leader=person("leader", Role.LEADER, subdistrict, full_name="书记"),
        area_leader=person("area_leader", Role.AREA_LEADER, area, full_name="包片领导"),
        secretary=person("secretary", Role.FIRST_RESPONSIBLE, taoyuan, full_name="桃源书记"),
        other_secretary=person("other_secretary", Role.FIRST_RESPONSIBLE, liuan, full_name="柳岸书记"),
        supervisor=person("supervisor", Role.SUPERVISOR, taoyuan, full_name="区督查员"),
    )
    return SimpleNamespace(
        district=district, subdistrict=subdistrict, area=area, taoyuan=taoyuan, liuan=liuan, grids=grids,
        cleaning=cleaning, enforcement=enforcement, item=item, rule=rule, no_rule_item=no_rule_item,
        people=people, grid_classes=classes,
    )


SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday morning, inside working hours, far from holidays.
TUESDAY_0900 = datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY_0900, tick=False) as traveller:
        yield traveller


def report(world, by=None, column=0, **kwargs):
    lon, lat = grid_centre(column)
    params = dict(by=by or world.people.grid_worker, source=CaseSource.PATROL, item=world.item,
                  longitude=lon, latitude=lat, description="路口成堆垃圾", address="桃源路 12 号",
                  photos=[make_upload()])
    params.update(kwargs)
    return services.case_report(**params)


def walk_to(world, case, state):
    """Drive a fresh case along the main path up to `state` with the right people."""
    p = world.people
    steps = [
        ("accepted", lambda c: services.case_accept(case=c, by=p.intake_clerk)),
        ("filed", lambda c: services.case_file(case=c, by=p.shift_lead)),
        ("handling", lambda c: services.case_dispatch(case=c, by=p.dispatcher, department=world.cleaning)),
        ("fixed", lambda c: services.case_report_fix(case=c, by=p.handler, opinion="已清运",
                                                     photos=[make_upload()])),
        ("checked", lambda c: services.case_check(case=c, by=p.inspector, passed=True)),
        ("closed", lambda c: services.case_close(case=c, by=p.shift_lead)),
    ]
    for name, step in steps:
        case = step(case)
        if name == state:
            return case
    raise AssertionError(f"unknown state {state}")


# ---------------------------------------------------------------- the standard address register

def address_point(column: float, row: float = 0.5) -> tuple[float, float]:
    """A point `column` grids east of the origin (world's grids are CELL-wide squares in a row)."""
    return ORIGIN_LON + column * CELL, ORIGIN_LAT + row * CELL


@pytest.fixture
def address_register(world):
    """桃源路 across grids 0 and 1 with 8, 80, 86, 88, 88-1 号; 桃源新村 and its 3栋 at 88号;
    桃花弄 in grid 1; 柳岸街 12 号 in grid 2."""
    from jiedao.addresses.models import PlaceKind
    from jiedao.addresses.services import house_number_save, place_save, road_save

    taoyuan = road_save(name="桃源路", aliases="桃园路", line={"type": "LineString", "coordinates": [
        [address_point(0.1)[0], address_point(0.1)[1]], [address_point(1.9)[0], address_point(1.9)[1]]]})
    lane = road_save(name="桃花弄", line={"type": "LineString", "coordinates": [
        [address_point(1.2)[0], ORIGIN_LAT + 0.1 * CELL], [address_point(1.2)[0], ORIGIN_LAT + 0.9 * CELL]]})
    liuan = road_save(name="柳岸街", line={"type": "LineString", "coordinates": [
        [address_point(2.1)[0], address_point(2.1)[1]], [address_point(2.9)[0], address_point(2.9)[1]]]})

    def house(road, number, column, sub_number="", **extra):
        lon, lat = address_point(column)
        return house_number_save(road=road, number=number, sub_number=sub_number, longitude=lon, latitude=lat,
                                 **extra)

    houses = SimpleNamespace(
        h8=house(taoyuan, 8, 1.1), h80=house(taoyuan, 80, 1.3), h86=house(taoyuan, 86, 0.4),
        h88=house(taoyuan, 88, 0.5, building_name="桃源新村"), h88_1=house(taoyuan, 88, 0.55, sub_number="1"),
        lane3=house(lane, 3, 1.2), liuan12=house(liuan, 12, 2.5),
    )
    estate = place_save(name="桃源新村", kind=PlaceKind.ESTATE, house_number=houses.h88,
                        longitude=houses.h88.longitude, latitude=houses.h88.latitude)
    block = place_save(name="3栋", kind=PlaceKind.BUILDING, house_number=houses.h88,
                       longitude=houses.h88.longitude + 0.0002, latitude=houses.h88.latitude)
    school = place_save(name="青溪小学", kind=PlaceKind.SCHOOL, aliases="青溪一小", longitude=address_point(3.5)[0],
                        latitude=address_point(3.5)[1])
    return SimpleNamespace(taoyuan=taoyuan, lane=lane, liuan=liuan, estate=estate, block=block, school=school,
                           **vars(houses))
