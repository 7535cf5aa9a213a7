"""Measures: the one place figures join. A leader sees one consistent number everywhere.

A `Measure` is a figure Jiedao computes for any territorial unit over any period [start, end):
an indicator of the evaluation (按期结案率, 返工率 …), a base count (超期待处置数 …), the
综合指标值, and — contributed by other apps — an inspection checklist's average score or a
campaign's completion. Each measure reads the selectors that already define its figure
(`selectors.counts_by_unit`, `selectors.evaluation_for`, the other apps' own selectors): nothing
here defines an indicator a second time, so the evaluation, the 红黑榜 and the benchmarking
(对标创建) read the same number for the same unit and period, and any page that shows a figure should
read it here. (The dashboard's 按期结案率 tile is still its own: closures on time among the closures
of the period, from the cached dashboard figures — not the 按期结案数 / 应结案数 of GB/T 30428.4 read
here; it should move to `measure_value` with a cache of its own.)

Keys are stable strings stored in other apps' data (a benchmark criterion names its measure by key):

* `indicator:<rate>` — every rate of `indicators.RATES` measured on units, as a percentage;
* `count:<name>` — the base counts worth a target (件);
* `evaluation:composite` — the 综合指标值 of the region's scoring scheme (分);
* `inspection:<checklist code>` — the average inspection score (inspections app);
* `campaign:…` — a campaign's figures (campaigns app, `campaigns/measures.py::campaign_measures`).

Values are `Decimal`s, `None` when there is nothing to measure (a rate whose denominator is 0):
"—", never 0. Percentages are rounded to one decimal (0.1 个百分点), the precision every page shows,
so a comparison with a required value is made on the number the reader sees.

Extension point: an app adds its measures with one line in `CONTRIBUTED` below — the dotted path
of a function returning a list of `Measure`. It is read only when the app is installed, so a
branch without the app runs as before; an installed app whose function is missing fails loudly.
Within `selectors.shared_counts()` every measure of the same period shares one read of the cases.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from jiedao.territory.models import Unit

from .indicators import RATES, BaseCounts

PERCENT, SCORE, COUNT, AREA = "%", "分", "件", "m²"
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)

Values = dict[int, Decimal | None]
Reader = Callable[[list[Unit], datetime, datetime], Values]


@dataclass(frozen=True)
class Measure:
    """A figure per unit and period. `behind` names the base count whose cases are behind the
    figure (the evaluation's drill-down opens them), when there is one."""

    key: str
    label: str
    unit: str  # PERCENT, SCORE, COUNT or AREA
    higher_is_better: bool
    reader: Reader = field(repr=False, compare=False)
    behind: str = ""
    source: str = ""

    def values(self, units: list[Unit], start: datetime, end: datetime) -> Values:
        """The figure of each unit (by id) over [start, end); None where there is nothing to measure."""
        if not units:
            return {}
        found = self.reader(list(units), start, end)
        return {unit.pk: found.get(unit.pk) for unit in units}


class UnknownMeasure(LookupError):
    def __init__(self, key: str):
        self.key = key
        self.message = _("没有名为“%(key)s”的指标") % {"key": key}
        super().__init__(str(self.message))


# ---------------------------------------------------------------- the evaluation's figures

def _counts_of(units: list[Unit], start: datetime, end: datetime) -> dict[int, BaseCounts]:
    """Base counts of the units, one `counts_by_unit` per level among them."""
    from .selectors import counts_by_unit

    result: dict[int, BaseCounts] = {}
    for level in {unit.level for unit in units}:
        wanted = {unit.pk for unit in units if unit.level == level}
        for unit, counts in counts_by_unit(level=level, start=start, end=end).items():
            if unit.pk in wanted:
                result[unit.pk] = counts
    return result


def as_percent(share: Decimal | None) -> Decimal | None:
    """A share 0–1 as a percentage rounded to one decimal, the way every page shows it."""
    if share is None:
        return None
    return (share * HUNDRED).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _rate_reader(key: str) -> Reader:
    rate = RATES[key]

    def read(units: list[Unit], start: datetime, end: datetime) -> Values:
        return {pk: as_percent(rate.of(counts)) for pk, counts in _counts_of(units, start, end).items()}
    return read


def _count_reader(name: str) -> Reader:
    def read(units: list[Unit], start: datetime, end: datetime) -> Values:
        return {pk: Decimal(getattr(counts, name)) for pk, counts in _counts_of(units, start, end).items()}
    return read


def _composite(units: list[Unit], start: datetime, end: datetime) -> Values:
    from .models import ObjectType
    from .selectors import evaluation_for

    result: Values = {}
    for level in {unit.level for unit in units}:
        for row in evaluation_for(object_type=ObjectType.REGION, level=level, start=start, end=end):
            result[row.key] = row.composite
    return result


# The two field-work rates (按时核实率, 按时核查率) belong to people, not to places: on a unit they
# would always be "—".
PEOPLES_RATES = frozenset({"on_time_verify_rate", "on_time_check_rate"})
# Base counts an office sets targets on (件), and which way is better.
COUNT_MEASURES = {"reported": True, "closed": True, "overdue_pending": False, "reworked": False,
                  "error_closed": False}


def evaluation_measures() -> list[Measure]:
    from .indicators import COUNT_LABELS

    measures = [Measure(key=f"indicator:{key}", label=rate.label, unit=PERCENT,
                        higher_is_better=not rate.lower_is_better, reader=_rate_reader(key),
                        behind=rate.denominator, source=rate.source)
                for key, rate in RATES.items() if key not in PEOPLES_RATES]
    measures += [Measure(key=f"count:{name}", label=COUNT_LABELS[name], unit=COUNT, higher_is_better=better,
                         reader=_count_reader(name), behind=name)
                 for name, better in COUNT_MEASURES.items()]
    measures.append(Measure(key="evaluation:composite", label=_("综合指标值"), unit=SCORE, higher_is_better=True,
                            reader=_composite, source=_("区域综合评价方案的加权分值")))
    return measures


# ---------------------------------------------------------------- other apps' measures

# Extension point — one line per app: (the app, the function returning its list of Measure).
CONTRIBUTED: tuple[tuple[str, str], ...] = (
    ("jiedao.inspections", "jiedao.inspections.measures.inspection_measures"),  # inspection:<checklist code>
    ("jiedao.campaigns", "jiedao.campaigns.measures.campaign_measures"),  # campaign:…
)


def _contributed() -> Iterable[Measure]:
    for app, dotted in CONTRIBUTED:
        if not apps.is_installed(app):
            continue
        module, name = dotted.rsplit(".", 1)
        yield from getattr(import_module(module), name)()


# ---------------------------------------------------------------- the one way in

def measures_available() -> list[Measure]:
    """Every measure, the evaluation's first, then those of the other apps."""
    return [*evaluation_measures(), *_contributed()]


def measure_for(key: str) -> Measure:
    """The measure with this key; `UnknownMeasure` (a translated message) when there is none."""
    for measure in measures_available():
        if measure.key == key:
            return measure
    raise UnknownMeasure(key)


def measure_value(key: str, unit: Unit, start: datetime, end: datetime) -> Decimal | None:
    """One unit's figure over [start, end)."""
    return measure_for(key).values([unit], start, end)[unit.pk]
