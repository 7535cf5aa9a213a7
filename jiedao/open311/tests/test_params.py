"""Reading dates, lists and page numbers: the 90-day window and the spec's "empty = absent"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jiedao.open311.errors import BadParameter
from jiedao.open311.params import date_window, parse_bool, parse_list, parse_positive_int, parse_when

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 17, 9, 0, tzinfo=SHANGHAI)


def test_w3c_date_times_with_offsets():
    assert parse_when("2026-01-01T00:00:00Z", field="start_date") == datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI)
    assert parse_when("2026-01-01T08:00:00+08:00", field="x") == datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI)


def test_a_time_without_offset_or_a_bare_date_is_read_in_shanghai():
    assert parse_when("2026-01-01T08:00:00", field="x") == datetime(2026, 1, 1, 8, 0, tzinfo=SHANGHAI)
    assert parse_when("2026-01-01", field="x") == datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("value", ["", "  ", None])
def test_empty_means_absent(value):
    assert parse_when(value, field="x") is None
    assert parse_list(value) == []
    assert parse_positive_int(value, field="page", default=1, maximum=10) == 1
    assert parse_bool(value, field="extensions") is False


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30T00:00:00Z", "0000-01-01",
                                   "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+08:00"])
def test_bad_dates_are_refused(value):
    with pytest.raises(BadParameter):
        parse_when(value, field="start_date")


def test_window_defaults_to_the_last_90_days():
    assert date_window(None, None, now=NOW) == (NOW - timedelta(days=90), NOW)


def test_window_from_a_lone_start_or_up_to_a_lone_end():
    start = NOW - timedelta(days=200)
    assert date_window(start, None, now=NOW) == (start, start + timedelta(days=90))
    assert date_window(None, start, now=NOW) == (start - timedelta(days=90), start)


def test_window_of_exactly_90_days_is_allowed_and_one_second_more_is_not():
    start = NOW - timedelta(days=90)
    assert date_window(start, NOW, now=NOW) == (start, NOW)
    with pytest.raises(BadParameter):
        date_window(start - timedelta(seconds=1), NOW, now=NOW)


def test_window_end_before_start_is_refused():
    with pytest.raises(BadParameter):
        date_window(NOW, NOW - timedelta(days=1), now=NOW)


def test_lists_are_comma_delimited_without_blanks_or_repeats():
    assert parse_list(" 2026-000002, ,2026-000001,2026-000002,") == ["2026-000002", "2026-000001"]


@pytest.mark.parametrize("value", ["0", "-1", "1001", "abc", "1.5", "١٢"])
def test_page_sizes_outside_the_range_are_refused(value):
    with pytest.raises(BadParameter):
        parse_positive_int(value, field="page_size", default=1000, maximum=1000)


def test_booleans():
    assert parse_bool("true", field="x") is True
    assert parse_bool("FALSE", field="x") is False
    with pytest.raises(BadParameter):
        parse_bool("maybe", field="x")
