"""The 通报's projects section: projects on time and late in the period, late milestones named."""

import io
from datetime import date, datetime

from docx import Document

from jiedao.conftest import SHANGHAI
from jiedao.evaluation.bulletin import bulletin_for
from jiedao.evaluation.periods import period_between
from jiedao.projects import services
from jiedao.reports.bulletin import bulletin_docx

from .test_projects import new_project

NOVEMBER = period_between(date(2026, 11, 1), date(2026, 11, 30), tz=SHANGHAI)


def test_the_bulletin_names_late_milestones_with_days_late(world, clock):
    late = new_project(world, milestones=[("设计完成", date(2026, 11, 3)), ("招标完成", date(2026, 11, 10))])
    on_time = new_project(world, name="柳岸养老驿站", milestones=[("主体完工", date(2026, 11, 5))])
    new_project(world, name="明年的项目", milestones=[("开工", date(2027, 3, 1))])  # nothing due in November
    today = date(2026, 11, 17)
    design, _tender = late.milestones.order_by("planned_on")
    services.milestone_finish(by=world.people.leader, milestone_id=design.pk, actual_on=date(2026, 11, 6), note="",
                              today=today)
    services.milestone_finish(by=world.people.leader, milestone_id=on_time.milestones.get().pk,
                              actual_on=date(2026, 11, 5), note="", today=today)
    now = datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)

    bulletin = bulletin_for(period=NOVEMBER, now=now, viewer=world.people.leader)

    assert bulletin.summary[-1] == ("项目库：本期有里程碑到期的项目 2 个，按期 1 个，滞后 1 个（按期率 50.0%），"
                                    "逾期里程碑 2 个。")
    table = next(table for table in bulletin.tables if table.title == "项目库：逾期里程碑")
    # 招标完成 open since 11-10: 7 days to today (the period has not ended); 设计完成 done 3 days late
    assert table.rows == [["桃源路拓宽", "招标完成", "环卫所", "2026-11-10", "未完成", "7"],
                          ["桃源路拓宽", "设计完成", "环卫所", "2026-11-03", "2026-11-06", "3"]]
    texts = [cell.text for t in Document(io.BytesIO(bulletin_docx(bulletin))).tables for row in t.rows
             for cell in row.cells]
    assert "招标完成" in texts


def test_a_period_without_milestones_says_so_with_a_dash(world, clock):
    now = datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)
    bulletin = bulletin_for(period=NOVEMBER, now=now, viewer=world.people.leader)
    assert bulletin.summary[-1] == "项目库：本期有里程碑到期的项目 0 个，按期 0 个，滞后 0 个（按期率 —），逾期里程碑 0 个。"
