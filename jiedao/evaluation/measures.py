"""Measures: the one place figures join. A leader sees one consistent number everywhere.

A `Measure` is a figure Jiedao computes for any territorial unit over any period [start, end):
an indicator of the evaluation (按期结案率, 返工率 …), a base count (超期待处置数 …), the
综合指标值, and — contributed by other apps — an inspection checklist's average score or a
campaign's completion. Each measure reads the selectors that already define its figure
(`selectors.counts_by_unit`, `selectors.evaluation_for`, the other apps' own selectors): nothing
here defines an indicator a second time, so the evaluation, the 红黑榜 and the benchmarking
(对标创建) read the same number for the same unit and period, and any page that shows a figure should
read it here. The leader's headline figures (the dashboard's tiles and drill-down, the 通报's
figures) are `FIGURES` below, read by `headline_for`: one definition (口径, shown as each figure's
tooltip and on /evaluation/definitions/), one name, one function, on every page.

Keys are stable strings stored in other apps' data (a benchmark criterion names its measure by key):

* `indicator:<rate>` — every rate of `indicators.RATES` measured on units, as a percentage;
* `count:<name>` — the base counts worth a target (件);
* `evaluation:composite` — the 综合指标值 of the region's scoring scheme (分);
* `inspection:<checklist code>` — the average inspection score (inspections app);
* `campaign:…` — a campaign's figures (campaigns app, `campaigns/measures.py::campaign_measures`);
* `duty:<kind>` — compliance of recurring duties (巡河率, 保洁达标率, 部件巡检率 …; duties app).
* `air:exceedance_rate`, `air:check_pass_rate` — air-pollution sources (air app).

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
    definition: str = ""  # 口径, in the reader's words

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
COUNT_MEASURES = {"reported": True, "filed": True, "closed": True, "overdue_pending": False, "reworked": False,
                  "error_closed": False}


COMPOSITE_DEFINITION = _("各项指标分值按考核方案的权重加权求和（满分 100）；比率越低越好的指标按 (1 − 比率) × 100 计分。")


def grade_definition() -> str:
    """等级's 口径, from the grade scale in force (an administrator's data)."""
    from .selectors import grade_thresholds

    steps = "，".join(f"{grade} ≥ {min_score:g}" for grade, min_score in
                     sorted(grade_thresholds(), key=lambda pair: -pair[1]))
    return _("按综合指标值对照等级表评定：%(steps)s。") % {"steps": steps or "—"}


def evaluation_measures() -> list[Measure]:
    from .indicators import COUNT_DEFINITIONS, COUNT_LABELS, rate_definition

    measures = [Measure(key=f"indicator:{key}", label=rate.label, unit=PERCENT,
                        higher_is_better=not rate.lower_is_better, reader=_rate_reader(key),
                        behind=rate.denominator, source=rate.source, definition=rate_definition(key))
                for key, rate in RATES.items() if key not in PEOPLES_RATES]
    measures += [Measure(key=f"count:{name}", label=COUNT_LABELS[name], unit=COUNT, higher_is_better=better,
                         reader=_count_reader(name), behind=name, definition=COUNT_DEFINITIONS[name])
                 for name, better in COUNT_MEASURES.items()]
    measures.append(Measure(key="evaluation:composite", label=_("综合指标值"), unit=SCORE, higher_is_better=True,
                            reader=_composite, source=_("区域综合评价方案的加权分值"),
                            definition=COMPOSITE_DEFINITION))
    return measures


# ---------------------------------------------------------------- other apps' measures

# Extension point — one line per app: (the app, the function returning its list of Measure).
CONTRIBUTED: tuple[tuple[str, str], ...] = (
    ("jiedao.inspections", "jiedao.inspections.measures.inspection_measures"),  # inspection:<checklist code>
    ("jiedao.campaigns", "jiedao.campaigns.measures.campaign_measures"),  # campaign:…
    ("jiedao.duties", "jiedao.duties.measures.duty_measures"),  # duty:<kind>: 巡河率, 保洁达标率 …
    ("jiedao.greening", "jiedao.greening.measures.greening_measures"),  # greening:area_added (m²)
    ("jiedao.waste", "jiedao.waste.measures.waste_measures"),  # waste:<rate>: 覆盖率 … 减量率 (%)
    ("jiedao.air", "jiedao.air.measures.air_measures"),  # air:exceedance_rate, air:check_pass_rate (%)
    ("jiedao.projects", "jiedao.projects.measures.project_measures"),  # projects:milestones_on_time (%)
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


# ---------------------------------------------------------------- the leader's headline figures

@dataclass(frozen=True)
class Standing:
    """Where a unit stands: the base counts of a period and the cases open and overdue right now."""

    counts: BaseCounts = field(default_factory=BaseCounts)
    open_now: int = 0
    overdue_now: int = 0
    findings_to_decide: int = 0

    def __add__(self, other: "Standing") -> "Standing":
        return Standing(counts=self.counts + other.counts, open_now=self.open_now + other.open_now,
                        overdue_now=self.overdue_now + other.overdue_now,
                        findings_to_decide=max(self.findings_to_decide, other.findings_to_decide))


@dataclass(frozen=True)
class Figure:
    """A headline figure: one name and one 口径 on every page (dashboard, evaluation, 通报 and its
    PDF/Word). `at_this_moment`: a figure of now, not of the period (its name says so)."""

    key: str
    label: str
    definition: str
    unit: str  # COUNT or PERCENT
    read: Callable[[Standing], Decimal | int | None] = field(repr=False, compare=False)
    at_this_moment: bool = False
    count: str = ""  # the base count whose cases are behind the figure (evaluation's drill-down)

    def value(self, standing: Standing) -> Decimal | int | None:
        return self.read(standing)

    def text(self, standing: Standing) -> str:
        return figure_text(self.value(standing), self.unit)


def figure_text(value, unit: str) -> str:
    """How every page writes a figure: "62.2%", "182", "—" when there is nothing to measure."""
    if value is None:
        return "—"
    return f"{value}%" if unit == PERCENT else str(value)


def _period_count(name: str) -> Figure:
    from .indicators import COUNT_DEFINITIONS, COUNT_LABELS

    return Figure(key=name, label=COUNT_LABELS[name], definition=COUNT_DEFINITIONS[name], unit=COUNT,
                  read=lambda standing: getattr(standing.counts, name), count=name)


def _period_rate(key: str) -> Figure:
    from .indicators import rate_definition

    rate = RATES[key]
    return Figure(key=key, label=rate.label, definition=rate_definition(key), unit=PERCENT,
                  read=lambda standing: as_percent(rate.of(standing.counts)))


def headline_figures() -> dict[str, Figure]:
    """The leader's figures, in the order the pages show them."""
    figures = [
        _period_count("reported"), _period_count("filed"), _period_count("closed"),
        _period_rate("on_time_closure_rate"), _period_count("overdue_pending"),
        Figure(key="open_now", label=_("当前未结案件"), unit=COUNT, at_this_moment=True,
               definition=_("此刻尚未结案（也未作废）的全部案件，不限统计期。"),
               read=lambda standing: standing.open_now),
        Figure(key="overdue_now", label=_("当前超期案件"), unit=COUNT, at_this_moment=True,
               definition=_("此刻处置中且已超过处置期限的全部案件，不限派遣时间；挂账（暂停计时）的不计。"
                            "与“超期待处置数”不同：后者只计统计期内派遣的案件。"),
               read=lambda standing: standing.overdue_now),
        Figure(key="findings_to_decide", label=_("待决定问责事项"), unit=COUNT, at_this_moment=True,
               definition=_("此刻问责清单中等待领导决定的事项，全街道，不限统计期。"),
               read=lambda standing: standing.findings_to_decide),
    ]
    return {figure.key: figure for figure in figures}


def _live_of(units: list[Unit], now: datetime) -> dict[int, tuple[int, int]]:
    """(open now, overdue now) of each unit, from one grouped read of the open cases."""
    from .selectors import live_counts_by_grid, units_grids

    by_grid = live_counts_by_grid(now=now)
    result = {}
    for unit, grid_ids in units_grids(units).items():
        result[unit] = (sum(by_grid.get(g, (0, 0))[0] for g in grid_ids),
                        sum(by_grid.get(g, (0, 0))[1] for g in grid_ids))
    return result


def standings_of(units: list[Unit], start: datetime, end: datetime, now: datetime) -> dict[int, Standing]:
    """Each unit's standing over [start, end) and at `now` (findings are the office's, not a unit's)."""
    counts = _counts_of(units, start, end)
    live = _live_of(units, now)
    return {unit.pk: Standing(counts=counts.get(unit.pk, BaseCounts()), open_now=live.get(unit.pk, (0, 0))[0],
                              overdue_now=live.get(unit.pk, (0, 0))[1])
            for unit in units}


def findings_to_decide_count() -> int:
    """The register's entries waiting for a leader's decision, now (the whole office)."""
    from jiedao.accountability.models import FindingState
    from jiedao.accountability.selectors import register

    return register(state=FindingState.PROPOSED).count()


@dataclass(frozen=True)
class Headline:
    standing: Standing
    figures: list[tuple[Figure, str]]  # (figure, its text) in page order

    def text(self, key: str) -> str:
        return next(text for figure, text in self.figures if figure.key == key)


def standing_for(units: list[Unit], start: datetime, end: datetime, now: datetime) -> Standing:
    """The standing of these units taken together (a leader's tops), over [start, end) and at `now`,
    with the register's entries waiting for a decision (the office's)."""
    # A top inside another top is counted once, with the outer one.
    outer = [unit for unit in units if not any(other.pk != unit.pk and unit.path.startswith(other.path)
                                               for other in units)]
    total = sum(standings_of(outer, start, end, now).values(), Standing())
    return Standing(counts=total.counts, open_now=total.open_now, overdue_now=total.overdue_now,
                    findings_to_decide=findings_to_decide_count())


def headline_of(standing: Standing) -> Headline:
    """The headline figures of a standing, in page order, each with its text."""
    return Headline(standing=standing,
                    figures=[(figure, figure.text(standing)) for figure in headline_figures().values()])


def headline_for(units: list[Unit], start: datetime, end: datetime, now: datetime) -> Headline:
    """What the dashboard's tiles and the 通报 show for these units over [start, end) and at `now`."""
    return headline_of(standing_for(units, start, end, now))
