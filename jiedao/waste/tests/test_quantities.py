"""Quantities from the form, a sheet and the scales: checked together, written all-or-nothing,
rolled up per community and day; the totals and rates read from the rollup; stage mismatches."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Q
from openpyxl import Workbook

from jiedao.waste.models import DailyTotal, Stage, WasteRecord
from jiedao.waste.rates import WasteTotals
from jiedao.waste.selectors import stage_mismatches, totals_by_unit, totals_of_point
from jiedao.waste.services import Reading, WasteRejected, readings_from_xlsx, readings_record

from .conftest import TODAY

D = Decimal
DAY = "2026-11-10"


def record(by, *readings, source="form"):
    return readings_record(by=by, readings=list(readings), source=source, today=TODAY)


def test_a_month_of_one_community_gives_every_rate_from_the_rollup(world, waste):
    by = world.people.handler
    record(by,
           Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="0.45", unit="t", point="P001"),
           Reading(day=DAY, stage="collection", waste_class="kitchen", weight="400", point="P001"),
           Reading(day=DAY, stage="收集", waste_class="可回收物", subclass="纸类", weight="150", point="P002"),
           Reading(day=DAY, stage="处理", waste_class="厨余垃圾", weight="390", community="330199001001",
                   facility="F01"),
           Reading(day=DAY, stage="处理", waste_class="其他垃圾", weight="440", community="330199001001",
                   facility="F02"),
           Reading(day="2025-11-10", stage="收集", waste_class="其他垃圾", weight="500", point="P001"))
    totals = totals_by_unit(units=[world.taoyuan, world.liuan, world.subdistrict], start=date(2026, 11, 1),
                            end=date(2026, 12, 1))
    taoyuan = totals[world.taoyuan.pk]
    assert taoyuan == WasteTotals(households=400, households_covered=300, collected=D(1000),
                                  collected_recyclable=D(150), collected_residual=D(450),
                                  kitchen_recovered=D(390), treated_recovered=D(390), treated_harmless=D(830),
                                  base_residual=D(500))
    assert totals[world.liuan.pk] == WasteTotals(households=200, households_covered=200)
    assert totals[world.subdistrict.pk].collected == D(1000)
    assert totals[world.subdistrict.pk].households == 600
    # Raw records stay; the rollup has one row per community, day, stage, class and facility.
    assert WasteRecord.objects.count() == 6
    assert DailyTotal.objects.get(day=DAY, stage=Stage.COLLECTION, waste_class="residual").weight_kg == D(450)


def test_a_point_reads_its_own_records(world, waste):
    record(world.people.handler,
           Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="300", point="P001"),
           Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="99", point="P002"))
    totals = totals_of_point(point=waste.point, start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert (totals.collected, totals.households, totals.households_covered) == (D(300), 300, 300)


def test_a_negative_weight_refuses_the_whole_batch(world, waste):
    with pytest.raises(WasteRejected) as refused:
        record(world.people.handler,
               Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="300", point="P001", row=2),
               Reading(day=DAY, stage="收集", waste_class="厨余垃圾", weight="-5", point="P001", row=3))
    assert refused.value.errors == [(3, "weight", "重量不能为负数")]
    assert WasteRecord.objects.count() == 0
    assert DailyTotal.objects.count() == 0


def test_bad_fields_are_each_named(world, waste):
    with pytest.raises(WasteRejected) as refused:
        record(world.people.handler,
               Reading(day="2026-13-01", stage="烧掉", waste_class="湿垃圾", subclass="纸类", weight="1", unit="lb",
                       point="NOPE", row=7),
               Reading(day=DAY, stage="运输", waste_class="其他垃圾", weight="1", community="330199001001", row=8))
    assert {(row, name) for row, name, _message in refused.value.errors} == {
        (7, "day"), (7, "stage"), (7, "subclass"), (7, "unit"), (7, "point"), (8, "facility"), (8, "vehicle")}


def test_a_future_day_is_refused(world, waste):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    with pytest.raises(WasteRejected) as refused:
        record(world.people.handler, Reading(day=tomorrow, stage="收集", waste_class="其他垃圾", weight="1",
                                             point="P001"))
    assert refused.value.errors == [(None, "day", "日期不能晚于今天")]


def test_a_retried_reading_is_never_counted_twice(world, waste):
    reading = Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="2.5", unit="t", point="P001",
                      key="scale-7:000123")
    first = record(world.people.handler, reading, source="scale")
    again = record(world.people.handler, reading, reading, source="scale")
    assert (len(first.created), first.duplicates) == (1, 0)
    assert (len(again.created), again.duplicates) == (0, 1)
    assert WasteRecord.objects.get().weight_kg == D(2500)
    assert DailyTotal.objects.get().weight_kg == D(2500)


def test_the_same_key_with_another_weight_is_refused(world, waste):
    record(world.people.handler, Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="2", point="P001",
                                         key="k1"))
    with pytest.raises(WasteRejected) as refused:
        record(world.people.handler,
               Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="3", point="P001", key="k1"),
               Reading(day=DAY, stage="收集", waste_class="厨余垃圾", weight="3", point="P001", key="k2"))
    assert [name for _row, name, _message in refused.value.errors] == ["key"]
    assert WasteRecord.objects.count() == 1


def test_a_supervisor_enters_only_his_communitys_points_and_no_trips(world, waste):
    record(waste.guide, Reading(day=DAY, stage="投放", waste_class="其他垃圾", weight="20", point="P001"))
    with pytest.raises(WasteRejected):
        record(waste.guide, Reading(day=DAY, stage="投放", waste_class="其他垃圾", weight="20", point="P101"))
    with pytest.raises(WasteRejected):
        record(waste.guide, Reading(day=DAY, stage="运输", waste_class="其他垃圾", weight="20", point="P001",
                                    vehicle="浙A12345", facility="T01"))
    with pytest.raises(WasteRejected):
        record(world.people.leader, Reading(day=DAY, stage="投放", waste_class="其他垃圾", weight="1", point="P001"))
    assert WasteRecord.objects.count() == 1


def test_collected_not_delivered_beyond_the_tolerance_is_flagged(world, waste):
    by = world.people.handler
    record(by,
           Reading(day=DAY, stage="收集", waste_class="其他垃圾", weight="1000", point="P001"),
           Reading(day=DAY, stage="运输", waste_class="其他垃圾", weight="900", point="P001", vehicle="浙A1",
                   facility="T01"),
           Reading(day=DAY, stage="处理", waste_class="其他垃圾", weight="895", community="330199001001",
                   facility="F02"),
           Reading(day=DAY, stage="收集", waste_class="厨余垃圾", weight="400", point="P001"),
           Reading(day=DAY, stage="运输", waste_class="厨余垃圾", weight="390", point="P001", vehicle="浙A2",
                   facility="F01"))
    found = stage_mismatches(paths_q=Q(), start=date(2026, 11, 1),
                             end=date(2026, 12, 1), tolerance_percent=D(5))
    assert [(m.waste_class, m.upstream_stage, m.upstream, m.downstream) for m in found] == [
        ("residual", "collection", D(1000), D(900)),  # 10 % short
        ("kitchen", "transport", D(390), D(0)),       # delivered, never treated
    ]


def _sheet(header, *rows) -> io.BytesIO:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_a_sheet_is_read_by_its_headers_in_any_order(world, waste):
    sheet = _sheet(["其他垃圾", "日期", "纸类", "投放点编号", "环节", "厨余垃圾", "单位", "磅单号"],
                   [1.2, DAY, None, "P001", "收集", 0.4, "t", "B0001"],
                   [None, DAY, 0.05, "P002", "收集", None, "t", "B0002"])
    readings = readings_from_xlsx(sheet)
    result = record(world.people.handler, *readings, source="import")
    assert sorted((r.point.code, r.waste_class, r.subclass, r.weight_kg) for r in result.created) == [
        ("P001", "kitchen", "", D(400)), ("P001", "residual", "", D(1200)),
        ("P002", "recyclable", "paper", D(50))]
    # The same sheet again: every reading is a retry by its 磅单号 and column.
    sheet.seek(0)
    again = record(world.people.handler, *readings_from_xlsx(sheet), source="import")
    assert (len(again.created), again.duplicates) == (0, 3)


def test_a_sheet_with_one_bad_row_writes_nothing_and_names_the_row(world, waste):
    sheet = _sheet(["日期", "投放点编号", "环节", "可回收物", "其他垃圾"],
                   [DAY, "P001", "收集", 10, 20],
                   [DAY, "P001", "收集", -3, 20],
                   [DAY, "P404", "收集", 1, None])
    with pytest.raises(WasteRejected) as refused:
        record(world.people.handler, *readings_from_xlsx(sheet), source="import")
    assert sorted((row, name) for row, name, _message in refused.value.errors) == [(3, "weight"), (4, "point")]
    assert WasteRecord.objects.count() == 0


def test_a_sheet_without_the_needed_columns_or_not_a_workbook_is_refused(world, waste):
    with pytest.raises(WasteRejected) as refused:
        readings_from_xlsx(_sheet(["日期", "投放点编号"], [DAY, "P001"]))
    assert [name for _row, name, _message in refused.value.errors] == ["环节", "file"]
    with pytest.raises(WasteRejected):
        readings_from_xlsx(io.BytesIO(b"not a workbook"))
