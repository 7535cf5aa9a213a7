"""Maintenance done on an asset is a duty done (jiedao/duties), and the asset's page shows when the
next one is due under its class's plan."""

from datetime import date

from django.urls import reverse

from jiedao.assets.duties_link import maintenance_due
from jiedao.assets.services import maintenance_record
from jiedao.duties.models import DutyPlan, DutyWork
from jiedao.duties.registry import subject_kind


def _monthly_plan(world, code="01037"):
    return DutyPlan.objects.create(name="路灯月度巡检", kind="inspect", assignee_organisation=world.cleaning,
                                   subject_kind="asset", target_filter={"component_code": code},
                                   frequency_unit="month", times_per_period=1, starts_on=date(2026, 1, 1))


def test_assets_and_zones_are_declared_subjects_with_their_filters(world):
    assert set(subject_kind("asset").filters) == {"component_code", "state", "grid"}
    assert set(subject_kind("cleaning_zone").filters) == {"grade"}


def test_an_inspection_recorded_is_a_valid_duty_work_on_the_asset(world, clock, register):
    plan = _monthly_plan(world)

    record = maintenance_record(asset=register.lamp, by=world.people.handler, kind="inspect",
                                done_on=date(2026, 11, 16), work="夜间巡检亮灯", organisation=world.cleaning)

    work = DutyWork.objects.get()
    assert (work.plan, work.kind, work.subject_id, work.person, work.organisation, work.is_valid) == (
        plan, "inspect", register.lamp.pk, world.people.handler, world.cleaning, True)
    assert work.on_date == date(2026, 11, 16)
    assert work.source_id == record.pk


def test_the_due_date_moves_to_next_month_once_this_months_is_done(world, clock, register):
    plan = _monthly_plan(world)
    [before] = maintenance_due(asset=register.lamp)
    assert (before.plan, before.required, before.valid, before.is_done, before.due_on) == (
        plan, 1, 0, False, date(2026, 11, 30))

    maintenance_record(asset=register.lamp, by=world.people.handler, kind="inspect", done_on=date(2026, 11, 16),
                       work="夜间巡检亮灯", organisation=world.cleaning)

    [after] = maintenance_due(asset=register.lamp)
    assert (after.valid, after.is_done, after.due_on) == (1, True, date(2026, 12, 31))
    assert maintenance_due(asset=register.manhole_40m) == []  # another class: no plan


def test_the_asset_page_shows_the_due_date(client, world, clock, register):
    _monthly_plan(world)
    client.force_login(world.people.leader)

    body = client.get(reverse("assets:asset-detail", args=[register.lamp.pk])).content.decode()

    assert "路灯月度巡检" in body
    assert "2026-11-30" in body
