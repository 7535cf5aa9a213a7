"""Any table as a formatted Excel workbook that people pass around: a title row, Chinese headers,
frozen header, filters, widths, number formats for rates and times, printable on A4 landscape."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .cells import cell_text

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
EMPTY = "—"  # a rate with nothing to divide by is shown as a dash, never 0 %


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | integer | decimal | rate (a share 0–1) | datetime | date
    width: int = 14


FORMATS = {"integer": "#,##0", "decimal": "#,##0.00", "rate": "0.0%", "datetime": "yyyy-mm-dd hh:mm",
           "date": "yyyy-mm-dd"}


def _cell_value(value, kind: str):
    if value is None:
        return EMPTY if kind in {"rate", "decimal", "integer"} else ""
    if kind == "datetime" and isinstance(value, datetime):
        # Excel has no time zones: write the local (Asia/Shanghai) wall time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if kind == "date" and isinstance(value, datetime):
        return timezone.localtime(value).date()
    if isinstance(value, date | int | float | Decimal):  # numbers the code computed
        return value
    return cell_text(value)


@dataclass(frozen=True)
class Sheet:
    """One table on its own sheet of a workbook."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    subtitle: str = ""
    name: str = ""


def table_to_xlsx(*, title: str, columns: Sequence[Column], rows: Iterable[Sequence], subtitle: str = "",
                  sheet_name: str = "") -> bytes:
    """The workbook as bytes. `rows` may be a generator: the sheet is written row by row."""
    return sheets_to_xlsx([Sheet(title=title, columns=columns, rows=rows, subtitle=subtitle, name=sheet_name)])


def sheets_to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Several tables, one a sheet, in the same layout as `table_to_xlsx`."""
    workbook = Workbook()
    for index, table in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        _table_write(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_write(sheet, table: Sheet) -> None:
    title, subtitle, columns = table.title, table.subtitle, table.columns
    # Sheet names may not hold []:*?/\ and are at most 31 characters.
    sheet.title = "".join(" " if char in "[]:*?/\\" else char for char in (table.name or title))[:31]
    sheet.cell(row=1, column=1, value=cell_text(title)).font = TITLE_FONT
    if subtitle:
        sheet.cell(row=2, column=1, value=cell_text(subtitle)).font = Font(italic=True, color="595959")
    header_row = 4 if subtitle else 3
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=cell_text(column.header))
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last_row = header_row
    for last_row, values in enumerate(table.rows, start=header_row + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            # Text from outside (a name, an address, a browser string) never becomes a formula: cells.py.
            cell = sheet.cell(row=last_row, column=index, value=_cell_value(value, column.kind))
            cell.border = BORDER
            if column.kind in FORMATS and value is not None:
                cell.number_format = FORMATS[column.kind]
            if column.kind in {"rate", "integer", "decimal"}:
                cell.alignment = Alignment(horizontal="right")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{header_row}:{header_row}"
