"""The periodic 通报, assembled from what the office already measures: the sub-district's figures
against the previous period, the indicators of every community and department, the 红黑榜 of every
active ranking rule (the published snapshot when there is one), the cases still overdue at the end
of the period and the accountability register. `reports.bulletin` lays it out as PDF and DOCX."""

from datetime import datetime
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiedao.accountability.models import FindingState
from jiedao.accountability.selectors import register
from jiedao.cases.models import Case
from jiedao.cases.selectors import cases_in_reach
from jiedao.reports.bulletin import Bulletin, BulletinTable
from jiedao.territory.models import Unit, UnitLevel

from .indicators import COUNT_LABELS, RATES, BaseCounts
from .measures import PERCENT, as_percent, figure_text, headline_for
from .models import ObjectType, RankingPublication, RankingRule
from .periods import Period
from .selectors import (
    EvaluationRow,
    black_board,
    cases_behind,
    evaluation_for,
    inspection_scores_for,
    publication_rows,
    ranked,
    ranked_count,
    shared_counts,
)

OVERDUE_LISTED = 30
FINDINGS_LISTED = 40
EMPTY = "—"


def _percent(value: Decimal | None) -> str:
    """A share 0–1 as every page writes it (`measures.as_percent`: one decimal, half up)."""
    return figure_text(as_percent(value), PERCENT)


def _number(value) -> str:
    return EMPTY if value is None else str(value)


def _change(now: Decimal | None, before: Decimal | None) -> str:
    """"比上期 +3.2 个百分点" in words, or nothing when either side is empty."""
    if now is None or before is None:
        return ""
    points = (now - before) * 100
    if abs(points) < Decimal("0.05"):
        return _("与上期持平")
    return _("比上期%(sign)s%(points).1f 个百分点") % {"sign": "+" if points > 0 else "−", "points": abs(points)}


def _whole(rows: list[EvaluationRow]) -> tuple[str, BaseCounts, dict]:
    """The sub-district as one row (the top of the tree when there is no sub-district level)."""
    if rows:
        row = rows[0]
        return row.name, row.counts, row.rates
    return "", BaseCounts(), {key: None for key in RATES}


# The indicator tables' columns after the key ones (名次, 单位, 综合指标值, 等级): a count or a rate.
INDICATOR_COLUMNS = (("count", "due_handling"), ("rate", "on_time_handling_rate"), ("count", "due_closure"),
                     ("count", "closed"), ("rate", "closure_rate"), ("rate", "on_time_closure_rate"),
                     ("rate", "rework_rate"), ("count", "overdue_pending"))
# A unit's grid workers are judged on their confirmed 漏报 too; a department has none.
REGION_COLUMNS = (*INDICATOR_COLUMNS, ("rate", "missed_report_rate"))


def _indicator_table(title: str, rows: list[EvaluationRow], *, note: str = "",
                     columns=INDICATOR_COLUMNS) -> BulletinTable:
    def cell(row: EvaluationRow, kind: str, name: str) -> str:
        return str(getattr(row.counts, name)) if kind == "count" else _percent(row.rates[name])

    return BulletinTable(
        title=title, note=note,
        # Key columns first, then the evaluation page's names (COUNT_LABELS, RATES).
        columns=[_("名次"), _("单位"), _("综合指标值"), _("等级"),
                 *[str(COUNT_LABELS[name] if kind == "count" else RATES[name].label)
                   for kind, name in columns]],
        rows=[[str(index), row.name, _number(row.composite), row.grade or EMPTY,
               *[cell(row, kind, name) for kind, name in columns]]
              for index, row in enumerate(rows, start=1)],
        key_columns=2,
    )


# §3.3 the command centre's posts, each with the rates its 综合指标值 weighs.
POSTS = (ObjectType.INTAKE_CLERK, ObjectType.SHIFT_LEAD, ObjectType.DISPATCHER)


def _posts_table(period: Period) -> BulletinTable:
    from .indicators import MEASURED_ON

    rows = []
    for post in POSTS:
        for row in evaluation_for(object_type=post, start=period.start, end=period.end):
            rates = "；".join(f"{RATES[key].label} {_percent(row.rates[key])}" for key in MEASURED_ON[post][1])
            rows.append([ObjectType(post).label, row.name, _number(row.composite), row.grade or EMPTY, rates])
    return BulletinTable(
        title=_("指挥中心岗位考核"), columns=[_("岗位"), _("人员"), _("综合指标值"), _("等级"), _("主要指标")],
        rows=rows, key_columns=2,
        note=_("受理员、值班长、派遣员按各自岗位的考核方案计算；各环节时限见案件流程参数。"))


def _board_rows(rule: RankingRule, period: Period, rows_by_type: dict) -> tuple[list[dict], str]:
    """The rule's rows for the period: the published (frozen) snapshot if there is one, else computed
    now and said so."""
    publication = RankingPublication.objects.filter(rule=rule, period_start=period.start, period_end=period.end,
                                                    is_published=True).first()
    if publication is not None:
        published = timezone.localtime(publication.published_at)
        return publication_rows(publication), _("已于 %(at)s 公开发布。") % {"at": f"{published:%Y-%m-%d}"}
    key = (rule.object_type, rule.level)
    if key not in rows_by_type:
        rows_by_type[key] = evaluation_for(object_type=rule.object_type, level=rule.level,
                                           start=period.start, end=period.end)
    rows = rows_by_type[key]
    inspection = inspection_scores_for(rule=rule, rows=rows, start=period.start, end=period.end)
    return ([item.as_json() for item in ranked(rule=rule, rows=rows, inspection=inspection)],
            _("本期排名尚未发布，以下为系统按现有数据计算的结果。"))


def _board_tables(period: Period, rows_by_type: dict) -> list[BulletinTable]:
    tables = []
    for rule in RankingRule.objects.filter(is_active=True).order_by("pk"):
        rows, note = _board_rows(rule, period, rows_by_type)
        # A rule that weighs inspection scores ranks by the blend, not by the 综合指标值 alone.
        columns = [_("名次"), _("单位"), _("排名得分") if rule.uses_inspections else _("综合指标值"), _("等级"),
                   _("说明")]
        of = ranked_count(rows)

        def listed(board: list[dict], of=of) -> list[list[str]]:
            return [[_rank_of(row["rank"], of), row["name"], _number(row["score"]), row["grade"] or EMPTY,
                     _("一票否决") if row["vetoes"] else ""]
                    for row in board]

        tables.append(BulletinTable(title=f"{rule.name} · {_('红榜')}", columns=columns,
                                    rows=listed([row for row in rows if row["is_red"]]), note=note, key_columns=2))
        tables.append(BulletinTable(title=f"{rule.name} · {_('黑榜')}", columns=columns, rows=listed(black_board(rows)),
                                    note=_("从末位起列出，名次为全部 %(n)d 个单位中的实际名次。") % {"n": of},
                                    key_columns=2))
    return tables


def _rank_of(rank: int | None, of: int) -> str:
    """"5 / 6": the real place among everyone ranked."""
    return _("未排名") if rank is None else f"{rank} / {of}"


def _working_days_overdue(deadline: datetime, as_of: datetime, calendar) -> str:
    """Working days past the deadline (worktime's calendar: weekends and holidays do not count, 调休
    working days do), one decimal: a working day is the calendar's working hours of one day."""
    from decimal import ROUND_DOWN

    minutes = calendar.working_minutes_between(deadline, as_of) if as_of > deadline else 0
    days = Decimal(minutes) / Decimal(calendar.minutes_per_working_day)
    return str(days.quantize(Decimal("0.1"), rounding=ROUND_DOWN))


def _overdue_table(top: Unit | None, period: Period, now: datetime, viewer) -> BulletinTable:
    """The overdue cases the reader may open (the case pages' rule): the others are counted, not named."""
    from jiedao.worktime.selectors import working_calendar

    behind = (cases_behind(indicator="overdue_pending", start=period.start, end=period.end, unit=top)
              if top is not None else Case.objects.none())
    reach = cases_in_reach(user=viewer, cases=behind)
    cases = list(reach.visible.select_related("item", "grid", "department").order_by("deadline_at")[:OVERDUE_LISTED])
    as_of = min(period.end, now)
    calendar = working_calendar()
    note = (_("本期派遣的案件中，截至 %(at)s 仍未处置且已超过处置期限的（挂账案件除外），按期限先后列出前 %(n)d 件。"
              "超期按工作日计：只计工作日历中的工作时间（周末、法定节假日不计，调休上班日计入），"
              "每个工作日 %(hours)s 小时。")
            % {"at": f"{timezone.localtime(as_of):%Y-%m-%d %H:%M}", "n": OVERDUE_LISTED,
               "hours": f"{calendar.minutes_per_working_day / 60:g}"})
    if reach.hidden_count:
        note += ngettext("另有 %(n)d 件不在您的范围内。", "另有 %(n)d 件不在您的范围内。",
                         reach.hidden_count) % {"n": reach.hidden_count}
    return BulletinTable(
        title=_("超期待处置案件"), note=note,
        columns=[_("案件编号"), _("问题分类"), _("单元网格"), _("职能部门"), _("处置期限"), _("超期（工作日）")],
        rows=[[case.number, case.item.name, case.grid.name, case.department.name if case.department else EMPTY,
               f"{timezone.localtime(case.deadline_at):%Y-%m-%d %H:%M}",
               _working_days_overdue(case.deadline_at, as_of, calendar)]
              for case in cases],
    )


def _findings_table(period: Period) -> BulletinTable:
    findings = [finding for finding in register(start=period.first_day, end=period.last_day)
                if finding.state != FindingState.SUPERSEDED][:FINDINGS_LISTED]
    return BulletinTable(
        title=_("问责清单"),
        note=_("统计期与本期重叠的问责事项（已被新证据取代的记录不列入），最多 %(n)d 项。") % {"n": FINDINGS_LISTED},
        columns=[_("问题类型"), _("对象"), _("问题摘要"), _("建议措施"), _("状态"), _("决定")],
        rows=[[finding.get_kind_display(), str(finding.subject), finding.summary,
               finding.get_proposed_measure_display(), finding.get_state_display(),
               finding.get_decision_display() or EMPTY]
              for finding in findings],
    )


def bulletin_for(*, period: Period, now: datetime, viewer) -> Bulletin:
    """The 通报 of a period, as plain data, for `viewer`: its figures, rankings and register are
    the sub-district's (a 通报 is circulated to every unit), its list of cases only those the
    viewer may open (None: a copy naming no case)."""
    with shared_counts():  # the sub-district, its communities and the boards: one read per period
        return _bulletin(period=period, now=now, viewer=viewer)


def _bulletin(*, period: Period, now: datetime, viewer) -> Bulletin:
    top = (Unit.objects.filter(level=UnitLevel.SUBDISTRICT).order_by("path").first()
           or Unit.objects.order_by("path").first())
    level = top.level if top is not None else UnitLevel.SUBDISTRICT
    name, counts, rates = _whole(evaluation_for(object_type=ObjectType.REGION, level=level,
                                                start=period.start, end=period.end))
    before = period.previous()
    _name, counts_before, rates_before = _whole(evaluation_for(object_type=ObjectType.REGION, level=level,
                                                               start=before.start, end=before.end))
    rows_by_type: dict = {}
    communities = evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.COMMUNITY,
                                 start=period.start, end=period.end)
    rows_by_type[(ObjectType.REGION, UnitLevel.COMMUNITY)] = communities
    departments = evaluation_for(object_type=ObjectType.DEPARTMENT, start=period.start, end=period.end)
    rows_by_type[(ObjectType.DEPARTMENT, "")] = departments

    period_label = f"{period.first_day:%Y-%m-%d} — {period.last_day:%Y-%m-%d}"
    # The headline figures: the dashboard's, by the same function (`measures.headline_for`).
    headline = headline_for([top], period.start, period.end, now) if top is not None else None
    figures = [(figure, headline.text(figure.key) if headline else EMPTY)
               for figure in headline_figures_of_bulletin()]
    text = dict((figure.key, value) for figure, value in figures)
    summary = [
        _("%(period)s，%(name)s共受理群众举报和巡查发现的问题 %(reported)s 件（上期 %(before)d 件），立案 %(filed)s 件，"
          "派遣处置 %(due)d 件，结案 %(closed)s 件。")
        % {"period": period_label, "name": name or _("全街道"), "reported": text["reported"],
           "before": counts_before.reported, "filed": text["filed"], "due": counts.due_handling,
           "closed": text["closed"]},
        _("按期处置率 %(handling)s%(handling_change)s；按期结案率 %(closure)s%(closure_change)s；返工率 %(rework)s。"
          "超期待处置 %(overdue)s 件（截至期末）。")
        % {"handling": _percent(rates["on_time_handling_rate"]),
           "handling_change": _wrap(_change(rates["on_time_handling_rate"], rates_before["on_time_handling_rate"])),
           "closure": text["on_time_closure_rate"],
           "closure_change": _wrap(_change(rates["on_time_closure_rate"], rates_before["on_time_closure_rate"])),
           "rework": _percent(rates["rework_rate"]), "overdue": text["overdue_pending"]},
    ]
    summary.append(
        _("指挥中心各环节：立案率 %(filing)s，按时立案率 %(on_time_filing)s，按时派遣率 %(on_time_dispatch)s；"
          "经确认的网格漏报率 %(missed)s。")
        % {"filing": _percent(rates["filing_rate"]), "on_time_filing": _percent(rates["on_time_filing_rate"]),
           "on_time_dispatch": _percent(rates["on_time_dispatch_rate"]), "missed": _percent(rates["missed_report_rate"])})
    if counts.rated:
        summary[1] += _("群众回访 %(rated)d 件，满意率 %(rate)s。") % {
            "rated": counts.rated, "rate": _percent(rates["satisfaction_rate"])}
    scored = [row for row in communities if row.composite is not None]
    if scored:
        summary.append(_("社区综合评价最好的是%(best)s（%(best_score)s 分），最弱的是%(worst)s（%(worst_score)s 分）。")
                       % {"best": scored[0].name, "best_score": scored[0].composite,
                          "worst": scored[-1].name, "worst_score": scored[-1].composite})
    else:
        summary.append(_("本期没有可评价的社区数据。"))
    if headline is not None and headline.standing.findings_to_decide:
        summary.append(_("截至 %(at)s，问责清单中有 %(n)s 项待领导决定。")
                       % {"at": f"{timezone.localtime(now):%Y-%m-%d}", "n": text["findings_to_decide"]})

    # The project library's section, when that app is installed (it reads the evaluation, not the reverse).
    project_tables = []
    if top is not None and apps.is_installed("jiedao.projects"):
        from jiedao.projects.bulletin import projects_section

        line, table = projects_section(unit_path=top.path, first_day=period.first_day, last_day=period.last_day,
                                       today=timezone.localdate(now))
        summary.append(line)
        project_tables.append(table)

    return Bulletin(
        title=_("关于人居环境整治工作情况的通报"),
        issuer=_("%(name)s人居环境整治工作领导小组办公室") % {"name": name} if name else _("人居环境整治工作领导小组办公室"),
        period_label=period_label, issued_at=now, summary=summary,
        figures=[(str(figure.label), value) for figure, value in figures],
        definitions=[(str(figure.label), str(figure.definition)) for figure, _value in figures],
        chart_title=_("各社区综合指标值"),
        chart_bars=[(row.name, float(row.composite)) for row in scored],
        tables=[
            _indicator_table(_("各社区（村）考核指标"), communities,
                             note=_("综合指标值按考核方案的权重计算；“—”表示本期没有可计算的基数。"),
                             columns=REGION_COLUMNS),
            _indicator_table(_("各职能部门考核指标"), departments),
            _posts_table(period),
            *_board_tables(period, rows_by_type),
            _overdue_table(top, period, now, viewer),
            *project_tables,
            _findings_table(period),
        ],
    )


# The 通报's figures: those of the period, and the register's entries waiting for a decision.
BULLETIN_FIGURES = ("reported", "filed", "closed", "on_time_closure_rate", "overdue_pending", "findings_to_decide")


def headline_figures_of_bulletin():
    from .measures import headline_figures

    figures = headline_figures()
    return [figures[key] for key in BULLETIN_FIGURES]


def _wrap(text: str) -> str:
    return f"（{text}）" if text else ""
