"""The contract the registers plug into: subject kinds, recording a work, what is due."""

from datetime import date, timedelta

import pytest

from jiedao.addresses.models import Road
from jiedao.duties.models import DutyKind, DutyWork, FrequencyUnit, InvalidReason
from jiedao.duties.registry import (
    subject_kind,
    subject_kind_label,
    subject_kind_of,
    subject_kind_register,
    subject_kinds,
    subjects_resolve,
)
from jiedao.duties.selectors import duties_due, plan_obligations
from jiedao.duties.services import DutyError, duty_work_record
from jiedao.territory.models import Role, Unit, UnitLevel

from .conftest import at, plan_make


def test_the_app_declares_roads_and_a_test_declares_units(duty_world):
    keys = [kind.key for kind in subject_kinds()]
    assert "road" in keys and "unit" in keys
    assert subject_kind_of(duty_world.roads.taoyuan).key == "road"
    assert subject_kind_of(Unit).key == "unit"


def test_another_model_under_a_taken_key_is_refused(duty_world):
    with pytest.raises(ValueError):
        subject_kind_register(key="road", model=Unit, label="x")
    assert subject_kind("road").model is Road


def test_an_unknown_key_resolves_to_nothing_and_says_unregistered(duty_world):
    assert subjects_resolve(key="ferry_crossing") == []
    assert subject_kind_label("ferry_crossing") == "ferry_crossing（未登记）"
    plan = plan_make(subject_kind="ferry_crossing", assignee_role=Role.RIVER_CHIEF)
    assert plan_obligations([plan]) == {plan.pk: []}


def test_a_filter_selects_the_subjects(duty_world):
    world = duty_world.world
    communities = subjects_resolve(key="unit", filters={"level": UnitLevel.COMMUNITY})
    assert [unit.name for unit in communities] == [world.taoyuan.name, world.liuan.name]


def test_a_role_plan_obliges_each_holder_for_the_subjects_in_their_unit(duty_world):
    world = duty_world.world
    plan = plan_make(assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
                     target_filter={"level": UnitLevel.GRID})
    obligations = plan_obligations([plan])[plan.pk]
    by_person = {}
    for obligation in obligations:
        by_person.setdefault(obligation.person_id, []).append(obligation.subject_id)
    assert by_person == {duty_world.people.taoyuan_chief.pk: [world.grids[0].pk, world.grids[1].pk],
                         duty_world.people.liuan_chief.pk: [world.grids[2].pk, world.grids[3].pk]}


def test_a_work_finds_its_plan_and_counts(duty_world):
    world = duty_world.world
    chief = duty_world.people.taoyuan_chief
    plan = plan_make(assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
                     target_filter={"level": UnitLevel.GRID}, min_duration_minutes=30, min_distance_m=2000)
    work = duty_work_record(kind=DutyKind.PATROL, subject=world.grids[0], person=chief,
                            started_at=at(2026, 11, 17, 9), ended_at=at(2026, 11, 17, 9, 45), distance_m=2300)
    assert (work.plan, work.is_valid, work.invalid_reasons, work.duration_seconds, work.on_date, work.unit) == (
        plan, True, [], 45 * 60, date(2026, 11, 17), world.grids[0])


def test_a_thirty_second_patrol_is_kept_and_does_not_count(duty_world):
    world = duty_world.world
    plan_make(assignee_role=Role.RIVER_CHIEF, target_filter={"level": UnitLevel.GRID}, min_duration_minutes=30)
    start = at(2026, 11, 17, 9)
    work = duty_work_record(kind=DutyKind.PATROL, subject=world.grids[0], person=duty_world.people.taoyuan_chief,
                            started_at=start, ended_at=start + timedelta(seconds=30))
    work.refresh_from_db()
    assert (work.is_valid, work.invalid_reasons, work.reason_labels()) == (
        False, [InvalidReason.TOO_SHORT], ["时长不足"])


def test_the_same_source_twice_is_one_work(duty_world):
    world = duty_world.world
    plan_make(assignee_role=Role.RIVER_CHIEF, target_filter={"level": UnitLevel.GRID})
    source = duty_world.roads.lane  # any saved record stands for the patrol it came from
    kwargs = dict(kind=DutyKind.PATROL, subject=world.grids[0], person=duty_world.people.taoyuan_chief,
                  started_at=at(2026, 11, 17, 9), ended_at=at(2026, 11, 17, 10), source=source)
    first = duty_work_record(**kwargs)
    second = duty_work_record(**kwargs)
    assert first.pk == second.pk and DutyWork.objects.count() == 1


def test_a_subject_outside_the_persons_unit_is_kept_as_outside_scope(duty_world):
    world = duty_world.world
    plan = plan_make(assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
                     target_filter={"level": UnitLevel.GRID})
    work = duty_work_record(kind=DutyKind.PATROL, subject=world.grids[2], person=duty_world.people.taoyuan_chief,
                            plan=plan, started_at=at(2026, 11, 17, 9), ended_at=at(2026, 11, 17, 10))
    assert (work.is_valid, work.invalid_reasons) == (False, [InvalidReason.OUTSIDE_SCOPE])
    # without a plan named, no plan obliges this chief for that grid
    other = duty_work_record(kind=DutyKind.PATROL, subject=world.grids[3], person=duty_world.people.taoyuan_chief,
                             started_at=at(2026, 11, 17, 9), ended_at=at(2026, 11, 17, 10))
    assert other.plan is None


def test_a_work_needs_a_registered_subject_and_someone(duty_world):
    with pytest.raises(DutyError):
        duty_work_record(kind=DutyKind.CLEAN, subject=duty_world.contractor, organisation=duty_world.contractor,
                         started_at=at(2026, 11, 17), ended_at=at(2026, 11, 17, 10))
    with pytest.raises(DutyError):
        duty_work_record(kind=DutyKind.CLEAN, subject=duty_world.roads.taoyuan,
                         started_at=at(2026, 11, 17), ended_at=at(2026, 11, 17, 10))


def test_what_is_due_for_a_contractors_staff(duty_world):
    roads, contractor = duty_world.roads, duty_world.contractor
    daily = plan_make(name="主街日保洁", kind=DutyKind.CLEAN, subject_kind="road", frequency_unit=FrequencyUnit.DAY,
                      times_per_period=2, assignee_organisation=contractor, targets=[roads.taoyuan])
    weekly = plan_make(name="背街周保洁", kind=DutyKind.CLEAN, subject_kind="road", assignee_organisation=contractor,
                       targets=[roads.lane])
    plan_make(name="别家的", kind=DutyKind.CLEAN, subject_kind="road", assignee_organisation=duty_world.other_contractor,
              targets=[roads.liuan])
    duty_work_record(kind=DutyKind.CLEAN, subject=roads.lane, organisation=contractor,
                     person=duty_world.people.contractor_staff,
                     started_at=at(2026, 11, 17, 7), ended_at=at(2026, 11, 17, 8))
    due = duties_due(person=duty_world.people.contractor_staff, on=date(2026, 11, 17))
    assert [(item.plan, item.remaining) for item in due.today] == [(daily, 2)]
    assert [(item.plan, item.row.valid) for item in due.done] == [(weekly, 1)]
    assert due.this_week == [] and due.later == []
