"""The milestones' on-time rate as a measure, key `projects:milestones_on_time` (%, higher is
better): of the project milestones whose planned date falls in [start, end) and has passed, the
share done on or before it, in each unit (and the units under it). Listed in
`jiedao/evaluation/measures.py` `CONTRIBUTED`."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.evaluation.measures import PERCENT, Measure, Values
from jiedao.territory.models import Unit

from .schedule import percent
from .selectors import milestones_on_time_by_unit


def _read(units: list[Unit], start: datetime, end: datetime) -> Values:
    found = milestones_on_time_by_unit(units=units, start=timezone.localdate(start), end=timezone.localdate(end),
                                       today=timezone.localdate(clock.now()))
    return {unit_id: percent(on_time, due) for unit_id, (on_time, due) in found.items()}


def project_measures() -> list[Measure]:
    return [Measure(key="projects:milestones_on_time", label=_("项目里程碑按期完成率"), unit=PERCENT,
                    higher_is_better=True, reader=_read, source=_("项目库"),
                    definition=_("计划完成日期落在期间内且已到期的项目里程碑中，在计划日期当天或之前完成的比例"))]
