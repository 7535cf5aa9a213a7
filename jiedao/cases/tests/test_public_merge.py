"""Merging a duplicate into the open case it repeats, and finding the likely originals."""

from datetime import timedelta

import pytest

from jiedao import clock as jiedao_clock
from jiedao.cases import services
from jiedao.cases.errors import InvalidInput, NotAllowed, StaleCase, WrongState
from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.cases.selectors import open_cases_near
from jiedao.conftest import grid_centre

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db


def test_a_duplicate_is_voided_pointing_at_the_original_and_both_timelines_say_so(world, clock):
    original = walk_to(world, report(world), "handling")
    duplicate = report(world, photos=[])

    merged = services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="同一堆垃圾")

    merged = Case.objects.get(pk=merged.pk)
    assert (merged.state, merged.merged_into, merged.closed_at) == (CaseState.VOIDED, original, jiedao_clock.now())
    event = CaseEvent.objects.get(case=duplicate, action="merge")
    assert (event.data, event.opinion, event.actor_role) == ({"merged_into": original.number}, "同一堆垃圾",
                                                              "intake_clerk")
    echo = CaseEvent.objects.get(case=original, action="merged_in")
    assert (echo.data, echo.from_state, echo.to_state) == ({"merged_from": duplicate.number}, "handling", "handling")
    assert Case.objects.get(pk=original.pk).state == CaseState.HANDLING


@pytest.mark.parametrize(("target_state", "message"), [
    ("closed", "只能并入尚未办结的案件"),
    ("self", "不能把案件并入它自己"),
])
def test_a_merge_into_a_closed_case_or_itself_is_refused_and_changes_nothing(world, clock, target_state, message):
    duplicate = report(world, photos=[])
    target = duplicate if target_state == "self" else walk_to(world, report(world), "closed")
    before = (Case.objects.values().get(pk=duplicate.pk), CaseEvent.objects.count())

    with pytest.raises(InvalidInput) as refused:
        services.case_merge(case=duplicate, into=target, by=world.people.shift_lead, reason="重复")

    assert (refused.value.field, str(refused.value.message)) == ("into", message)
    assert (Case.objects.values().get(pk=duplicate.pk), CaseEvent.objects.count()) == before


def test_a_merge_needs_a_reason_a_target_and_the_version_the_clerk_saw(world, clock):
    original, duplicate = report(world), report(world)
    clerk = world.people.intake_clerk

    with pytest.raises(InvalidInput):
        services.case_merge(case=duplicate, into=original, by=clerk, reason=" ")
    with pytest.raises(InvalidInput):
        services.case_merge(case=duplicate, into=None, by=clerk, reason="重复")
    with pytest.raises(StaleCase):
        services.case_merge(case=duplicate, into=original, by=clerk, reason="重复",
                            expected_version=duplicate.version - 1)

    assert Case.objects.get(pk=duplicate.pk).state == CaseState.REPORTED
    assert CaseEvent.objects.filter(action__in=["merge", "merged_in"]).count() == 0


def test_a_dispatched_case_is_not_merged_away(world, clock):
    original = report(world)
    dispatched = walk_to(world, report(world), "handling")

    with pytest.raises(WrongState):
        services.case_merge(case=dispatched, into=original, by=world.people.shift_lead, reason="重复")


def test_a_target_outside_the_clerks_scope_is_not_found(world, clock, django_user_model):
    from jiedao.territory.models import Duty, Role

    clerk = django_user_model.objects.create_user(username="taoyuan_clerk", password="x")
    Duty.objects.create(user=clerk, role=Role.INTAKE_CLERK, unit=world.taoyuan)
    duplicate = report(world, column=0)
    elsewhere = report(world, column=2)  # 柳岸社区

    with pytest.raises(InvalidInput) as refused:
        services.case_merge(case=duplicate, into=elsewhere, by=clerk, reason="重复")

    assert str(refused.value.message) == f"未找到可并入的案件“{elsewhere.number}”"
    with pytest.raises(NotAllowed):
        services.case_merge(case=elsewhere, into=duplicate, by=clerk, reason="重复")


def test_open_cases_near_finds_the_same_category_within_the_radius_and_hours(world, clock):
    lon, lat = grid_centre(0)
    near = report(world, longitude=lon + 0.0003, latitude=lat)  # ~29 m east
    report(world, longitude=lon + 0.0010, latitude=lat)  # ~96 m: outside 50 m
    report(world, item=world.no_rule_item, longitude=lon, latitude=lat)  # another category
    walk_to(world, report(world, longitude=lon, latitude=lat), "closed")  # no longer open
    clock.shift(timedelta(hours=2))

    found = open_cases_near(longitude=lon, latitude=lat, item_id=world.item.pk, now=jiedao_clock.now())

    assert [(entry.case.pk, round(entry.distance_m)) for entry in found] == [(near.pk, 29)]
    clock.shift(timedelta(hours=71))
    assert open_cases_near(longitude=lon, latitude=lat, item_id=world.item.pk,
                           now=jiedao_clock.now()) == []
