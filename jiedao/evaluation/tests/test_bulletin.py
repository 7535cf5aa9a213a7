"""The 通报 assembled from the hand-computed week (see conftest): its figures, tables and notes."""

from datetime import date, datetime

import pytest

from jiedao.accountability.models import FindingState
from jiedao.accountability.services import accountability_rules_seed, findings_refresh
from jiedao.conftest import SHANGHAI
from jiedao.evaluation.bulletin import bulletin_for
from jiedao.evaluation.models import RankingRule
from jiedao.evaluation.periods import period_between
from jiedao.evaluation.services import ranking_compute, ranking_publish

pytestmark = pytest.mark.django_db

WEEK = period_between(date(2026, 11, 17), date(2026, 11, 23), tz=SHANGHAI)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)


def _table(bulletin, title):
    return next(table for table in bulletin.tables if table.title == title)


def test_the_figures_and_summary_are_the_sub_districts(world, week):
    bulletin = bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader)

    # the dashboard's names (evaluation.measures.headline_figures); the register has no entry yet
    assert dict(bulletin.figures) == {"上报数": "8", "立案数": "7", "结案数": "3", "按期结案率": "40.0%",
                                      "超期待处置数": "2", "待决定问责事项": "0"}
    assert dict(bulletin.definitions)["结案数"].startswith("统计期内派遣的案件中")
    assert "青溪街道共受理" in bulletin.summary[0] and "上期 0 件" in bulletin.summary[0]
    # 按期处置 A and C of six dispatched; the previous week had nothing, so no comparison is made
    assert bulletin.summary[1].startswith("按期处置率 33.3%；按期结案率 40.0%；返工率 20.0%。超期待处置 2 件（截至期末）。")
    assert "比上期" not in bulletin.summary[1]
    assert bulletin.issuer == "青溪街道人居环境整治工作领导小组办公室"


def test_every_community_and_department_has_a_row_and_empty_rates_are_dashes(world, week):
    bulletin = bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader)

    communities = _table(bulletin, "各社区（村）考核指标")
    assert [row[1] for row in communities.rows] == ["桃源社区", "柳岸社区"]
    taoyuan, liuan = communities.rows
    # key columns first (名次, 单位, 综合指标值, 等级), then 应处置数, 按期处置率, 应结案数, 结案数, 结案率, …
    assert communities.columns[:4] == ["名次", "单位", "综合指标值", "等级"]
    assert taoyuan[4:12] == ["6", "33.3%", "5", "3", "60.0%", "40.0%", "20.0%", "2"]
    assert liuan[5] == "—" and liuan[8] == "—"  # nothing dispatched there: no rate, not 0 %
    assert [row[1] for row in _table(bulletin, "各职能部门考核指标").rows] == ["环卫所", "城管执法中队"]
    assert bulletin.chart_bars and bulletin.chart_bars[0][0] == "桃源社区"


def test_the_overdue_cases_are_listed_by_deadline_without_the_paused_one(world, week):
    bulletin = bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader)

    overdue = _table(bulletin, "超期待处置案件")
    assert sorted(row[0] for row in overdue.rows) == sorted([week.d.number, week.f.number])
    assert week.e.number not in [row[0] for row in overdue.rows]  # 挂账: the clock is paused
    assert overdue.columns[5] == "超期（工作日）"
    # Tue 17th 15:30 → the end of the week (Tue 24th 00:00) in working time: 2 h on Tuesday, then
    # Wednesday, Thursday, Friday and Monday at 7.5 h: 32 h = 4.27 working days, shown 4.2
    assert [row[5] for row in overdue.rows] == ["4.2", "4.2"]
    assert "每个工作日 7.5 小时" in overdue.note


def test_a_board_not_yet_published_is_computed_and_said_so(world, week):
    bulletin = bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader)

    red = _table(bulletin, "社区月度红黑榜 · 红榜")
    assert "尚未发布" in red.note
    assert [row[1] for row in red.rows] == ["桃源社区"]  # the only community with a score


def test_a_published_board_is_quoted_as_published(world, week):
    rule = RankingRule.objects.get()
    publication = ranking_compute(rule=rule, start=WEEK.start, end=WEEK.end)
    ranking_publish(publication=publication, by=week_leader(week))

    red = _table(bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader), "社区月度红黑榜 · 红榜")

    assert red.note.startswith("已于 2026-11-25 公开发布")


def week_leader(week):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="leader")


def test_the_register_lists_current_findings_not_superseded_ones(world, week):
    accountability_rules_seed()
    findings_refresh(start=WEEK.first_day, end=WEEK.last_day, now=NOW)
    from jiedao.accountability.models import Finding

    current = Finding.objects.exclude(state=FindingState.SUPERSEDED)
    assert current.exists()

    rows = _table(bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader), "问责清单").rows

    assert sorted(row[2] for row in rows) == sorted(current.values_list("summary", flat=True))
    assert all(row[4] == "待决定" for row in rows)


def test_a_period_without_any_case_still_makes_a_bulletin(world):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    empty = period_between(date(2026, 1, 1), date(2026, 1, 31), tz=SHANGHAI)

    bulletin = bulletin_for(period=empty, now=NOW, viewer=world.people.leader)

    assert dict(bulletin.figures)["按期结案率"] == "—"
    assert "立案率 —，按时立案率 —，按时派遣率 —" in bulletin.summary[2]
    assert "本期没有可评价的社区数据" in bulletin.summary[3]
    assert _table(bulletin, "超期待处置案件").rows == []


def test_the_residents_satisfaction_is_reported_when_anyone_rated(world, week):
    from jiedao.cases.services import case_rate

    assert "群众回访" not in bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader).summary[1]
    case_rate(case=week.a, score=5, tracking_code=week.a.tracking_code, at=datetime(2026, 11, 20, tzinfo=SHANGHAI))

    assert bulletin_for(period=WEEK, now=NOW, viewer=world.people.leader).summary[1].endswith("群众回访 1 件，满意率 100.0%。")
