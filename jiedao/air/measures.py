"""Air figures as measures (`jiedao/evaluation/measures.py` CONTRIBUTED), read from the same
`selectors.figures_by_unit` as the leaders' page:

* `air:exceedance_rate` — readings over their limit ÷ readings, in each unit (and below) over
  [start, end), % (lower is better); "—" without readings;
* `air:check_pass_rate` — site checks passed ÷ site checks, % (higher is better); "—" without checks."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao.evaluation.measures import PERCENT, Measure, Values
from jiedao.territory.models import Unit

from .rules import share
from .selectors import figures_by_unit


def _figures(units: list[Unit], start: datetime, end: datetime):
    return figures_by_unit(units=units, start=timezone.localdate(start), end=timezone.localdate(end))


def _exceedance_rate(units: list[Unit], start: datetime, end: datetime) -> Values:
    return {pk: share(f.exceedances, f.readings) for pk, f in _figures(units, start, end).items()}


def _check_pass_rate(units: list[Unit], start: datetime, end: datetime) -> Values:
    return {pk: share(f.checks_passed, f.checks) for pk, f in _figures(units, start, end).items()}


def air_measures() -> list[Measure]:
    return [
        Measure(key="air:exceedance_rate", label=_("大气污染源超标率"), unit=PERCENT, higher_is_better=False,
                reader=_exceedance_rate, source=_("污染源监测数据"),
                definition=_("期间内该单位（含下级）污染源监测数据中超过限值的条数 ÷ 监测数据条数 × 100%")),
        Measure(key="air:check_pass_rate", label=_("污染源现场检查合格率"), unit=PERCENT, higher_is_better=True,
                reader=_check_pass_rate, source=_("污染源现场检查"),
                definition=_("期间内该单位（含下级）污染源现场检查中合格的次数 ÷ 检查次数 × 100%")),
    ]
