"""Duty compliance as measures (`evaluation.measures.CONTRIBUTED`): per kind of duty, valid done ÷
required over the ended periods of every active plan of that kind touching the window — 巡河率
(patrol), 保洁达标率 (clean), 部件巡检率 (inspect), 养护完成率 (maintain) — for each unit, from the
obligations in and under it (a contractor's or a named person's obligation on a subject no unit
holds counts for the sub-district and the district). The figure of the duties pages
(`selectors.compliance_rows`)."""

from datetime import date, datetime, timedelta
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.evaluation.measures import PERCENT, Measure, Values
from jiedao.territory.models import Unit, UnitLevel

from .models import DutyKind, DutyPlan
from .selectors import compliance_rows, figure_of

RATE_LABELS = {
    DutyKind.PATROL: _("巡河率（巡查完成率）"),
    DutyKind.CLEAN: _("保洁达标率"),
    DutyKind.INSPECT: _("部件巡检率"),
    DutyKind.MAINTAIN: _("养护完成率"),
}
RATE_DEFINITION = _("已结束周期内有效完成次数（每期每个对象不超过应完成次数）÷ 应完成次数；"
                    "未达最短时长、距离、覆盖率或照片数的记录不计入")
WHOLE_TERRITORY_LEVELS = frozenset({UnitLevel.DISTRICT, UnitLevel.SUBDISTRICT})


def _day(moment: date | datetime) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


def duty_rate(units: list[Unit], start: date | datetime, end: date | datetime, *, kind: str) -> Values:
    first, last = _day(start), _day(end)
    if isinstance(end, date) and not isinstance(end, datetime):
        last += timedelta(days=1)  # a date `end` is the last day, included
    plans = list(DutyPlan.objects.filter(kind=kind, is_active=True).select_related("assignee_unit"))
    rows = compliance_rows(plans=plans, first=first, end=last, today=timezone.localtime(clock.now()).date())
    values: Values = {}
    for unit in units:
        mine = [row for row in rows if (row.obligation.unit_path or "").startswith(unit.path)
                or (row.obligation.unit_path is None and unit.level in WHOLE_TERRITORY_LEVELS)]
        values[unit.pk] = figure_of(mine).rate
    return values


def duty_measures() -> list[Measure]:
    return [Measure(key=f"duty:{kind}", label=label, unit=PERCENT, higher_is_better=True,
                    reader=partial(duty_rate, kind=kind), source=_("长效履职计划"), definition=RATE_DEFINITION)
            for kind, label in RATE_LABELS.items()]
