"""成活率 and what is due, as pure functions of their inputs (no database, no clock).

成活率 = 最近一次检查的成活数量 / 种植数量 × 100 %, to one decimal; None when nothing was planted
(a zero denominator) or never checked. A check is due on each interval after planting (30 and 90
days by default) and on the first day of the autumn month every year after planting; the next due
date is the first after the latest check. Replanting is due below the policy's threshold."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def survival_rate(*, planted: Decimal | int | None, surviving: Decimal | int | None) -> Decimal | None:
    if planted is None or surviving is None or Decimal(planted) <= 0:
        return None
    return (Decimal(surviving) * 100 / Decimal(planted)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def check_schedule(*, planted_on: date, intervals: list[int], autumn_month: int, until: date) -> list[date]:
    """Every due date from planting up to `until` (inclusive), in order."""
    dates = {planted_on + timedelta(days=days) for days in intervals}
    for year in range(planted_on.year, until.year + 1):
        autumn = date(year, autumn_month, 1)
        if autumn > planted_on:
            dates.add(autumn)
    return sorted(day for day in dates if day <= until)


def check_due_on(*, planted_on: date, latest_check_on: date | None, intervals: list[int], autumn_month: int,
                 today: date) -> date | None:
    """The earliest due date not yet met by a check on or after it, if it has come by `today`."""
    since = latest_check_on or (planted_on - timedelta(days=1))
    for day in check_schedule(planted_on=planted_on, intervals=intervals, autumn_month=autumn_month, until=today):
        if day > since:
            return day
    return None


def replanting_due(*, rate: Decimal | None, threshold: Decimal) -> bool:
    return rate is not None and rate < threshold


def mean_rate(rates) -> Decimal | None:
    """平均成活率 = 各有检查记录的种植成活率之和 / 其个数, to one decimal; None with no rate at all
    (a zero denominator is "no data", never 0 %)."""
    known = [Decimal(rate) for rate in rates if rate is not None]
    if not known:
        return None
    return (sum(known) / len(known)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
