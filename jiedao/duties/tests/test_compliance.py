"""Compliance figures, computed by hand on a small fixture."""

from datetime import date, timedelta
from decimal import Decimal

from jiedao.duties.models import DutyKind
from jiedao.duties.selectors import (
    BY_ORGANISATION,
    BY_PERSON,
    BY_SUBJECT,
    BY_UNIT,
    compliance_by,
    compliance_rows,
    figure_of,
)
from jiedao.duties.services import duty_work_record
from jiedao.territory.models import Role, UnitLevel

from .conftest import at, plan_make


def clean(duty_world, road, day, minutes=60, **kwargs):
    start = at(2026, day.month, day.day, 6)
    return duty_work_record(kind=DutyKind.CLEAN, subject=road, organisation=duty_world.contractor,
                            person=duty_world.people.contractor_staff, started_at=start,
                            ended_at=start + timedelta(minutes=minutes), **kwargs)


def test_a_contractors_weekly_cleaning_in_november(duty_world):
    roads = duty_world.roads
    plan = plan_make(name="周保洁", kind=DutyKind.CLEAN, subject_kind="road", times_per_period=2,
                     assignee_organisation=duty_world.contractor, targets=[roads.taoyuan, roads.lane],
                     min_duration_minutes=30)
    # 桃源路: the week of 26 Oct three (one more than needed), the week of 2 Nov two, of 9 Nov one
    # valid and one of ten minutes, of 16 Nov (still running on the 17th) one.
    for day in (date(2026, 10, 27), date(2026, 10, 28), date(2026, 10, 31), date(2026, 11, 3), date(2026, 11, 5),
                date(2026, 11, 10), date(2026, 11, 16)):
        clean(duty_world, roads.taoyuan, day)
    clean(duty_world, roads.taoyuan, date(2026, 11, 12), minutes=10)
    # 桃花弄: one, in the week of 2 Nov
    clean(duty_world, roads.lane, date(2026, 11, 4))

    rows = compliance_rows(plans=[plan], first=date(2026, 11, 1), end=date(2026, 12, 1), today=date(2026, 11, 17))
    # weeks touching November 2026: 26 Oct, 2, 9, 16, 23, 30 Nov — six, for two roads
    assert len(rows) == 12
    by_road = compliance_by(rows, by=BY_SUBJECT)
    taoyuan, lane = by_road[(plan.pk, roads.taoyuan.pk)], by_road[(plan.pk, roads.lane.pk)]
    assert (taoyuan.done, taoyuan.valid, taoyuan.counted, taoyuan.missed, taoyuan.closed_required) == (8, 7, 6, 1, 6)
    assert (lane.done, lane.valid, lane.counted, lane.missed, lane.closed_required) == (1, 1, 1, 5, 6)
    whole = figure_of(rows)
    # ended weeks (26 Oct, 2 Nov, 9 Nov): required 12, counted 2+2+1 + 0+1+0 = 6
    assert (whole.required, whole.done, whole.valid, whole.invalid, whole.missed, whole.periods_missed) == (
        24, 9, 8, 1, 6, 4)
    assert whole.rate == Decimal("50.0")
    assert set(compliance_by(rows, by=BY_ORGANISATION)) == {duty_world.contractor.pk}
    assert compliance_by(rows, by=BY_PERSON) == {}
    statuses = [row.status for row in rows if row.obligation.subject_id == roads.taoyuan.pk]
    assert statuses == ["done", "done", "missed", "open", "open", "open"]


def test_chiefs_per_person_and_unit(duty_world):
    world, people = duty_world.world, duty_world.people
    plan = plan_make(assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
                     target_filter={"level": UnitLevel.COMMUNITY}, per_subject=True)
    start = at(2026, 11, 10, 9)
    duty_work_record(kind=DutyKind.PATROL, subject=world.taoyuan, person=people.taoyuan_chief,
                     started_at=start, ended_at=start + timedelta(hours=1))
    rows = compliance_rows(plans=[plan], first=date(2026, 11, 9), end=date(2026, 11, 16), today=date(2026, 11, 30))
    by_person = compliance_by(rows, by=BY_PERSON)
    assert {person: (figure.required, figure.counted, figure.missed) for person, figure in by_person.items()} == {
        people.taoyuan_chief.pk: (1, 1, 0), people.liuan_chief.pk: (1, 0, 1)}
    by_unit = compliance_by(rows, by=BY_UNIT)
    assert {unit: figure.rate for unit, figure in by_unit.items()} == {
        world.taoyuan.pk: Decimal("100.0"), world.liuan.pk: Decimal("0.0")}


def test_a_plan_counting_its_subjects_together(duty_world):
    roads = duty_world.roads
    plan = plan_make(kind=DutyKind.CLEAN, subject_kind="road", times_per_period=2, per_subject=False,
                     assignee_organisation=duty_world.contractor, targets=[roads.taoyuan, roads.lane])
    clean(duty_world, roads.taoyuan, date(2026, 11, 10))
    clean(duty_world, roads.lane, date(2026, 11, 11))
    rows = compliance_rows(plans=[plan], first=date(2026, 11, 9), end=date(2026, 11, 16), today=date(2026, 11, 30))
    assert [(row.obligation.subject_id, row.required, row.counted, row.missed) for row in rows] == [(None, 2, 2, 0)]
