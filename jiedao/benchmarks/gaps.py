"""The arithmetic of a gap report, pure: functions of their inputs only (no database, no clock).

A criterion is "≥ required" or "≤ required". The gap is signed in the criterion's direction: positive
is that much better than required, negative that much short of it, so "−4.5" reads the same for a
rate that must be at least 90 % and for a rate that must stay at most 5 %. No figure (nothing to
measure) is no gap and not met."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

AT_LEAST, AT_MOST = ">=", "<="
HOLDING_DOWN = 3  # the communities named as holding a figure down
TREND_MONTHS = 6


def gap(value: Decimal | None, required: Decimal | None, comparator: str) -> Decimal | None:
    """How far `value` is beyond (+) or short of (−) `required`, in the criterion's direction."""
    if value is None or required is None:
        return None
    return value - required if comparator == AT_LEAST else required - value


def is_met(value: Decimal | None, required: Decimal | None, comparator: str) -> bool:
    difference = gap(value, required, comparator)
    return difference is not None and difference >= 0


def holding_down(values: Iterable[tuple[object, Decimal | None]], required: Decimal | None, comparator: str,
                 *, count: int = HOLDING_DOWN) -> list[tuple[object, Decimal]]:
    """The units that miss the requirement, worst first, at most `count` (ties in the given order).
    A unit with nothing to measure holds nothing down."""
    short = [(unit, value) for unit, value in values
             if value is not None and not is_met(value, required, comparator)]
    short.sort(key=lambda pair: gap(pair[1], required, comparator))
    return short[:count]


@dataclass(frozen=True)
class Summary:
    met: int
    total: int
    weight_met: Decimal | None  # Σ weights of the criteria met, None when no criterion is weighted
    weight_total: Decimal | None
    unweighted: int  # criteria without a weight while others have one: left out of the weighted share

    @property
    def weighted_share(self) -> Decimal | None:
        """Σ weights met / Σ weights, as a percentage rounded to one decimal."""
        if not self.weight_total:
            return None
        return (self.weight_met / self.weight_total * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summarise(criteria: Sequence[tuple[bool, Decimal | None]]) -> Summary:
    """(met, weight) of each criterion → met of total, and weighted where weights are set."""
    weighted = [(met, weight) for met, weight in criteria if weight is not None]
    return Summary(
        met=sum(1 for met, _weight in criteria if met), total=len(criteria),
        weight_met=sum((weight for met, weight in weighted if met), Decimal(0)) if weighted else None,
        weight_total=sum((weight for _met, weight in weighted), Decimal(0)) if weighted else None,
        unweighted=len(criteria) - len(weighted) if weighted else 0,
    )


def months_up_to(last_day: date, *, count: int = TREND_MONTHS) -> list[tuple[date, date]]:
    """[first day, day after the last) of the `count` calendar months ending with `last_day`'s, oldest first."""
    months = []
    first = last_day.replace(day=1)
    for _index in range(count):
        months.append((first, (first + timedelta(days=32)).replace(day=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


def trend_direction(values: Sequence[Decimal | None], comparator: str) -> int:
    """Against the month before (环比): +1 better, −1 worse, 0 the same or unknown (either month "—")."""
    if len(values) < 2 or values[-1] is None or values[-2] is None or values[-1] == values[-2]:
        return 0
    better = values[-1] > values[-2] if comparator == AT_LEAST else values[-1] < values[-2]
    return 1 if better else -1


def trend_svg(values: Sequence[Decimal | None], required: Decimal | None, *, width: int = 132,
              height: int = 36) -> str:
    """A small bar chart of the months with the required value as a line: SVG markup (presentation
    attributes only, no style attribute: the Content-Security-Policy forbids inline styles)."""
    known = [value for value in values if value is not None]
    top = max([*known, required or Decimal(0), Decimal(1)])
    slot = width / max(len(values), 1)
    parts = [f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-hidden="true">']
    for index, value in enumerate(values):
        x = index * slot + 2
        if value is None:
            parts.append(f'<rect x="{x:.1f}" y="{height - 2}" width="{slot - 4:.1f}" height="2" fill="#c9d1db"/>')
            continue
        bar = max(float(value / top) * (height - 2), 1.0)
        parts.append(f'<rect x="{x:.1f}" y="{height - bar:.1f}" width="{slot - 4:.1f}" height="{bar:.1f}" '
                     f'fill="#1f5fa8"/>')
    if required is not None:
        y = height - float(required / top) * (height - 2)
        parts.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b42318" '
                     f'stroke-dasharray="3 2"/>')
    parts.append("</svg>")
    return "".join(parts)
