"""The gap report as a document to pass around: the bulletin's layout (`reports/bulletin.py`, PDF and
Word) and a spreadsheet (`reports/xlsx.py`). Lays out a `GapReport`; computes nothing."""

from datetime import datetime

from django.utils.translation import gettext as _

from jiedao.reports.bulletin import Bulletin, BulletinTable
from jiedao.reports.xlsx import Column, table_to_xlsx

from .formats import EMPTY
from .models import SAMPLE_NOTE
from .selectors import GapReport


def _period_label(report: GapReport) -> str:
    return f"{report.period.first_day:%Y-%m-%d} — {report.period.last_day:%Y-%m-%d}"


def summary_lines(report: GapReport, *, sample_note: bool = True) -> list[str]:
    """What the page's head says and the document opens with (the page shows the sample note apart)."""
    summary = report.summary
    unit = report.unit.name if report.unit is not None else _("本街道")
    lines = [_("对照“%(title)s”的 %(total)d 项创建指标，%(unit)s在 %(period)s 达标 %(met)d 项，未达标 %(missing)d 项。")
             % {"title": report.title.name, "total": summary.total, "unit": unit, "period": _period_label(report),
                "met": summary.met, "missing": summary.total - summary.met}]
    if summary.weighted_share is not None:
        line = _("按权重计，达标率 %(share)s%%。") % {"share": summary.weighted_share}
        if summary.unweighted:
            line += _("（另有 %(n)d 项未设权重，不计入。）") % {"n": summary.unweighted}
        lines.append(line)
    short = sorted((row for row in report.rows if row.gap is not None and row.gap < 0),
                   key=lambda row: row.gap)
    if short:
        lines.append(_("差距所在：%(items)s。") % {"items": _("；").join(
            _("%(name)s %(value)s（%(required)s，%(gap)s）") % {
                "name": row.criterion.name, "value": row.value_text, "required": row.required_text,
                "gap": row.gap_text} for row in short)})
    if report.peer is not None:
        lines.append(_("对标单位：%(peer)s（数据为录入的该单位数字，取统计期末前最近一期）。") % {"peer": report.peer.name})
    if sample_note and report.has_samples:
        lines.append(_("注：本报告中标为示例的创建指标为系统示例内容（%(note)s）。") % {"note": SAMPLE_NOTE})
    return lines


def figures(report: GapReport) -> list[tuple[str, str]]:
    summary = report.summary
    result = [(_("达标指标"), f"{summary.met} / {summary.total}")]
    if summary.weighted_share is not None:
        result.append((_("加权达标率"), f"{summary.weighted_share}%"))
    result.append((_("未达标"), str(summary.total - summary.met)))
    result.append((_("佐证待审核"), str(sum(1 for row in report.rows if row.status == "pending"))))
    return result


def _department(row) -> str:
    return row.criterion.department.name if row.criterion.department else EMPTY


def _name(row) -> str:
    return row.criterion.name + (_("（示例）") if row.criterion.is_sample else "")


def as_bulletin(report: GapReport, *, issued_at: datetime) -> Bulletin:
    peer_name = report.peer.name if report.peer is not None else _("对标单位")
    measured = [row for row in report.rows if row.criterion.is_measured]
    evidence = [row for row in report.rows if not row.criterion.is_measured]
    return Bulletin(
        title=_("“%(title)s”创建差距分析") % {"title": report.title.name},
        issuer=(report.unit.name if report.unit is not None else "") + _("人居环境整治工作领导小组办公室"),
        period_label=_period_label(report), issued_at=issued_at,
        summary=summary_lines(report), figures=figures(report),
        tables=[
            BulletinTable(
                title=_("逐项对照"),
                columns=[_("序号"), _("指标"), _("要求"), _("现状"), _("差距"), _("结果"), peer_name, _("责任部门")],
                rows=[[str(index), _name(row), row.required_text, row.value_text, row.gap_text, row.status_label,
                       row.peer_text, _department(row)] for index, row in enumerate(report.rows, start=1)],
                note=_("差距为正表示优于要求，为负表示尚差多少；“—”表示本期没有可计算的数据。")),
            BulletinTable(
                title=_("近 6 个月趋势"),
                columns=[_("指标"), *[f"{month:%Y-%m}" for month in report.trend_months]],
                rows=[[row.criterion.name, *[month.text for month in row.trend]] for row in measured if row.trend]),
            BulletinTable(
                title=_("拖后腿的社区"),
                columns=[_("指标"), _("社区（村）"), _("现状"), _("差距")],
                rows=[[row.criterion.name, figure.unit.name, figure.text, figure.gap_text]
                      for row in measured for figure in row.holding_down],
                note=_("每项指标列出未达到要求的社区中最差的三个。")),
            BulletinTable(
                title=_("佐证材料"),
                columns=[_("指标"), _("责任部门"), _("最新提交"), _("审核结果"), _("审核意见")],
                rows=[[row.criterion.name, _department(row),
                       f"{row.evidence.submitted_at:%Y-%m-%d}" if row.evidence else EMPTY, row.status_label,
                       row.evidence.decision_reason if row.evidence and row.evidence.decision_reason else EMPTY]
                      for row in evidence]),
        ],
    )


def as_xlsx(report: GapReport) -> tuple[bytes, int]:
    """The report as one sheet, one row per criterion; figures as numbers. Returns (bytes, rows)."""
    months = [f"{month:%Y-%m}" for month in report.trend_months]
    columns = [Column(_("序号"), "integer", 6), Column(_("类别"), width=10), Column(_("指标"), width=22),
               Column(_("考核方式"), width=12), Column(_("比较"), width=6), Column(_("要求值"), "decimal", 10),
               Column(_("单位"), width=6), Column(_("现状"), "decimal", 10), Column(_("差距"), "decimal", 10),
               Column(_("结果"), width=8), *[Column(month, "decimal", 9) for month in months],
               Column(_("拖后腿的社区"), width=36),
               Column(report.peer.name if report.peer is not None else _("对标单位"), "decimal", 12),
               Column(_("责任部门"), width=16), Column(_("示例内容"), width=8)]
    rows = []
    for index, row in enumerate(report.rows, start=1):
        criterion = row.criterion
        trend = [month.value for month in row.trend] or [None] * len(months)
        rows.append([index, criterion.group, criterion.name, criterion.get_method_display(),
                     "≥" if criterion.comparator == ">=" else ("≤" if criterion.comparator else ""),
                     criterion.required_value, criterion.unit, row.value, row.gap, row.status_label, *trend,
                     row.holding_down_text,
                     row.peer_figure.value if row.peer_figure else None, _department(row),
                     _("是") if criterion.is_sample else ""])
    data = table_to_xlsx(title=_("“%(title)s”创建差距分析") % {"title": report.title.name},
                         subtitle=_period_label(report), columns=columns, rows=rows, sheet_name=_("差距分析"))
    return data, len(rows)
