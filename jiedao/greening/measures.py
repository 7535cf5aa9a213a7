"""Green area added as a measure, key `greening:area_added` (m², higher is better): the area of the
plantings planted in each unit (and the units under it) over [start, end). Listed in
`jiedao/evaluation/measures.py` `CONTRIBUTED`, so campaign targets and benchmark criteria can use it."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao.evaluation.measures import AREA, Measure, Values
from jiedao.territory.models import Unit

from .selectors import area_added_by_unit


def _read(units: list[Unit], start: datetime, end: datetime) -> Values:
    return dict(area_added_by_unit(units=units, start=timezone.localdate(start), end=timezone.localdate(end)))


def greening_measures() -> list[Measure]:
    return [Measure(key="greening:area_added", label=_("新增绿化面积"), unit=AREA, higher_is_better=True,
                    reader=_read, source=_("种植记录"),
                    definition=_("期间内种植日期落在该单位（含下级）的种植记录面积之和（平方米）"))]
