"""The campaign's 日报 / 周报: the page's progress as of a day, with that day's (or week's) work,
laid out as a 通报 (PDF and Word through `reports.bulletin`) and as a workbook (`reports.xlsx`).
Campaigns report up every day; the numbers are the page's, from the same selectors."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiedao.reports.bulletin import Bulletin, BulletinTable
from jiedao.reports.xlsx import Column, Sheet
from jiedao.territory.models import Unit

from .models import Campaign
from .progress import DEFINITIONS, HUNDRED
from .selectors import CampaignProgress, PlaceRow, campaign_progress, laggards

EMPTY = "—"
REPORT_KINDS = {"daily": gettext_lazy("日报"), "weekly": gettext_lazy("周报")}
LAGGARDS_LISTED = 3


def percent_text(value: Decimal | None) -> str:
    return EMPTY if value is None else f"{value}%"


def number_text(value) -> str:
    if value is None:
        return EMPTY
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def phase_text(campaign: Campaign, day: date) -> str:
    """Where the campaign stands on `day`, in words."""
    if day < campaign.starts_on:
        return _("尚未开始（%(start)s 开始）") % {"start": campaign.starts_on}
    if day > campaign.ends_on:
        return _("已于 %(end)s 结束") % {"end": campaign.ends_on}
    phase = campaign.phase_on(day)
    if phase is None:
        return _("进行中")
    return _("现处于“%(phase)s”阶段（%(start)s 至 %(end)s）") % {
        "phase": phase.get_kind_display(), "start": phase.starts_on, "end": phase.ends_on}


@dataclass
class CampaignReport:
    kind: str
    day: date
    progress: CampaignProgress
    bulletin: Bulletin
    sheets: list[Sheet]

    @property
    def filename_stem(self) -> str:
        return f"campaign-{self.progress.campaign.code}-{self.kind}-{self.day:%Y%m%d}"


def report_window(kind: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) of the report's own window: the day, or the seven days ending with it."""
    tz = timezone.get_current_timezone()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    days = 7 if kind == "weekly" else 1
    return end - timedelta(days=days), end


def campaign_report(*, campaign: Campaign, level: Unit, kind: str, day: date, now: datetime) -> CampaignReport:
    recent_start, end = report_window(kind, day)
    progress = campaign_progress(campaign=campaign, level=level, until=min(end, now), recent_start=recent_start)
    recent_label = _("当日") if kind == "daily" else _("本周")
    return CampaignReport(kind=kind, day=day, progress=progress,
                          bulletin=_bulletin(progress, kind=kind, day=day, now=now, recent_label=recent_label),
                          sheets=_sheets(progress, kind=kind, day=day, recent_label=recent_label))


def _quantities_text(progress: CampaignProgress) -> str:
    parts = [f"{row.line.name} {number_text(row.cell.tally.quantity)} {row.line.quantity_unit}"
             for row in progress.line_rows if row.line.quantity_unit and row.cell.tally.quantity]
    return "、".join(parts)


def _weakest_line(row: PlaceRow, progress: CampaignProgress) -> str:
    """The line of a place furthest behind its count target, for the laggards' table."""
    behind = [(cell.count_completion, line.name) for line in progress.lines
              if (cell := row.cells.get(line.pk)) is not None and cell.count_completion is not None]
    return min(behind)[1] if behind else EMPTY


def _bulletin(progress: CampaignProgress, *, kind: str, day: date, now: datetime, recent_label: str) -> Bulletin:
    campaign, level, total = progress.campaign, progress.level, progress.total
    if kind == "daily":
        period_label = _("截至 %(day)s") % {"day": day}
    else:
        period_label = f"{day - timedelta(days=6)} — {day}"
    summary = [
        _("%(name)s（%(start)s 至 %(end)s，实施范围：%(scope)s）%(phase)s。")
        % {"name": campaign.name, "start": campaign.starts_on, "end": campaign.ends_on, "scope": campaign.scope.name,
           "phase": phase_text(campaign, day)},
        _("截至 %(day)s，%(level)s累计发现问题 %(found)d 件，完成 %(done)d 处（案件结案 %(cases)d 件，佐证录入 %(figures)d 处），"
          "目标完成率 %(completion)s。")
        % {"day": day, "level": level.name, "found": total.found, "done": total.done, "cases": total.done_cases,
           "figures": total.figure_count, "completion": percent_text(progress.completion)},
        _("%(recent)s新发现 %(found)d 件，完成 %(done)d 处。")
        % {"recent": recent_label, "found": total.found_recent, "done": total.done_recent},
    ]
    quantities = _quantities_text(progress)
    if quantities:
        summary.append(_("累计完成工程量：%(list)s。") % {"list": quantities})
    behind = laggards(progress.communities, count=LAGGARDS_LISTED)
    if len(progress.communities) > 1 and behind:
        summary.append(_("完成率较低的社区：%(list)s，请加快进度。") % {
            "list": "、".join(f"{row.name}（{percent_text(row.completion)}）" for row in behind)})
    if campaign.is_sample:
        summary.append(_("（本行动为示例内容，目标与数据仅供演示。）"))
    return Bulletin(
        title=_("%(name)s%(kind)s") % {"name": campaign.name, "kind": REPORT_KINDS[kind]},
        issuer=_("%(name)s人居环境整治工作领导小组办公室") % {"name": campaign.scope.name},
        period_label=period_label, issued_at=now, summary=summary,
        figures=[(_("目标完成率"), percent_text(progress.completion)), (_("累计发现"), str(total.found)),
                 (_("累计完成"), str(total.done)), (_("%(recent)s完成") % {"recent": recent_label},
                                                    str(total.done_recent))],
        chart_title=_("各社区目标完成率（%）"),
        chart_bars=[(row.name, float(row.completion)) for row in progress.communities if row.completion is not None],
        tables=[
            BulletinTable(title=_("分项进度"), note=_("口径：") + " ".join(str(text) for text in DEFINITIONS),
                          columns=_line_columns(recent_label), rows=[_line_cells(progress, row) for row in
                                                                      progress.line_rows]),
            BulletinTable(title=_("各社区进度"), columns=_community_columns(recent_label),
                          rows=[_community_cells(row) for row in progress.communities]),
            BulletinTable(title=_("各社区分项明细"), columns=_detail_columns(),
                          rows=[_detail_cells(row, line) for row in progress.communities for line in progress.lines]),
            BulletinTable(title=_("重点区域进度"),
                          note=_("重点区域的案件按位置匹配：面状区域内（含外扩距离），背街小巷两侧匹配距离内。"),
                          columns=_place_columns(recent_label), rows=[_place_cells(row) for row in progress.key_places]),
            BulletinTable(title=_("进度滞后"), columns=[_("名称"), _("类型"), _("完成率"), _("最滞后的分项")],
                          rows=[[row.name, str(row.place.get_kind_display()) if row.place else _("社区（村）"),
                                 percent_text(row.completion), _weakest_line(row, progress)]
                                for row in [*laggards(progress.communities, count=LAGGARDS_LISTED),
                                            *laggards(progress.key_places, count=LAGGARDS_LISTED)]]),
        ],
    )


def _line_columns(recent_label: str) -> list[str]:
    return [_("类别"), _("分项"), _("目标"), _("完成"), _("目标工程量"), _("工程量"), _("完成率"), _("发现"),
            _("%(recent)s完成") % {"recent": recent_label}]


def _line_cells(progress: CampaignProgress, row) -> list[str]:
    cell, line = row.cell, row.line
    unit = f" {line.quantity_unit}" if line.quantity_unit else ""
    return [line.group.name, line.name, number_text(cell.count_target), f"{cell.tally.done}",
            number_text(cell.quantity_target) + (unit if cell.quantity_target is not None else ""),
            (number_text(cell.tally.quantity) + unit) if line.quantity_unit else EMPTY,
            percent_text(row.completion), str(cell.tally.found), str(cell.tally.done_recent)]


def _community_columns(recent_label: str) -> list[str]:
    return [_("社区（村）"), _("完成率"), _("发现"), _("完成"), _("其中佐证录入"), _("%(recent)s完成") % {"recent": recent_label}]


def _community_cells(row: PlaceRow) -> list[str]:
    total = row.total
    return [row.name, percent_text(row.completion), str(total.found), str(total.done), str(total.figure_count),
            str(total.done_recent)]


def _detail_columns() -> list[str]:
    return [_("社区（村）"), _("分项"), _("目标"), _("完成"), _("完成率"), _("目标工程量"), _("工程量")]


def _detail_cells(row: PlaceRow, line) -> list[str]:
    cell = row.cells[line.pk]
    return [row.name, line.name, number_text(cell.count_target), str(cell.tally.done),
            percent_text(cell.count_completion), number_text(cell.quantity_target),
            number_text(cell.tally.quantity) if line.quantity_unit else EMPTY]


def _place_columns(recent_label: str) -> list[str]:
    return [_("重点区域"), _("类型"), _("所在社区"), _("责任单位"), _("发现"), _("完成"), _("完成率"),
            _("%(recent)s完成") % {"recent": recent_label}]


def _place_cells(row: PlaceRow) -> list[str]:
    total = row.total
    owners = "、".join(owner.name for owner in row.place.owners.all()) or EMPTY
    return [row.name, str(row.place.get_kind_display()), row.place.community.name, owners, str(total.found),
            str(total.done), percent_text(row.completion), str(total.done_recent)]


# ---------------------------------------------------------------- the workbook

def _share(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / HUNDRED


def _sheets(progress: CampaignProgress, *, kind: str, day: date, recent_label: str) -> list[Sheet]:
    campaign = progress.campaign
    subtitle = _("%(level)s · 截至 %(day)s · %(kind)s") % {"level": progress.level.name, "day": day,
                                                          "kind": REPORT_KINDS[kind]}
    recent = _("%(recent)s完成") % {"recent": recent_label}
    line_sheet = Sheet(
        title=f"{campaign.name} · {_('分项进度')}", subtitle=subtitle, name=_("分项进度"),
        columns=[Column(_("类别"), width=10), Column(_("分项"), width=16), Column(_("目标"), "decimal", 10),
                 Column(_("完成"), "integer", 10), Column(_("目标工程量"), "decimal", 12), Column(_("工程量"), "decimal", 12),
                 Column(_("工程量单位"), width=10), Column(_("完成率"), "rate", 10), Column(_("发现"), "integer", 10),
                 Column(recent, "integer", 10)],
        rows=[[row.line.group.name, row.line.name, row.cell.count_target, row.cell.tally.done,
               row.cell.quantity_target, row.cell.tally.quantity if row.line.quantity_unit else None,
               row.line.quantity_unit, _share(row.completion), row.cell.tally.found, row.cell.tally.done_recent]
              for row in progress.line_rows])
    community_sheet = Sheet(
        title=f"{campaign.name} · {_('各社区进度')}", subtitle=subtitle, name=_("各社区进度"),
        columns=[Column(_("社区（村）"), width=14), Column(_("完成率"), "rate", 10), Column(_("发现"), "integer", 10),
                 Column(_("完成"), "integer", 10), Column(_("其中佐证录入"), "integer", 12),
                 Column(recent, "integer", 10)],
        rows=[[row.name, _share(row.completion), row.total.found, row.total.done, row.total.figure_count,
               row.total.done_recent] for row in progress.communities])
    detail_sheet = Sheet(
        title=f"{campaign.name} · {_('各社区分项明细')}", subtitle=subtitle, name=_("各社区分项明细"),
        columns=[Column(_("社区（村）"), width=14), Column(_("分项"), width=16), Column(_("目标"), "decimal", 10),
                 Column(_("完成"), "integer", 10), Column(_("完成率"), "rate", 10), Column(_("目标工程量"), "decimal", 12),
                 Column(_("工程量"), "decimal", 12), Column(_("发现"), "integer", 10)],
        rows=[[row.name, line.name, cell.count_target, cell.tally.done, _share(cell.count_completion),
               cell.quantity_target, cell.tally.quantity if line.quantity_unit else None, cell.tally.found]
              for row in progress.communities for line in progress.lines
              if (cell := row.cells[line.pk]) is not None])
    place_sheet = Sheet(
        title=f"{campaign.name} · {_('重点区域进度')}", subtitle=subtitle, name=_("重点区域进度"),
        columns=[Column(_("重点区域"), width=18), Column(_("类型"), width=10), Column(_("所在社区"), width=12),
                 Column(_("责任单位"), width=24), Column(_("匹配范围（米）"), "integer", 10), Column(_("发现"), "integer", 10),
                 Column(_("完成"), "integer", 10), Column(_("完成率"), "rate", 10), Column(recent, "integer", 10)],
        rows=[[row.name, row.place.get_kind_display(), row.place.community.name,
               "、".join(owner.name for owner in row.place.owners.all()), row.place.buffer_m, row.total.found,
               row.total.done, _share(row.completion), row.total.done_recent] for row in progress.key_places])
    definitions = Sheet(title=_("口径"), name=_("口径"), columns=[Column(_("说明"), width=120)],
                        rows=[[str(text)] for text in DEFINITIONS])
    return [line_sheet, community_sheet, detail_sheet, place_sheet, definitions]
