"""The rates of 垃圾分类 as measures, keys `waste:<rate>` (覆盖率, 参与率, 投放准确率, 回收利用率,
资源化利用率, 无害化处理率, 减量率; percent), per unit over [start, end), from the daily rollup.
Listed in `jiedao/evaluation/measures.py` `CONTRIBUTED`, so campaign targets and benchmark criteria
can use them."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.evaluation.measures import PERCENT, Measure, Values, as_percent
from jiedao.territory.models import Unit

from .rates import RATES, Rate
from .selectors import totals_by_unit


def _reader(rate: Rate):
    def read(units: list[Unit], start: datetime, end: datetime) -> Values:
        # Up to today: a period under way is compared with the same days a year earlier (减量率).
        tomorrow = timezone.localdate(clock.now()) + timedelta(days=1)
        totals = totals_by_unit(units=units, start=timezone.localdate(start),
                                end=min(timezone.localdate(end), tomorrow))
        return {pk: as_percent(rate.of(found)) for pk, found in totals.items()}
    return read


def waste_measures() -> list[Measure]:
    return [Measure(key=f"waste:{rate.key}", label=rate.label, unit=PERCENT, higher_is_better=rate.higher_is_better,
                    reader=_reader(rate), source=_("垃圾分类"), definition=rate.definition)
            for rate in RATES.values()]
