"""The leader's view: the figures over the person's scope, and who may open it."""

from datetime import date, timedelta

import pytest

from jiedao.cases import services
from jiedao.conftest import make_upload, report, walk_to
from jiedao.evaluation.periods import period_bounds

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "today", "bounds"), [
    ("week", date(2026, 11, 19), (date(2026, 11, 16), date(2026, 11, 23))),
    ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
    ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2026, 1, 1))),
    ("quarter", date(2026, 11, 19), (date(2026, 10, 1), date(2027, 1, 1))),
    ("quarter", date(2026, 2, 1), (date(2026, 1, 1), date(2026, 4, 1))),
    ("days60", date(2026, 11, 29), (date(2026, 10, 1), date(2026, 11, 30))),
])
def test_period_bounds(code, today, bounds):
    assert period_bounds(code, today=today) == bounds


def _tiles(response) -> dict[str, str]:
    """The dashboard's headline tiles by figure key, as shown."""
    return {tile["figure"].key: tile["text"] for tile in response.context["headline"]}


def _cells(row) -> dict[str, str]:
    """One row of the units-below table by figure key, as shown."""
    return {figure.key: text for figure, text, _alert in row["cells"]}


def test_leader_sees_the_figures_of_the_period(world, clock, client):
    p = world.people
    walk_to(world, report(world), "closed")                              # closed on time
    late = walk_to(world, report(world), "handling")
    clock.shift(timedelta(days=1))                                       # past its 4 working hours
    services.case_report_fix(case=late, by=p.handler, opinion="已清运", photos=[make_upload()])
    late = services.case_check(case=late, by=p.inspector, passed=True)
    services.case_close(case=late, by=p.shift_lead)                      # closed overdue
    walk_to(world, report(world, column=2, by=p.other_grid_worker), "handling")  # still open, in 柳岸
    clock.shift(timedelta(days=1))
    client.force_login(p.leader)

    response = client.get("/dashboard/", {"period": "month"})

    assert response.status_code == 200
    figures = response.context["figures"]
    tiles = _tiles(response)
    assert (tiles["open_now"], tiles["overdue_now"]) == ("1", "1")
    assert (tiles["reported"], tiles["closed"], tiles["overdue_pending"]) == ("3", "2", "1")
    # GB/T 30428.4: 按期结案数 1 / 应结案数 3 (two handled, one overdue and pending) — not 1 of the 2 closed
    assert tiles["on_time_closure_rate"] == "33.3%"
    assert figures.categories == [("暴露垃圾", 3)]
    assert [(point["overdue"]) for point in figures.open_points] == [True]
    assert "领导驾驶舱" in response.content.decode()


def test_a_community_secretary_sees_only_their_community(world, clock, client):
    walk_to(world, report(world, column=2, by=world.people.other_grid_worker), "handling")  # 柳岸
    client.force_login(world.people.secretary)                                                # 桃源

    response = client.get("/dashboard/")

    assert response.context["figures"].open_points == []
    assert (_tiles(response)["open_now"], _tiles(response)["reported"]) == ("0", "0")


@pytest.mark.parametrize("persona", ["grid_worker", "intake_clerk", "dispatcher", "handler"])
def test_others_may_not_open_the_dashboard(world, client, persona):
    client.force_login(getattr(world.people, persona))

    assert client.get("/dashboard/").status_code == 403


def test_an_empty_period_shows_a_dash_not_zero_percent(world, clock, client):
    client.force_login(world.people.leader)

    response = client.get("/dashboard/", {"period": "week"})

    assert _tiles(response)["on_time_closure_rate"] == "—"
    assert response.context["figures"].trend == []


def test_the_figures_are_kept_for_a_minute(world, clock, django_assert_num_queries):
    from datetime import datetime

    from jiedao.cases.selectors import dashboard_figures_cached
    from jiedao.conftest import SHANGHAI

    walk_to(world, report(world), "handling")
    start, end = datetime(2026, 11, 1, tzinfo=SHANGHAI), datetime(2026, 12, 1, tzinfo=SHANGHAI)
    leader = world.people.leader
    first = dashboard_figures_cached(user=leader, start=start, end=end, now=end)

    with django_assert_num_queries(0):
        again = dashboard_figures_cached(user=leader, start=start, end=end, now=end)

    assert again == first
    assert dashboard_figures_cached(user=world.people.secretary, start=start, end=end, now=end) is not first


@pytest.fixture
def spread(world, clock):
    """One case handling in 桃源 (overdue a day later), one in 柳岸, one closed in 桃源."""
    p = world.people
    walk_to(world, report(world), "handling")
    walk_to(world, report(world, column=2, by=p.other_grid_worker), "handling")
    walk_to(world, report(world, column=1), "closed")
    clock.shift(timedelta(days=1))


def test_the_leader_sees_the_units_below_and_drills_into_one(world, spread, client):
    client.force_login(world.people.leader)

    top = client.get("/dashboard/")
    assert [step.name for step in top.context["trail"]] == ["青溪街道"]
    assert [(row["unit"].name, _cells(row)["open_now"]) for row in top.context["breakdown"]] == [("东片", "2")]

    area = client.get("/dashboard/", {"unit": world.area.pk})
    rows = {row["unit"].name: _cells(row) for row in area.context["breakdown"]}
    assert (rows["桃源社区"]["open_now"], rows["桃源社区"]["overdue_now"], rows["桃源社区"]["closed"]) == ("1", "1", "1")
    assert (rows["柳岸社区"]["open_now"], rows["柳岸社区"]["reported"]) == ("1", "1")

    community = client.get("/dashboard/", {"unit": world.liuan.pk})
    assert [step.name for step in community.context["trail"]] == ["青溪街道", "东片", "柳岸社区"]
    tiles = _tiles(community)
    assert (tiles["open_now"], tiles["reported"], tiles["closed"]) == ("1", "1", "0")
    assert [row["unit"].name for row in community.context["breakdown"]] == ["柳岸社区第3网格", "柳岸社区第4网格"]


def test_a_secretary_cannot_drill_into_another_community(world, spread, client):
    client.force_login(world.people.secretary)  # 桃源

    assert client.get("/dashboard/", {"unit": world.liuan.pk}).status_code == 404
    assert client.get("/dashboard/", {"unit": world.subdistrict.pk}).status_code == 404
    assert client.get("/dashboard/", {"unit": "nonsense"}).status_code == 400  # not an id at all
    own = client.get("/dashboard/", {"unit": world.grids[0].pk})
    assert own.status_code == 200 and own.context["figures"].open_count == 1


def test_the_published_board_and_the_registers_open_items_are_on_it(world, spread, client):
    from jiedao.accountability.services import accountability_rules_seed, findings_refresh
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.periods import period_named
    from jiedao.evaluation.services import evaluation_seed_defaults, ranking_compute, ranking_publish

    evaluation_seed_defaults()
    client.force_login(world.people.leader)
    assert "尚未发布排名" in client.get("/dashboard/").content.decode()

    from jiedao import clock as jiedao_clock
    month = period_named("month", now=jiedao_clock.now())
    ranking_publish(publication=ranking_compute(rule=RankingRule.objects.get(), start=month.start, end=month.end),
                    by=world.people.leader)
    reworked = walk_to(world, report(world), "fixed")
    services.case_check(case=reworked, by=world.people.inspector, passed=False, opinion="仍有垃圾")  # 返工
    accountability_rules_seed()
    findings_refresh(start=month.first_day, end=month.last_day)

    response = client.get("/dashboard/")

    board = response.context["boards"][0]
    assert [row["name"] for row in board["red"]] == ["桃源社区", "柳岸社区"]  # top 2 of 2, best first
    assert [f.summary for f in response.context["findings"]] == ["环卫所：1 件案件核查不通过，返工 1 次"]
    assert "环卫所：1 件案件核查不通过" in response.content.decode()


def test_repeat_points_of_the_register_are_the_hot_spots(world, clock, client):
    from jiedao.accountability.services import accountability_rules_seed, findings_refresh
    from jiedao.evaluation.periods import period_named

    walk_to(world, report(world), "closed")
    clock.shift(timedelta(days=2))
    again = report(world)  # the same category at the same spot, two days after the fix
    accountability_rules_seed()
    from jiedao import clock as jiedao_clock
    month = period_named("month", now=jiedao_clock.now())
    findings_refresh(start=month.first_day, end=month.last_day)
    client.force_login(world.people.leader)

    response = client.get("/dashboard/")

    assert [point["number"] for point in response.context["map_data"]["hotspots"]] == [again.number]
    assert response.context["hotspot_count"] == 1
    taoyuan = client.get("/dashboard/", {"unit": world.taoyuan.pk}).context["map_data"]["hotspots"]
    liuan = client.get("/dashboard/", {"unit": world.liuan.pk}).context["map_data"]["hotspots"]
    assert ([point["number"] for point in taoyuan], liuan) == ([again.number], [])


def test_the_worker_keeps_the_default_view_of_recent_leaders_warm(world, spread, client):
    from django.contrib.auth import get_user_model

    from jiedao import clock as jiedao_clock
    from jiedao.web.leader import dashboard_warm
    from jiedao.web.tasks import dashboard_warm_task

    client.force_login(world.people.leader)  # signed in now
    get_user_model().objects.filter(pk=world.people.secretary.pk).update(
        last_login=jiedao_clock.now() - timedelta(days=8))  # away for more than a week

    assert dashboard_warm(now=jiedao_clock.now()) == 1
    assert client.get("/dashboard/").context["figures"].open_count == 2
    report(world)  # a new case: the page reads the warmed figures until the worker's next minute
    assert client.get("/dashboard/").context["figures"].open_count == 2
    dashboard_warm_task()  # huey runs it at once in tests
    assert client.get("/dashboard/").context["figures"].open_count == 3
    assert [_cells(row)["open_now"] for row in client.get("/dashboard/").context["breakdown"]] == ["3"]
