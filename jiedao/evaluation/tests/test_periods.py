"""Custom periods: both days included, the previous period as many days before, bad bounds refused."""

from datetime import date, datetime

import pytest

from jiedao.conftest import SHANGHAI
from jiedao.evaluation.periods import CUSTOM, PeriodError, period_between, period_named


def test_a_custom_period_includes_both_days():
    period = period_between(date(2026, 11, 3), date(2026, 11, 9), tz=SHANGHAI)

    assert period.code == CUSTOM
    assert period.start == datetime(2026, 11, 3, tzinfo=SHANGHAI)
    assert period.end == datetime(2026, 11, 10, tzinfo=SHANGHAI)


def test_the_previous_custom_period_is_as_long_and_ends_the_day_before():
    previous = period_between(date(2026, 11, 3), date(2026, 11, 9), tz=SHANGHAI).previous()

    assert (previous.first_day, previous.last_day) == (date(2026, 10, 27), date(2026, 11, 2))


def test_a_single_day_is_a_period():
    period = period_between(date(2026, 2, 28), date(2026, 2, 28), tz=SHANGHAI)

    assert (period.end - period.start).days == 1
    assert period.previous().first_day == date(2026, 2, 27)


@pytest.mark.parametrize("first, last, message", [
    (date(2026, 11, 9), date(2026, 11, 3), "结束日期不能早于开始日期"),
    (date(2020, 1, 1), date(2026, 1, 1), "自定义周期不能超过三年"),
])
def test_impossible_bounds_are_refused(first, last, message):
    with pytest.raises(PeriodError, match=message):
        period_between(first, last, tz=SHANGHAI)


def test_the_previous_named_month_is_unchanged():
    month = period_named("month", now=datetime(2026, 3, 15, 10, tzinfo=SHANGHAI))

    assert month.previous().first_day == date(2026, 2, 1)
    assert month.previous().last_day == date(2026, 2, 28)
