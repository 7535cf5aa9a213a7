"""A campaign's arithmetic, written once: what is found, what is done, how complete a target and a
set of targets are. Pure: the selectors count, these functions judge. The page, the 日报/周报
and the benchmark measure all call them.

口径 (the page prints `DEFINITIONS`):
- 发现 found: cases of a line's categories at the place (in a community's grids, or inside a key
  place or within its buffer of a line), reported within the campaign period up to the moment of
  reading, not voided (作废: duplicates, not confirmed on site, out of scope).
- 完成 done: cases of the line's categories at the place closed (已结案) within the period, whenever
  they were reported (an old garbage point cleared during the campaign is its work), plus the
  counts entered as evidence figures for work no case carries. A figure linked to a case adds its
  quantity (m² …) but never a second count.
- 工程量 quantity: the sum of the evidence figures' quantities (m², 个 …) dated within the period.
- 完成率 of one target: done ÷ target (may pass 100 %).
- 完成率 of a set of targets (a community, an area, the sub-district, a line across communities):
  the mean of its targets' completion, each capped at 100 %, so that one line far ahead does not
  hide another behind. A target of 0 has no completion and is left out.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.1")

DEFINITIONS = [
    _("发现：本行动分项对应问题分类的案件，位于该社区的网格内（或重点区域范围内、背街小巷两侧匹配距离内），"
      "在行动期内上报且未作废。"),
    _("完成：上述分类、位置的案件在行动期内结案（不论何时上报），加上以佐证录入的、没有案件承载的完成数；"
      "关联案件的佐证只增加工程量，不重复计数。"),
    _("工程量：行动期内录入的佐证工程量（如拆除面积 m²、个数）之和。"),
    _("单项完成率 = 完成 ÷ 目标，可超过 100%；单位或分项的完成率 = 其下各项目标完成率（每项以 100% 封顶）的平均值，"
      "目标为 0 的不计入。"),
]


@dataclass
class Tally:
    """What happened for one line at one place (a community or a key place): cases found and done,
    cases still open, figures entered. `*_recent` are the same within a report's window (the day
    of a 日报, the week of a 周报)."""

    found: int = 0
    done_cases: int = 0
    open: int = 0
    figure_count: int = 0
    quantity: Decimal = ZERO
    found_recent: int = 0
    done_cases_recent: int = 0
    figure_count_recent: int = 0
    quantity_recent: Decimal = ZERO

    @property
    def done(self) -> int:
        return self.done_cases + self.figure_count

    @property
    def done_recent(self) -> int:
        return self.done_cases_recent + self.figure_count_recent

    def add(self, other: "Tally") -> None:
        for name in ("found", "done_cases", "open", "figure_count", "quantity", "found_recent",
                     "done_cases_recent", "figure_count_recent", "quantity_recent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def value(self, measure: str) -> Decimal:
        """What a target of this measure compares with: the count done, or the quantity."""
        return self.quantity if measure == "quantity" else Decimal(self.done)


def percent(share: Decimal) -> Decimal:
    return (share * HUNDRED).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def target_completion(*, done: Decimal, target: Decimal) -> Decimal | None:
    """One target: done ÷ target in percent (one decimal), uncapped; None for a target of 0."""
    if target <= 0:
        return None
    return percent(Decimal(done) / Decimal(target))


def completion_of(pairs) -> Decimal | None:
    """A set of targets, as (done, target) pairs: the mean of each one's completion capped at 100 %,
    in percent; None when no target above 0 is in the set."""
    shares = [min(Decimal(done) / Decimal(target), Decimal(1)) for done, target in pairs if target > 0]
    if not shares:
        return None
    return percent(sum(shares, ZERO) / len(shares))


@dataclass
class Cell:
    """One line at one place: its targets by measure and what was done."""

    tally: Tally = field(default_factory=Tally)
    count_target: Decimal | None = None
    quantity_target: Decimal | None = None

    @property
    def pairs(self) -> list[tuple[Decimal, Decimal]]:
        pairs = []
        if self.count_target is not None:
            pairs.append((self.tally.value("count"), self.count_target))
        if self.quantity_target is not None:
            pairs.append((self.tally.value("quantity"), self.quantity_target))
        return pairs

    @property
    def count_completion(self) -> Decimal | None:
        if self.count_target is None:
            return None
        return target_completion(done=self.tally.value("count"), target=self.count_target)

    @property
    def quantity_completion(self) -> Decimal | None:
        if self.quantity_target is None:
            return None
        return target_completion(done=self.tally.value("quantity"), target=self.quantity_target)
