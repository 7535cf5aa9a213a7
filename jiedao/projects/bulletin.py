"""The 通报's projects section (page, PDF and Word through `reports.bulletin`): of the projects with
a milestone due in the period, how many kept to their dates and how many fell behind, and each late
milestone named with its days late. Read sub-district-wide like the bulletin's other figures: it
names projects and departments, never a case."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from jiedao.reports.bulletin import BulletinTable

from .selectors import bulletin_projects

LATE_LISTED = 30


def projects_section(*, unit_path: str, first_day: date, last_day: date, today: date) -> tuple[str, BulletinTable]:
    found = bulletin_projects(unit_path=unit_path, start=first_day, end=last_day + timedelta(days=1), today=today)
    rate = "—" if found.rate is None else f"{found.rate}%"
    summary = _("项目库：本期有里程碑到期的项目 %(due)d 个，按期 %(on_time)d 个，滞后 %(late)d 个（按期率 %(rate)s），"
                "逾期里程碑 %(milestones)d 个。") % {
        "due": found.on_time + found.late, "on_time": found.on_time, "late": found.late, "rate": rate,
        "milestones": len(found.late_milestones)}
    rows = found.late_milestones[:LATE_LISTED]
    table = BulletinTable(
        title=_("项目库：逾期里程碑"),
        note=_("计划完成日期在本期内的里程碑，未按计划日期完成的（逾期天数按自然日计，计至完成日或期末），"
               "按逾期天数列出前 %(n)d 个。") % {"n": LATE_LISTED},
        columns=[_("项目名称"), _("里程碑"), _("责任部门"), _("计划完成日期"), _("实际完成日期"), _("逾期（天）")],
        rows=[[row.project, row.milestone, row.department, f"{row.planned_on:%Y-%m-%d}",
               f"{row.actual_on:%Y-%m-%d}" if row.actual_on else _("未完成"), str(row.days_late)] for row in rows],
    )
    return summary, table
