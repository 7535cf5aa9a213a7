import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from jiedao.reports.xlsx import Column, table_to_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_a_table_becomes_a_formatted_sheet_with_chinese_headers(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    columns = [Column("单位"), Column("案件数", "integer"), Column("按期结案率", "rate"),
               Column("最后上报", "datetime", 18)]
    rows = [("桃源社区", 12, 0.75, datetime(2026, 11, 17, 1, 30, tzinfo=ZoneInfo("UTC"))),
            ("柳岸社区", 0, None, None)]

    sheet = _sheet(table_to_xlsx(title="十一月考核", subtitle="2026-11-01 至 2026-11-30", columns=columns, rows=rows))

    assert sheet["A1"].value == "十一月考核"
    assert [cell.value for cell in sheet[4]] == ["单位", "案件数", "按期结案率", "最后上报"]
    assert sheet["A4"].font.bold
    assert [cell.value for cell in sheet[5]][:3] == ["桃源社区", 12, 0.75]
    assert sheet["C5"].number_format == "0.0%"
    # stored as Shanghai wall time: 01:30 UTC is 09:30 in Shanghai
    assert sheet["D5"].value == datetime(2026, 11, 17, 9, 30, tzinfo=SHANGHAI).replace(tzinfo=None)
    # a rate with no denominator is a dash, not 0 %
    assert sheet["C6"].value == "—"
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:D6"


def test_an_empty_table_still_has_its_headers():
    sheet = _sheet(table_to_xlsx(title="空表", columns=[Column("单位")], rows=[]))

    assert sheet["A3"].value == "单位"
    assert sheet.max_row == 3


def test_a_row_of_the_wrong_length_is_refused():
    import pytest

    with pytest.raises(ValueError):
        table_to_xlsx(title="x", columns=[Column("a"), Column("b")], rows=[("only one",)])
