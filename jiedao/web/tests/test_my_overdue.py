"""我的超期 is mine (issue 10, point 6): the overdue cases a person answers for by role, and 全部超期
for those who oversee — both cut by what the person may open, both saying in words whose cases
they list."""

from datetime import timedelta

import pytest
from django.urls import reverse

from jiedao.cases import services
from jiedao.conftest import make_upload, report, walk_to
from jiedao.territory.models import Duty, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(world, clock, django_user_model, as_user):
    """Case A (桃源 grid 1, 环卫所, dispatched by the dispatcher) and case B (柳岸 grid 3, 城管执法中队,
    dispatched by a second dispatcher who works for 柳岸 only), both past their deadline."""
    p = world.people
    liuan_dispatcher = django_user_model.objects.create_user(username="liuan_dispatcher", password="x",
                                                             full_name="柳岸派遣员")
    Duty.objects.create(user=liuan_dispatcher, role=Role.DISPATCHER, unit=world.liuan)
    a = walk_to(world, report(world, column=0), "filed")
    services.case_dispatch(case=a, by=p.dispatcher, department=world.cleaning)
    b = walk_to(world, report(world, by=p.other_grid_worker, column=2), "filed")
    services.case_dispatch(case=b, by=liuan_dispatcher, department=world.enforcement)
    clock.shift(timedelta(days=3))
    return a, b, liuan_dispatcher


def listed(client, box: str):
    response = client.get(reverse("web:inbox"), {"box": box})
    assert response.status_code == 200
    return response, sorted(case.number for case, _light in response.context["rows"])


@pytest.mark.parametrize(("person", "mine"), [
    ("handler", "a"), ("department_admin", "a"), ("other_handler", "b"),
    ("dispatcher", "a"), ("liuan_dispatcher", "b"),
    ("grid_worker", "a"), ("other_grid_worker", "b"),
    ("secretary", "a"), ("other_secretary", "b"),
])
def test_my_overdue_lists_the_cases_the_person_answers_for(world, overdue, as_user, person, mine):
    a, b, liuan_dispatcher = overdue
    user = liuan_dispatcher if person == "liuan_dispatcher" else getattr(world.people, person)

    response, numbers = listed(as_user(user), "overdue")

    assert response.context["box_code"] == "overdue"
    assert numbers == [{"a": a, "b": b}[mine].number]


def test_the_words_say_whose_cases_each_box_lists(world, overdue, as_user):
    handler_page, _numbers = listed(as_user(world.people.handler), "overdue")
    worker_page, _numbers = listed(as_user(world.people.grid_worker), "overdue")
    dispatcher_all, _numbers = listed(as_user(world.people.dispatcher), "overdue_all")

    assert handler_page.context["box_words"] == "处置期限已过、仍在处置中的案件中由您负责的：环卫所的超期案件。"
    assert "环卫所的超期案件" in handler_page.content.decode()
    assert worker_page.context["box_words"] == "处置期限已过、仍在处置中的案件中由您负责的：桃源社区第1网格内的超期案件。"
    assert dispatcher_all.context["box_words"] == "您可查看范围内所有处置期限已过、仍在处置中的案件（不论由谁负责）。"


def test_the_shift_lead_answers_for_the_void_requests_waiting_on_them(world, overdue, as_user):
    a, b, _liuan_dispatcher = overdue
    client = as_user(world.people.shift_lead)
    assert listed(client, "overdue")[1] == []

    services.case_request(case=b, by=world.people.other_handler, kind="void", reason="不属本队职责")

    assert listed(client, "overdue")[1] == [b.number]
    assert listed(client, "overdue_all")[1] == sorted([a.number, b.number])


def test_all_overdue_is_for_those_who_oversee_and_cut_to_what_they_may_open(world, overdue, as_user):
    a, b, liuan_dispatcher = overdue

    leader, leader_numbers = listed(as_user(world.people.leader), "overdue_all")
    _page, liuan_numbers = listed(as_user(liuan_dispatcher), "overdue_all")
    handler, _numbers = listed(as_user(world.people.handler), "overdue")

    assert leader_numbers == sorted([a.number, b.number])
    assert "overdue" not in [tab.box.code for tab in leader.context["tabs"]]
    assert liuan_numbers == [b.number]  # 桃源's case is outside the 柳岸 dispatcher's reach
    assert "overdue_all" not in [tab.box.code for tab in handler.context["tabs"]]


def test_the_dashboards_overdue_link_opens_all_overdue_for_a_leader(world, overdue, as_user):
    a, b, _liuan_dispatcher = overdue

    response, numbers = listed(as_user(world.people.area_leader), "overdue")

    assert response.context["box_code"] == "overdue_all"
    assert numbers == sorted([a.number, b.number])


def test_a_case_no_longer_overdue_leaves_both_boxes(world, overdue, as_user):
    a, _b, _liuan_dispatcher = overdue
    services.case_report_fix(case=a, by=world.people.handler, opinion="已清运", photos=[make_upload()])

    assert listed(as_user(world.people.handler), "overdue")[1] == []
