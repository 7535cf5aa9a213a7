"""Drill-down to the grid and the person, the map zoomed to the unit, and the 黑榜 by real rank,
worst first (issue 10, point 8)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from jiedao.conftest import SHANGHAI, report, walk_to
from jiedao.evaluation.models import RankingPublication, RankingRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world, clock):
    """In 桃源's first grid: one case closed (fixed by 环卫老孙), one in handling; one in 柳岸."""
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    fixed = walk_to(world, report(world), "closed")
    walk_to(world, report(world), "handling")
    walk_to(world, report(world, column=2, by=world.people.other_grid_worker), "handling")
    clock.shift(timedelta(hours=1))
    return fixed


def test_the_evaluation_drills_from_the_area_to_its_communities_and_grids(world, month, client):
    client.force_login(world.people.leader)

    area = client.get("/evaluation/", {"unit": world.area.pk, "period": "month"})
    community = client.get("/evaluation/", {"unit": world.taoyuan.pk, "period": "month"})

    assert [row.name for row in area.context["rows"]] == ["桃源社区", "柳岸社区"]
    assert [step.name for step in area.context["trail"]] == ["清江区", "青溪街道", "东片"]
    assert f'href="?period=month&amp;unit={world.taoyuan.pk}"' in area.content.decode()  # the name drills on
    assert sorted(row.name for row in community.context["rows"]) == ["桃源社区第1网格", "桃源社区第2网格"]
    assert community.context["people"] is None  # not yet at the grid


def test_at_the_grid_the_people_behind_the_figures_are_listed(world, month, client):
    client.force_login(world.people.leader)

    response = client.get("/evaluation/", {"unit": world.grids[0].pk, "period": "month"})

    people = response.context["people"]
    field = {row.name: row for row in people["field"]}
    assert set(field) == {"王网格", "李监督"}  # the grid's worker and 桃源's inspector
    assert field["王网格"].counts.reported == 2 and field["李监督"].counts.check_due == 1
    assert [(row.name, row.role, row.counts.handled, row.counts.handled_on_time)
            for row in people["staff"]] == [("环卫老孙", "环卫所", 1, 1)]
    page = response.content.decode()
    assert f"indicator=handled&amp;key={world.people.handler.pk}" in page
    assert [row.name for row in response.context["rows"]] == ["桃源社区第1网格"]


def test_the_cases_behind_a_persons_count_are_cut_to_the_readers_reach(world, month, client):
    query = {"object": "person", "period": "month", "unit": world.grids[0].pk, "indicator": "handled",
             "key": world.people.handler.pk}
    client.force_login(world.people.leader)
    leader = client.get("/evaluation/cases/", query)
    client.force_login(world.people.other_secretary)  # 柳岸's secretary reads the figures, not 桃源's cases
    other = client.get("/evaluation/cases/", query)

    assert [case.number for case in leader.context["cases"]] == [month.number]
    assert "环卫老孙 · 桃源社区第1网格 · 处置数" in leader.content.decode()
    assert list(other.context["cases"]) == [] and other.context["hidden_count"] == 1
    assert month.number not in other.content.decode()
    assert client.get("/evaluation/cases/", {**query, "unit": 999999}).status_code == 404


def test_the_dashboard_drills_to_the_grid_its_people_and_zooms_the_map(world, month, client):
    client.force_login(world.people.leader)

    top = client.get("/dashboard/")
    community = client.get("/dashboard/", {"unit": world.taoyuan.pk})
    grid = client.get("/dashboard/", {"unit": world.grids[0].pk})

    assert top.context["map_data"]["focus"] is None  # every grid: the map's own view, no second outline
    assert len(community.context["map_data"]["focus"]["features"]) == 2  # 桃源's two grids
    assert grid.context["map_data"]["focus"]["features"][0]["geometry"] == world.grids[0].boundary
    grid_page = grid.content.decode()
    assert f'href="?period=month&amp;unit={world.grids[0].pk}"' in community.content.decode()  # grids link now
    assert grid.context["breakdown"] == [] and "桃源社区第1网格的人员" in grid_page
    assert [row.name for row in grid.context["people"]["staff"]] == ["环卫老孙"]


# ---------------------------------------------------------------- 黑榜 by real rank, worst first

@pytest.fixture
def published(world, clock):
    """A published board of five: 3rd and 4th on the 黑榜, and a fifth unranked with a veto."""
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    rule = RankingRule.objects.get()
    now = timezone.now()

    def row(key, name, rank, score, red=False, black=False, vetoes=()):
        return {"key": key, "code": f"C{key}", "name": name, "rank": rank, "composite": score, "score": score,
                "grade": "B", "is_red": red, "is_black": black, "vetoes": list(vetoes), "movement": None}

    rows = [row(1, "一社区", 1, "95.00", red=True), row(2, "二社区", 2, "88.00", red=True),
            row(3, "三社区", 3, "70.00", black=True), row(4, "四社区", 4, "55.00", black=True),
            row(5, "五社区", None, None, black=True, vetoes=["overdue_pending"])]
    RankingPublication.objects.create(rule=rule, period_start=datetime(2026, 10, 1, tzinfo=SHANGHAI),
                                      period_end=datetime(2026, 11, 1, tzinfo=SHANGHAI), rows=rows,
                                      computed_at=now, is_published=True, published_at=now)
    return rule


def test_the_public_board_lists_the_black_worst_first_with_real_ranks(world, published, client):
    public = client.get("/public/rankings/")

    (_rule, publication, _inspection), = public.context["boards"]
    assert [(row["name"], row["rank"]) for row in publication.black] == [
        ("四社区", 4), ("三社区", 3), ("五社区", None)]
    page = public.content.decode()
    assert "第 4 名 / 共 4" in page and "第 3 名 / 共 4" in page and "未排名" in page
    assert page.index("四社区") < page.index("三社区")


def test_the_dashboard_board_shows_the_real_rank_too(world, published, client):
    client.force_login(world.people.leader)

    board, = client.get("/dashboard/").context["boards"]

    assert [row["name"] for row in board["black"]] == ["四社区", "三社区", "五社区"]  # worst first, unranked last
    assert board["ranked"] == 4


def test_the_ranking_page_and_the_bulletin_list_the_black_worst_first(world, client, clock):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    walk_to(world, report(world), "closed")  # 桃源: closed on time
    walk_to(world, report(world, column=2, by=world.people.other_grid_worker), "handling")  # 柳岸: overdue
    clock.shift(timedelta(days=2))
    client.force_login(world.people.leader)

    ranking = client.get("/rankings/", {"period": "month"})
    bulletin = client.get("/bulletin/", {"period": "month"}).context["bulletin"]

    # two communities, both on each board (top 2, bottom 2): the 黑榜 starts from the last place
    assert [(row["name"], row["rank"]) for row in ranking.context["black"]] == [("柳岸社区", 2), ("桃源社区", 1)]
    assert "第 2 名 / 共 2" in ranking.content.decode()
    black = next(table for table in bulletin.tables if table.title.endswith("黑榜"))
    assert [row[:2] for row in black.rows] == [["2 / 2", "柳岸社区"], ["1 / 2", "桃源社区"]]
