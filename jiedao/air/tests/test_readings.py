"""Readings in batches: conversion, the limit of the source's type and parameter, exceedance → one
case routed by the category's rule, idempotent retries, a bad batch writing nothing."""

from datetime import date
from decimal import Decimal

import pytest

from jiedao.air.models import AirLimit, Reading, ReadingDay
from jiedao.air.services import AirRejected, readings_ingest
from jiedao.cases.models import Case
from jiedao.cases.selectors import dispatch_suggestion

from .conftest import reading

pytestmark = pytest.mark.usefixtures("clock")


def test_a_reading_in_micrograms_is_stored_as_sent_and_in_milligrams(air):
    readings_ingest(by=air.people.inspector, rows=[reading(value="80", unit="ug/m3")])

    stored = Reading.objects.get()
    assert (stored.value, stored.unit, stored.value_mg_m3) == (Decimal("80"), "μg/m³", Decimal("0.08"))
    assert (stored.limit_mg_m3, stored.is_exceedance) == (Decimal("0.15"), False)


def test_the_limit_is_that_of_the_sources_type_and_the_parameter(air):
    rows = [reading(value="160", key="a"),  # PM10 0.16 > 0.15 at a construction site
            reading(parameter="pm25", value="70", key="b"),  # PM2.5 0.070 ≤ 0.075
            reading(source="CY-01", parameter="fume", value="2.0", unit="mg/m³", key="c"),  # = 2.0: not above
            reading(source="CY-01", parameter="fume", value="2.4", unit="mg/m³", key="d"),  # GB 18483 2.0
            reading(source="CY-01", parameter="pm10", value="900", key="e")]  # no limit for catering PM10

    result = readings_ingest(by=air.people.leader, rows=rows)

    flagged = dict(Reading.objects.values_list("idempotency_key", "is_exceedance"))
    assert flagged == {"a": True, "b": False, "c": False, "d": True, "e": False}
    assert Reading.objects.get(idempotency_key="e").limit_mg_m3 is None
    assert (result.accepted, result.exceedances) == (5, 2)


def test_the_limit_is_data_an_edit_applies_to_the_next_reading(air):
    AirLimit.objects.filter(source_type=air.types["catering"], parameter="fume").update(limit_mg_m3=Decimal("3"))

    readings_ingest(by=air.people.leader, rows=[reading(source="CY-01", parameter="fume", value="2.4",
                                                        unit="mg/m³")])

    assert Reading.objects.get().is_exceedance is False


def test_seeded_limits_are_marked_unconfirmed_with_their_source(air):
    fume = AirLimit.objects.get(source_type=air.types["catering"], parameter="fume")
    assert (fume.limit_mg_m3, fume.is_confirmed) == (Decimal("2.0"), False)
    assert "GB 18483" in fume.source and "未核实" in fume.source


def test_exceedances_of_one_source_parameter_and_day_become_exactly_one_case(air):
    rows = [reading(value="200", key="a", at="2026-11-17T07:00:00+08:00"),
            reading(value="210", key="b", at="2026-11-17T08:00:00+08:00")]

    first = readings_ingest(by=air.people.inspector, rows=rows)
    again = readings_ingest(by=air.people.inspector, rows=[reading(value="230", key="c")])

    case = Case.objects.get()
    assert first.cases == again.cases == [case.number]
    assert set(Reading.objects.values_list("case_id", flat=True)) == {case.pk}
    assert case.item.code == "08004"


@pytest.mark.parametrize(("source", "parameter", "value", "unit", "department"), [
    ("GD-01", "pm10", "200", "μg/m³", "D04"),  # 工地扬尘 → 规划建设科
    ("CY-01", "fume", "2.6", "mg/m³", "D05"),  # 油烟污染 → 生态环境科
])
def test_the_case_is_routed_to_the_department_of_its_source_types_category(air, source, parameter, value, unit,
                                                                          department):
    readings_ingest(by=air.people.leader, rows=[reading(source=source, parameter=parameter, value=value,
                                                        unit=unit)])

    assert dispatch_suggestion(case=Case.objects.get()).department.code == department


def test_a_poster_who_may_not_report_leaves_the_exceedance_flagged_without_a_case(air, django_user_model):
    from jiedao.territory.models import Duty, Role
    admin = django_user_model.objects.create_user(username="sysadmin", password="pass-1234")
    Duty.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=air.subdistrict)

    result = readings_ingest(by=admin, rows=[reading(value="500")])

    assert (result.exceedances, result.cases, Case.objects.count()) == (1, [], 0)
    assert Reading.objects.get().is_exceedance is True


def test_a_retried_batch_is_never_counted_twice(air):
    rows = [reading(value="160", key="a"), reading(value="60", key="b")]
    readings_ingest(by=air.people.inspector, rows=rows)

    retried = readings_ingest(by=air.people.inspector, rows=[*rows, reading(value="70", key="c")])

    assert (retried.accepted, retried.duplicates) == (1, 2)
    assert Reading.objects.count() == 3
    day = ReadingDay.objects.get()
    assert (day.readings, day.exceedances, day.max_mg_m3) == (3, 1, Decimal("0.16"))
    assert Case.objects.count() == 1


def test_the_same_key_twice_in_one_batch_with_one_body_counts_once(air):
    result = readings_ingest(by=air.people.inspector, rows=[reading(key="a"), reading(key="a")])

    assert (result.accepted, result.duplicates, Reading.objects.count()) == (1, 1, 1)


def test_a_key_reused_for_another_reading_is_refused_naming_the_row(air):
    readings_ingest(by=air.people.inspector, rows=[reading(key="a", value="60")])

    with pytest.raises(AirRejected) as refused:
        readings_ingest(by=air.people.inspector, rows=[reading(key="b"), reading(key="a", value="61")])

    assert refused.value.errors == {"row 2": "第 2 条：幂等键“a”已用于另一条监测数据"}
    assert Reading.objects.count() == 1


@pytest.mark.parametrize(("bad", "message"), [
    ({"unit": "ppm"}, "第 2 条：未知的单位“ppm”（可用 mg/m³、μg/m³、ng/m³、g/m³）"),
    ({"value": "abc"}, "第 2 条：测定值应为数字"),
    ({"value": "-1"}, "第 2 条：测定值超出范围"),
    ({"value": "NaN"}, "第 2 条：测定值应为数字"),
    ({"parameter": "so2"}, "第 2 条：未知的监测项目“so2”"),
    ({"source": "NOPE"}, "第 2 条：未知的污染源“NOPE”"),
    ({"measured_at": "yesterday"}, "第 2 条：监测时间格式不正确（ISO 8601）"),
    ({"measured_at": "2026-11-18T09:00:00+08:00"}, "第 2 条：监测时间不能晚于现在，也不能早于 2000 年"),
    ({"idempotency_key": ""}, "第 2 条：请提供 1 到 64 个字符的幂等键"),
    ({"idempotency_key": "x" * 65}, "第 2 条：请提供 1 到 64 个字符的幂等键"),
])
def test_a_bad_row_refuses_the_whole_batch_naming_the_row(air, bad, message):
    rows = [reading(key="good", value="500"), {**reading(key="bad"), **bad}]

    with pytest.raises(AirRejected) as refused:
        readings_ingest(by=air.people.inspector, rows=rows)

    assert refused.value.errors == {"row 2": message}
    assert (Reading.objects.count(), ReadingDay.objects.count(), Case.objects.count()) == (0, 0, 0)


def test_a_source_out_of_reach_reads_as_unknown(air, django_user_model):
    from jiedao.territory.models import Duty, Role
    outsider = django_user_model.objects.create_user(username="liuan_inspector", password="pass-1234")
    Duty.objects.create(user=outsider, role=Role.INSPECTOR, unit=air.liuan)

    with pytest.raises(AirRejected) as refused:
        readings_ingest(by=outsider, rows=[reading(source="GD-01")])  # the site is in 桃源

    assert refused.value.errors == {"row 1": "第 1 条：未知的污染源“GD-01”"}
    assert readings_ingest(by=outsider, rows=[reading(source="CY-01", parameter="fume", unit="mg/m³",
                                                      value="1")]).accepted == 1


def test_an_empty_or_oversized_batch_is_refused(air):
    from jiedao.air.models import AirPolicy
    AirPolicy.objects.update(batch_max=2)
    with pytest.raises(AirRejected):
        readings_ingest(by=air.people.inspector, rows=[])
    with pytest.raises(AirRejected) as refused:
        readings_ingest(by=air.people.inspector, rows=[reading(key=str(n)) for n in range(3)])
    assert refused.value.errors == {"readings": "每批最多 2 条监测数据"}


def test_the_daily_rollup_follows_the_local_day(air):
    rows = [reading(value="200", key="a", at="2026-11-16T23:30:00+08:00"),
            reading(value="60", key="b", at="2026-11-16T16:30:00Z")]  # 00:30 on the 17th in +08:00

    readings_ingest(by=air.people.leader, rows=rows)

    assert sorted(ReadingDay.objects.values_list("day", "readings", "exceedances")) == [
        (date(2026, 11, 16), 1, 1), (date(2026, 11, 17), 1, 0)]


def test_the_days_case_reported_by_one_poster_is_the_one_another_posters_exceedance_joins(air):
    readings_ingest(by=air.people.inspector, rows=[reading(value="200", key="a")])

    second = readings_ingest(by=air.people.leader, rows=[reading(value="220", key="b")])

    case = Case.objects.get()
    assert second.cases == [case.number]
    assert set(Reading.objects.values_list("case_id", flat=True)) == {case.pk}
