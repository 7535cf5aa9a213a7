"""A checklist version as the `.xlsx` sheet offices already pass around, and back.

The shape: columns 序号 / 项目 / 内容 / 分值 / 评分标准; one row per section (序号 一、二… or 1、2…,
with its 分值) and the rows of its items below it (序号 1.1 or (1), or 1、2 under 一、二). Optional
columns, read by their header in any order: 计分方式 (扣分/加分/否决), 每处扣分, 封顶, 否决范围
(本项/本部分/总分), 否决情形, 抽查方法, 抽查数量, 抽查单位, 须拍照, 须定位, 须记数量, 问题分类代码.
A row 合计 (checked against the sections) and a row 加分上限 may follow the sections. Rows above
the header (a title) are ignored, blank rows are skipped.

Where an item's scoring cells are blank (a plain five-column sheet), its 评分标准 is read for the
common phrasings (`rules_text.py`) and the import names those items so the editor checks them.

Decisions on awkward input, each refused with the row (and the cell) and nothing written:
- merged cells: a merge in the 项目 column (down over the rows of a section, or across into 内容)
  is read as that 项目 on every row it covers, the way offices merge a section's name; any other
  merge (分值 merged over items, say) is refused with its range, since a number read into several
  rows, or into one only, would both be guesses;
- "5分" is 5; "五分", "约5" and a date in a number column are refused;
- a formula: its cached value is read (nothing is ever calculated); a formula saved without one
  (written by a program, never opened in Excel) is refused;
- an `.xls`, a CSV or anything else that is not an `.xlsx`; more than MAX_BYTES, MAX_UNPACKED_BYTES
  once unpacked, or MAX_ROWS filled rows.

The sheet's words (headers, 扣分/本项/是) are the office's, in Chinese, whatever the page language.
"""

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.cases.errors import InvalidInput
from jiedao.catalogue.models import CatalogueItem
from jiedao.reports.cells import text_from_cell
from jiedao.reports.xlsx import Column, table_to_xlsx
from jiedao.territory.services import ImportRejected, RowError

from .models import ChecklistItem, ChecklistVersion, ScoringMethod, VetoScope
from .rules_text import Interpretation, Sampling, sampling_interpret, standard_interpret
from .selectors import categories_by_code
from .services import ItemDraft, SectionDraft, _require_draft, _require_editor, drafts_problems, version_fill

# Bounds on what one upload may cost: a checklist of a few hundred rows is a few dozen kilobytes.
MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 12 * 1024 * 1024  # a zip bomb is refused before openpyxl unpacks it
MAX_ROWS = 600
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 12
LARGEST_SCORE = Decimal("99999.99")  # the model's 7 digits, 2 after the point

# key → the headers that name it (the first is the one the export writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号",),
    "name": ("项目", "检查项目", "考评项目", "考核项目"),
    "content": ("内容", "检查内容", "考评内容", "考核内容"),
    "max_score": ("分值", "标准分", "分数", "满分"),
    "standard": ("评分标准", "扣分标准", "考评标准", "评分办法"),
    "method": ("计分方式",),
    "per_occurrence": ("每处扣分", "每处扣（加）分", "每处加分", "每处分值"),
    "cap": ("封顶", "封顶分", "扣分上限"),
    "veto_scope": ("否决范围",),
    "veto_condition": ("否决情形",),
    "sampling_rule": ("抽查方法",),
    "sample_size": ("抽查数量",),
    "sample_unit": ("抽查单位",),
    "needs_photo": ("须拍照",),
    "needs_location": ("须定位",),
    "needs_count": ("须记数量",),
    "category": ("问题分类代码", "问题分类"),
}
REQUIRED = ("number", "name", "max_score")
SCORING_KEYS = ("method", "per_occurrence", "cap", "veto_scope")
TEXT_LIMITS = {"number": 12, "name": 120, "veto_condition": 200, "sampling_rule": 200, "sample_unit": 12}

METHOD_WORDS = {ScoringMethod.DEDUCT: "扣分", ScoringMethod.ADD: "加分", ScoringMethod.VETO: "否决"}
METHODS_READ = {**{word: method for method, word in METHOD_WORDS.items()}, "一票否决": ScoringMethod.VETO,
                **{method.value: method.value for method in ScoringMethod}}
SCOPE_WORDS = {VetoScope.ITEM: "本项", VetoScope.SECTION: "本部分", VetoScope.TOTAL: "总分"}
SCOPES_READ = {**{word: scope for scope, word in SCOPE_WORDS.items()}, "本项得零分": VetoScope.ITEM,
               "本部分得零分": VetoScope.SECTION, "总分为零": VetoScope.TOTAL, "无": "",
               **{scope.value: scope.value for scope in VetoScope if scope.value}}
YES, NO = "是", "否"
BOOLEANS_READ = {"是": True, "√": True, "✓": True, "✔": True, "y": True, "yes": True, "true": True, "1": True,
                 "否": False, "×": False, "✗": False, "n": False, "no": False, "false": False, "0": False}
BLANKS = {"", "—", "–", "/", "－", "无"}
TOTAL_WORDS = {"合计", "总计", "总分", "合计分值"}
SUBTOTAL_WORDS = {"小计"}
BONUS_CAP_WORDS = {"加分上限", "加分封顶"}

# 序号 levels, from the top: 一、  (一)  1、  then the item forms 1.1  (1)  ①
_LEVELS = [
    re.compile(r"[一二三四五六七八九十]+[、.．]?"),
    re.compile(r"[（(][一二三四五六七八九十]+[)）][、.．]?"),
    re.compile(r"\d+[、.．]?"),
]
_ITEM_LEVEL = len(_LEVELS)
_NUMBER_TEXT = re.compile(r"[+-]?\d+(?:\.\d+)?")


@dataclass
class Interpreted:
    """An item whose mechanics were read from the words of its 评分标准."""
    row: int
    label: str
    phrases: list[str]
    summary: str


@dataclass
class SheetRead:
    sections: list[SectionDraft]
    bonus_cap: Decimal | None = None
    interpreted: list[Interpreted] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


# ---------------------------------------------------------------- reading cells

def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(value) -> str | None:
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", "", _normalised(value))
    bare = re.sub(r"[(（][^)）]*[)）]$", "", text)  # 分值（分）
    for key, names in COLUMNS.items():
        if text in names or bare in names:
            return key
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date | time):
        return str(value)
    return text_from_cell(str(value).strip())


class _Row:
    """One sheet row: its number and its cells by key, with the errors found reading them."""

    def __init__(self, number: int, cells: dict[str, object], headers: dict[str, str], errors: list[RowError]):
        self.number, self.cells, self.headers, self.errors = number, cells, headers, errors
        # Cells already refused (a formula saved without its value, a refused merge): not again as blank.
        self.unreadable: set[str] = set()

    def error(self, key: str | None, message) -> None:
        self.errors.append(RowError(self.number, self.headers.get(key, "") if key else "", str(message)))

    def text(self, key: str) -> str:
        text = _text(self.cells.get(key))
        limit = TEXT_LIMITS.get(key)
        if limit and len(text) > limit:
            self.error(key, _("“%(column)s”最多 %(limit)d 个字，现有 %(length)d 个字")
                       % {"column": self.headers.get(key, key), "limit": limit, "length": len(text)})
            return text[:limit]
        return text

    def is_blank(self, key: str) -> bool:
        if key in self.unreadable:
            return False
        value = self.cells.get(key)
        return value is None or (isinstance(value, str) and _normalised(value) in BLANKS)

    def number_value(self, key: str, *, integer: bool = False) -> Decimal | None:
        """A number the office typed: 5, 0.5, "5", "5分", "５ 分"; None when blank."""
        value = self.cells.get(key)
        column = self.headers.get(key, key)
        if self.is_blank(key) or key in self.unreadable:
            return None
        if isinstance(value, bool | datetime | date | time):
            self.error(key, _("“%(column)s”应为数字，不能是日期或是/否") % {"column": column})
            return None
        if isinstance(value, int | float):
            text = repr(value) if isinstance(value, float) else str(value)
        else:
            text = re.sub(r"\s+", "", _normalised(str(value)))
            # "5分" in a score column, "5户" in 抽查数量
            text = re.sub(r"[^\d.+-]$", "", text) if key == "sample_size" else text.removesuffix("分")
        if not _NUMBER_TEXT.fullmatch(text):
            self.error(key, _("“%(column)s”应为阿拉伯数字（如 5 或 5分），而不是“%(value)s”")
                       % {"column": column, "value": _text(value)[:20]})
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.error(key, _("“%(column)s”应为数字") % {"column": column})
            return None
        if not number.is_finite():
            self.error(key, _("“%(column)s”应为数字") % {"column": column})
            return None
        if number < 0:
            self.error(key, _("“%(column)s”不能为负数（%(value)s）") % {"column": column, "value": text})
            return None
        if integer and number != number.to_integral_value():
            self.error(key, _("“%(column)s”应为整数") % {"column": column})
            return None
        if number > LARGEST_SCORE:
            self.error(key, _("“%(column)s”数值过大") % {"column": column})
            return None
        if number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01")):
            self.error(key, _("“%(column)s”最多保留两位小数") % {"column": column})
            return None
        return number.quantize(Decimal(1)) if integer else number.quantize(Decimal("0.01"))

    def choice(self, key: str, words: dict, default):
        if self.is_blank(key) or key in self.unreadable:
            return default
        text = re.sub(r"\s+", "", _normalised(_text(self.cells.get(key)))).lower()
        if text in words:
            return words[text]
        allowed = "、".join(word for word in words if not word.isascii())
        self.error(key, _("“%(column)s”只能填写：%(allowed)s") % {"column": self.headers.get(key, key), "allowed": allowed})
        return default

    def boolean(self, key: str) -> bool:
        return self.choice(key, BOOLEANS_READ, True)


# ---------------------------------------------------------------- opening the file

def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(member.file_size for member in archive.infolist())


def _open(data: bytes):
    """The first sheet, its formulas and their cached values; or the reason it cannot be read."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(None, "", _("文件太大（上限 %(mb)d MB）") % {"mb": MAX_BYTES // (1024 * 1024)})])
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRejected([RowError(None, "", _("这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入"))])
    not_xlsx = ImportRejected([RowError(None, "", _("文件不是有效的 .xlsx 工作簿"))])
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx
    try:
        unpacked = _unpacked_size(data)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_xlsx from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRejected([RowError(None, "", _("文件解压后太大（上限 %(mb)d MB）")
                                       % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})])
    try:
        formulas = load_workbook(io.BytesIO(data), data_only=False)
        values = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise not_xlsx from error
    return formulas.worksheets[0], values.worksheets[0]


def _filled_rows(sheet) -> list[int]:
    """The rows that hold a value. A formatted but empty cell far below (Excel writes those) makes
    `max_row` a million; walking only the stored cells keeps the work to what the file holds."""
    return sorted({row for (row, _column), cell in sheet._cells.items() if cell.value not in (None, "")})


def _find_header(sheet, rows: list[int]) -> tuple[int, dict[str, int]] | None:
    for row in rows[:HEADER_SEARCH_ROWS]:
        columns: dict[str, int] = {}
        for column in range(1, min(sheet.max_column, MAX_COLUMNS) + 1):
            key = _header_key(sheet.cell(row=row, column=column).value)
            if key and key not in columns:
                columns[key] = column
        if all(key in columns for key in REQUIRED):
            return row, columns
    return None


def _merged(sheet, header_row: int, columns: dict[str, int], headers: dict[str, str],
            errors: list[RowError], refused: set[tuple[int, str]]) -> dict[int, object]:
    """Rows whose 项目 comes from a merge above them (row → value); every other merge is refused,
    and the cells it hides are put in `refused` so they are not reported again as blank."""
    from openpyxl.utils import get_column_letter

    by_column = {column: key for key, column in columns.items()}
    readable_columns = {columns["name"], columns.get("content")}
    names: dict[int, object] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.max_row < header_row:
            continue  # a title above the header
        spanned = range(merged.min_col, merged.max_col + 1)
        if not any(column in by_column for column in spanned):
            continue  # outside the columns we read
        if not (merged.min_row > header_row and merged.min_col == columns["name"]
                and all(column in readable_columns for column in spanned)):
            key = by_column.get(merged.min_col)
            errors.append(RowError(max(merged.min_row, header_row),
                                   headers[key] if key else get_column_letter(merged.min_col),
                                   _("单元格 %(range)s 是合并单元格：只有“项目”列可以合并，请取消合并并在每行分别填写")
                                   % {"range": merged.coord}))
            refused.update((row, by_column[column]) for row in range(merged.min_row, merged.max_row + 1)
                           for column in spanned if column in by_column)
            continue
        value = sheet.cell(row=merged.min_row, column=merged.min_col).value
        for row in range(merged.min_row + 1, merged.max_row + 1):
            names[row] = value
    return names


def _rows(data: bytes) -> tuple[list[_Row], list[RowError]]:
    from openpyxl.utils import get_column_letter

    sheet, cached = _open(data)
    filled = _filled_rows(sheet)
    if not filled:
        raise ImportRejected([RowError(None, "", _("表格是空的"))])
    found = _find_header(sheet, filled)
    if found is None:
        raise ImportRejected([RowError(None, "", _("没有找到表头：前 %(rows)d 行中须有“序号”“项目”“分值”三列")
                                       % {"rows": HEADER_SEARCH_ROWS})])
    header_row, columns = found
    body_rows = [row for row in filled if row > header_row]
    if len(body_rows) > MAX_ROWS:
        raise ImportRejected([RowError(None, "", _("表格超过 %(max)d 行，请分成几份细则") % {"max": MAX_ROWS})])
    headers = {key: _text(sheet.cell(row=header_row, column=column).value) for key, column in columns.items()}
    errors: list[RowError] = []
    refused: set[tuple[int, str]] = set()
    merged_names = _merged(sheet, header_row, columns, headers, errors, refused)
    rows = []
    for number in sorted(set(body_rows) | set(merged_names)):
        row = _Row(number, {}, headers, errors)
        for key, column in columns.items():
            cell = sheet.cell(row=number, column=column)
            value = cell.value
            if cell.data_type == "f":
                # Never calculated here: the value Excel saved with the formula, or a refusal.
                value = cached.cell(row=number, column=column).value
                if value is None:
                    row.unreadable.add(key)
                    row.error(key, _("单元格 %(cell)s 是公式，文件中没有它的计算结果：请在 Excel 中打开并保存后再导入，"
                                     "或直接填写数值") % {"cell": f"{get_column_letter(column)}{number}"})
            row.cells[key] = value
            if (number, key) in refused:
                row.unreadable.add(key)
        if number in merged_names and row.cells.get("name") in (None, ""):
            row.cells["name"] = merged_names[number]
        if all(row.is_blank(key) for key in columns):
            continue
        rows.append(row)
    return rows, errors


# ---------------------------------------------------------------- rows into sections and items

def _level(number: str) -> int | None:
    if not number:
        return None
    text = _normalised(number)
    for level, pattern in enumerate(_LEVELS):
        if pattern.fullmatch(text):
            return level
    return _ITEM_LEVEL


def _category(row: _Row, categories: dict[str, CatalogueItem]) -> CatalogueItem | None:
    text = _normalised(row.text("category"))
    if not text or text in BLANKS:
        return None
    code = text.split()[0]
    category = categories.get(code)
    if category is None:
        row.error("category", _("问题分类代码 %(code)s 不在问题分类目录中") % {"code": code[:20]})
    return category


def _interpretation_summary(reading: Interpretation | None, sampling: Sampling | None) -> str:
    parts = []
    if reading is not None:
        if reading.method == ScoringMethod.ADD:
            parts.append(_("加分，每处 %(per)s 分，最多 %(cap)s 分") % {"per": reading.per_occurrence,
                                                                "cap": reading.cap if reading.cap is not None else "—"})
        elif reading.method == ScoringMethod.DEDUCT:
            cap = (_("扣完为止") if reading.cap is None else _("最多扣 %(cap)s 分") % {"cap": reading.cap})
            parts.append(_("扣分，每处 %(per)s 分，%(cap)s") % {"per": reading.per_occurrence, "cap": cap})
            if reading.other_amounts:
                parts.append(_("评分标准中另有扣 %(others)s 分的情形，已按每处 %(per)s 分理解")
                             % {"others": "、".join(str(amount) for amount in reading.other_amounts),
                                "per": reading.per_occurrence})
        if reading.veto_scope:
            parts.append(_("否决：%(scope)s%(condition)s") % {
                "scope": VetoScope(reading.veto_scope).label,
                "condition": f"（{reading.veto_condition}）" if reading.veto_condition else ""})
    if sampling is not None:
        parts.append(_("抽查：%(rule)s") % {"rule": sampling.rule})
    return "；".join(str(part) for part in parts)


def _item(row: _Row, categories: dict[str, CatalogueItem], interpreted: list[Interpreted]) -> ItemDraft:
    name = row.text("name")
    content = row.text("content")
    if not name and content:
        # Offices often leave 项目 to the section and describe the item in 内容.
        name = re.split(r"[，,。；;：:\n]", content, maxsplit=1)[0][:40]
    if not name:
        row.error("name", _("条目缺少“项目”或“内容”"))
    item = ItemDraft(name=name, number=row.text("number"), content=content, standard=row.text("standard"))
    item.max_score = row.number_value("max_score") or Decimal(0)
    reading = sampling = None
    if all(row.is_blank(key) for key in SCORING_KEYS):
        reading = standard_interpret(item.standard)
        if reading is None:
            row.error("standard", _("没有计分方式，评分标准中也没有可识别的规则（如“每处扣1分”“扣完为止”“该项不得分”）："
                                    "请填写“计分方式”“每处扣分”等列，或写明评分标准"))
        else:
            item.method, item.per_occurrence, item.cap = reading.method, reading.per_occurrence, reading.cap
            item.veto_scope = reading.veto_scope
            # "实行一票否决" says no more: what is vetoed is then the item's 内容.
            item.veto_condition = reading.veto_condition or (content[:200] if reading.veto_scope else "")
    else:
        item.method = row.choice("method", METHODS_READ, ScoringMethod.DEDUCT)
        item.per_occurrence = row.number_value("per_occurrence") or Decimal(0)
        item.cap = row.number_value("cap")
        item.veto_scope = row.choice("veto_scope", SCOPES_READ, "")
        item.veto_condition = row.text("veto_condition")
    if item.method == ScoringMethod.DEDUCT and row.is_blank("max_score"):
        row.error("max_score", _("扣分项须填写分值"))
    if row.is_blank("sampling_rule") and row.is_blank("sample_size"):
        sampling = sampling_interpret(item.content, item.standard)
        if sampling is not None:
            item.sampling_rule, item.sample_size, item.sample_unit = sampling.rule, sampling.size, sampling.unit
    else:
        item.sampling_rule = row.text("sampling_rule")
        size = row.number_value("sample_size", integer=True)
        item.sample_size = int(size) if size is not None else None
        item.sample_unit = row.text("sample_unit")
    item.needs_photo, item.needs_location = row.boolean("needs_photo"), row.boolean("needs_location")
    item.needs_count = row.boolean("needs_count")
    item.category = _category(row, categories)
    if reading is not None or sampling is not None:
        interpreted.append(Interpreted(row=row.number, label=f"{item.number} {item.name}".strip(),
                                       phrases=(reading.phrases if reading else []) + ([sampling.rule] if sampling else []),
                                       summary=_interpretation_summary(reading, sampling)))
    return item


def _core_problems(placed: list[tuple[_Row, SectionDraft, list[tuple[_Row, ItemDraft]]]],
                   errors: list[RowError]) -> None:
    """The checks the core makes at filling and publishing (`drafts_problems`), each put on its row:
    an item's own on the item's row, a section's (its items exceed its 分值) on the section's row."""
    errored = {error.row for error in errors}
    for section_row, section, items in placed:
        if section_row.number in errored or any(row.number in errored for row, _item in items):
            continue  # its numbers are not all read; the sum would mislead
        own: set[str] = set()
        for row, item in items:
            alone = SectionDraft(name=section.name, max_score=item.max_score, number=section.number, items=[item])
            for problem in drafts_problems([alone]):
                own.add(str(problem))
                errors.append(RowError(row.number, "", str(problem)))
        for problem in drafts_problems([section]):
            if str(problem) not in own:
                errors.append(RowError(section_row.number, section_row.headers["max_score"], str(problem)))


def sheet_read(data: bytes) -> SheetRead:
    """The sections and items of an office's `.xlsx`, or `ImportRejected` with every problem by row."""
    rows, errors = _rows(data)
    levels = [level for row in rows if (level := _level(row.text("number"))) is not None and level < _ITEM_LEVEL]
    section_level = min(levels) if levels else None
    categories = categories_by_code()
    placed: list[tuple[_Row, SectionDraft, list[tuple[_Row, ItemDraft]]]] = []
    interpreted: list[Interpreted] = []
    bonus_cap: Decimal | None = None
    total_row: tuple[_Row, Decimal | None] | None = None
    for row in rows:
        number, name = row.text("number"), _normalised(row.text("name"))
        if not number and name in TOTAL_WORDS | SUBTOTAL_WORDS | BONUS_CAP_WORDS:
            if name in TOTAL_WORDS:
                total_row = (row, row.number_value("max_score"))
            elif name in BONUS_CAP_WORDS:
                bonus_cap = row.number_value("max_score")
            continue
        if section_level is not None and _level(number) == section_level:
            if not name:
                row.error("name", _("部分缺少“项目”名称"))
            if row.is_blank("max_score"):
                row.error("max_score", _("部分须填写分值"))
            section = SectionDraft(name=row.text("name"), number=number,
                                   max_score=row.number_value("max_score") or Decimal(0))
            placed.append((row, section, []))
            continue
        if not placed:
            row.error("number", _("这一行之前没有所属部分：部分行的序号写作 一、二（或 1、2），条目写作 1.1 或 (1)"))
            _item(row, categories, interpreted)
            continue
        item = _item(row, categories, interpreted)
        placed[-1][1].items.append(item)
        placed[-1][2].append((row, item))
    if not placed and not errors:
        errors.append(RowError(None, "", _("没有找到任何部分和条目")))
    _core_problems(placed, errors)
    sections = [section for _row, section, _items in placed]
    if total_row is not None and total_row[1] is not None and not errors:
        listed = sum((section.max_score for section in sections), Decimal(0))
        if total_row[1] != listed:
            total_row[0].error("max_score", _("合计 %(total)s 与各部分分值之和 %(sum)s 不一致")
                               % {"total": total_row[1], "sum": listed})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: (error.row or 0)))
    return SheetRead(sections=sections, bonus_cap=bonus_cap, interpreted=interpreted)


@transaction.atomic
def version_import_xlsx(*, version: ChecklistVersion, data: bytes, by) -> SheetRead:
    """Fill a draft from an `.xlsx`: the whole sheet or nothing. Who may, and whether the version
    is still a draft, are checked before the file is read."""
    _require_editor(by)
    _require_draft(version)
    read = sheet_read(data)
    try:
        version_fill(version=version, sections=read.sections, bonus_cap=read.bonus_cap, by=by)
    except InvalidInput as error:  # the core's own checks, should one have been missed above
        raise ImportRejected([RowError(None, "", str(error.message))]) from error
    return read


# ---------------------------------------------------------------- writing a version

EXPORT_COLUMNS = [
    Column("序号", width=7), Column("项目", width=18), Column("内容", width=34), Column("分值", "decimal", 8),
    Column("评分标准", width=40), Column("计分方式", width=9), Column("每处扣分", "decimal", 9),
    Column("封顶", "decimal", 8), Column("否决范围", width=9), Column("否决情形", width=22),
    Column("抽查方法", width=22), Column("抽查数量", "integer", 9), Column("抽查单位", width=9),
    Column("须拍照", width=7), Column("须定位", width=7), Column("须记数量", width=8), Column("问题分类代码", width=18),
]


def _score(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _export_rows(version: ChecklistVersion) -> Iterable[list]:
    blank = [None] * (len(EXPORT_COLUMNS) - 5)
    items = ChecklistItem.objects.filter(section__version=version).select_related("category").order_by("position")
    by_section: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
    total = Decimal(0)
    for section in version.sections.order_by("position"):
        total += section.max_score
        yield [section.number, section.name, "", _score(section.max_score), "", *blank]
        for item in by_section.get(section.pk, []):
            yield [item.number, item.name, item.content, _score(item.max_score), item.standard,
                   METHOD_WORDS[item.method], _score(item.per_occurrence), _score(item.cap),
                   SCOPE_WORDS.get(item.veto_scope, ""), item.veto_condition, item.sampling_rule, item.sample_size,
                   item.sample_unit, YES if item.needs_photo else NO, YES if item.needs_location else NO,
                   YES if item.needs_count else NO,
                   f"{item.category.code} {item.category.name}" if item.category else ""]
    yield ["", "合计", "", _score(total), "", *blank]
    if version.bonus_cap is not None:
        yield ["", "加分上限", "", _score(version.bonus_cap), "", *blank]


def version_xlsx(version: ChecklistVersion) -> tuple[bytes, int]:
    """The version as the office's sheet (re-importing it gives the same sheet), and its item count."""
    checklist = version.checklist
    now = timezone.localtime(clock.now())
    subtitle = _("第 %(number)d 版（%(status)s）· 满分 %(max)s · 导出时间 %(now)s") % {
        "number": version.number, "status": version.get_status_display(), "max": _score(version.max_score),
        "now": f"{now:%Y-%m-%d %H:%M}"}
    rows = list(_export_rows(version))
    data = table_to_xlsx(title=checklist.name, subtitle=subtitle, columns=EXPORT_COLUMNS, rows=rows,
                         sheet_name=checklist.code)
    return data, sum(1 for row in rows if row[5])
