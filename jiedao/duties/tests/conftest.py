"""People, streets and grids for the duties tests: `territory.Unit` declared as a subject kind
("unit", placed in itself) beside the app's own "road", a contractor with its staff, a village
river chief and a cleaner."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from jiedao.addresses.models import Road
from jiedao.duties.models import DutyKind, DutyPlan, FrequencyUnit
from jiedao.duties.registry import subject_kind_register, subject_kind_unregister
from jiedao.territory.models import Duty, Organisation, OrganisationKind, Role, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def unit_subjects():
    subject_kind_register(key="unit", model=Unit, label="属地单位", filters={"level": "层级"},
                          unit_of=lambda unit: unit, geometry_of=lambda unit: unit.boundary)
    yield
    subject_kind_unregister("unit")


@pytest.fixture
def duty_world(world, unit_subjects, django_user_model):
    def person(username, role, unit=None, organisation=None):
        user = django_user_model.objects.create_user(username=username, password="pass-1234", full_name=username)
        Duty.objects.create(user=user, role=role, unit=unit, organisation=organisation)
        return user

    contractor = Organisation.objects.create(kind=OrganisationKind.CONTRACTOR, code="C01", name="青溪环境服务有限公司")
    other_contractor = Organisation.objects.create(kind=OrganisationKind.CONTRACTOR, code="C02", name="柳岸保洁公司")
    roads = SimpleNamespace(taoyuan=Road.objects.create(name="桃源路"), liuan=Road.objects.create(name="柳岸街"),
                            lane=Road.objects.create(name="桃花弄"))
    people = SimpleNamespace(
        contractor_staff=person("contractor_staff", Role.CONTRACTOR_STAFF, organisation=contractor),
        other_contractor_staff=person("other_contractor_staff", Role.CONTRACTOR_STAFF, organisation=other_contractor),
        taoyuan_chief=person("taoyuan_chief", Role.RIVER_CHIEF, world.taoyuan),
        liuan_chief=person("liuan_chief", Role.RIVER_CHIEF, world.liuan),
        township_chief=person("township_chief", Role.RIVER_CHIEF, world.subdistrict),
        cleaner=person("cleaner", Role.CLEANER, world.taoyuan),
    )
    return SimpleNamespace(world=world, contractor=contractor, other_contractor=other_contractor, roads=roads,
                           people=people)


def plan_make(**fields) -> DutyPlan:
    values = dict(name="计划", kind=DutyKind.PATROL, subject_kind="unit", frequency_unit=FrequencyUnit.WEEK,
                  times_per_period=1, starts_on=date(2026, 1, 1))
    targets = fields.pop("targets", None)
    values.update(fields)
    plan = DutyPlan.objects.create(**values)
    for target in targets or []:
        plan.targets.create(object_id=target.pk)
    return plan


