"""`.xlsx` import and export of checklists: a plain office sheet read from its words, every kind of
bad input refused with its row and nothing written, and a round trip that gives the same sheet."""

import io
import re
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from jiedao.checklists import workbook
from jiedao.checklists.models import ChecklistItem, ChecklistVersion, VersionStatus
from jiedao.checklists.scoring import ItemResult, sheet_problems, sheet_score
from jiedao.checklists.selectors import sheet_of
from jiedao.checklists.services import (
    ItemDraft,
    SectionDraft,
    checklist_create,
    checklist_revise,
    version_drafts,
    version_fill,
    version_publish,
)
from jiedao.checklists.workbook import sheet_read, version_import_xlsx, version_xlsx
from jiedao.territory.services import ImportRejected

FIVE = ["序号", "项目", "内容", "分值", "评分标准"]


def xlsx(rows, *, header=FIVE, title="农村人居环境整治工作评分细则", merges=()) -> bytes:
    """A sheet as offices make them: a merged title, a blank line, the header, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The header is row 3, so the first body row is row 4.
OFFICE_SHEET = [
    ("一", "厕所革命", "", 10, ""),                                                                  # 4
    ("1", "卫生厕所", "每个自然村随机走访5户，查看卫生厕所能否正常使用", 10,
     "每户卫生厕所不能正常使用扣2分，扣完为止"),                                                       # 5
    ("二、", "村庄清洁", None, "15分", None),                                                         # 6
    ("1", "村内垃圾", "村内无暴露垃圾、病死畜禽", 5,
     "每发现一处扣1分，扣完为止；发现露天焚烧垃圾、秸秆、树叶的，该项不得分"),                            # 7
    (None, None, None, None, None),                                                                # 8 blank
    ("2", "五堆", "院外无柴堆、粪堆", "10 分", "每处扣0.5分，最多扣6分"),                               # 9
    ("三", "否决事项", "", 0, ""),                                                                   # 10
    ("1", "重大事故", "发生重大环境污染事件", None, "实行一票否决"),                                      # 11
    ("四", "加分项目", "", 0, ""),                                                                   # 12
    ("1", "表彰", "获上级表彰", None, "每次加1分，最多加2分"),                                          # 13
    (None, "合计", None, 25, None),                                                                 # 14
]


def by_name(read):
    return {item.name: item for section in read.sections for item in section.items}


def test_a_plain_office_sheet_is_read_from_its_words(db):
    read = sheet_read(xlsx(OFFICE_SHEET))

    assert [(s.number, s.name, s.max_score, len(s.items)) for s in read.sections] == [
        ("一", "厕所革命", D(10), 1), ("二、", "村庄清洁", D(15), 2), ("三", "否决事项", D(0), 1),
        ("四", "加分项目", D(0), 1)]
    items = by_name(read)
    toilets = items["卫生厕所"]
    assert (toilets.method, toilets.max_score, toilets.per_occurrence, toilets.cap) == ("deduct", D(10), D(2), None)
    assert (toilets.sampling_rule, toilets.sample_size, toilets.sample_unit) == ("每个自然村随机走访5户", 5, "户")
    litter = items["村内垃圾"]
    assert (litter.method, litter.per_occurrence, litter.cap, litter.veto_scope) == ("deduct", D(1), None, "item")
    assert litter.veto_condition == "发现露天焚烧垃圾、秸秆、树叶"
    heaps = items["五堆"]
    assert (heaps.max_score, heaps.per_occurrence, heaps.cap) == (D(10), D("0.5"), D(6))
    incident = items["重大事故"]
    assert (incident.method, incident.veto_scope, incident.veto_condition) == ("veto", "total", "发生重大环境污染事件")
    praise = items["表彰"]
    assert (praise.method, praise.per_occurrence, praise.cap) == ("add", D(1), D(2))
    # Every item was read from words, and the import says so by row.
    assert [(entry.row, entry.label) for entry in read.interpreted] == [
        (5, "1 卫生厕所"), (7, "1 村内垃圾"), (9, "2 五堆"), (11, "1 重大事故"), (13, "1 表彰")]
    assert read.interpreted[1].phrases == ["每发现一处扣1分", "扣完为止", "该项不得分"]
    assert "否决：本项得零分（发现露天焚烧垃圾、秸秆、树叶）" in read.interpreted[1].summary


def test_the_read_sheet_scores_as_the_words_say(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村", by=leader)
    version_import_xlsx(version=draft, data=xlsx(OFFICE_SHEET), by=leader)
    version = version_publish(version=draft, by=leader)
    sheet = sheet_of(version)
    assert sheet_problems(sheet) == []
    keys = {rule.name: rule.key for rule in sheet.items}

    # 2 broken toilets (−4), 3 litter spots (−3), 20 heaps (−min(10, 6)), praised 3 times (+min(3, 2)).
    score = sheet_score(sheet, {keys["卫生厕所"]: ItemResult(2), keys["村内垃圾"]: ItemResult(3),
                                keys["五堆"]: ItemResult(20), keys["表彰"]: ItemResult(3)})
    assert (score.base, score.bonus, score.total) == (D(6) + D(2) + D(4), D(2), D(14))
    # Open burning zeroes the litter item only; the incident zeroes the whole sheet.
    burning = sheet_score(sheet, {keys["村内垃圾"]: ItemResult(0, vetoed=True)})
    assert burning.total == D(20)
    assert sheet_score(sheet, {keys["重大事故"]: ItemResult(1)}).total == D(0)


def rejected(data) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ImportRejected) as refused:
        sheet_read(data)
    return [(error.row, error.field, error.message) for error in refused.value.errors]


def test_text_in_a_number_column_is_refused_with_its_row_and_column(db):
    rows = [("一", "厕所革命", "", "十分", ""), ("1", "卫生厕所", "", "五分", "每户扣2分"),
            ("2", "户厕档案", "", "5分", "每户扣1分")]

    errors = rejected(xlsx(rows))

    assert errors == [(4, "分值", "“分值”应为阿拉伯数字（如 5 或 5分），而不是“十分”"),
                      (5, "分值", "“分值”应为阿拉伯数字（如 5 或 5分），而不是“五分”")]


def test_a_negative_cap_is_refused_with_its_row(db):
    header = [*FIVE, "计分方式", "每处扣分", "封顶"]
    rows = [("一", "村庄清洁", "", 10, "", None, None, None),
            ("1", "垃圾", "", 5, "", "扣分", 1, -2),
            ("2", "五堆", "", 5, "", "扣分", "-1", None)]

    errors = rejected(xlsx(rows, header=header))

    assert errors == [(5, "封顶", "“封顶”不能为负数（-2）"), (6, "每处扣分", "“每处扣分”不能为负数（-1）")]


def test_items_above_the_section_maximum_are_put_on_the_section_row(db):
    rows = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", 8, "每处扣1分"), ("2", "五堆", "", 5, "每处扣1分"),
            ("二", "厕所", "", 5, ""), ("1", "改厕", "", 5, "每户扣2分")]

    errors = rejected(xlsx(rows))

    assert errors == [(4, "分值", "“村庄清洁”各条目分值合计 13.00 超过本部分分值 10.00")]


def test_an_item_the_core_refuses_is_put_on_its_own_row(db):
    header = [*FIVE, "计分方式", "每处扣分", "封顶"]
    rows = [("一", "村庄清洁", "", 10, "", None, None, None), ("1", "垃圾", "", 5, "", "扣分", 1, 8),
            ("2", "表彰", "", 0, "", "加分", 1, None)]

    errors = rejected(xlsx(rows, header=header))

    assert errors == [(5, "", "第 1 垃圾 项：封顶扣分 8.00 超过本项分值 5.00"),
                      (6, "", "第 2 表彰 项：加分项须填写每处加分和加分上限")]


def test_a_merged_project_column_is_read_on_every_row_it_covers(db):
    rows = [("一", "村庄清洁", "", 10, ""), ("1", "村内环境", "垃圾", 5, "每处扣1分"), ("2", None, "五堆", 5, "每处扣1分")]

    read = sheet_read(xlsx(rows, merges=["B5:B6"]))

    assert [item.name for item in read.sections[0].items] == ["村内环境", "村内环境"]
    assert [item.content for item in read.sections[0].items] == ["垃圾", "五堆"]


def test_any_other_merge_is_refused_with_its_range(db):
    rows = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", 5, "每处扣1分"), ("2", "五堆", "", None, "每处扣1分")]

    errors = rejected(xlsx(rows, merges=["D5:D6"]))

    # Said once, by its range: the cell the merge hides is not reported again as a blank 分值.
    assert errors == [(5, "分值", "单元格 D5:D6 是合并单元格：只有“项目”列可以合并，请取消合并并在每行分别填写")]


def test_rules_the_words_do_not_state_are_asked_for(db):
    rows = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", 5, "视情况扣分")]

    (row, column, message), = rejected(xlsx(rows))

    assert (row, column) == (5, "评分标准")
    assert "没有计分方式" in message


def test_an_item_before_any_section_and_a_wrong_total_are_refused(db):
    rows = [("1.1", "垃圾", "", 5, "每处扣1分"), ("一", "村庄清洁", "", 10, ""), ("1.2", "五堆", "", 5, "每处扣1分"),
            (None, "合计", None, 100, None)]
    assert [error[:2] for error in rejected(xlsx(rows))] == [(4, "序号")]

    rows = [("一", "村庄清洁", "", 10, ""), ("1.1", "五堆", "", 5, "每处扣1分"), (None, "合计", None, 100, None)]
    assert rejected(xlsx(rows)) == [(6, "分值", "合计 100.00 与各部分分值之和 10.00 不一致")]


def _with_formula(rows, cell: str, formula: str, cached: str | None) -> bytes:
    """openpyxl writes a formula with no cached value (as a program would); `cached` puts in the
    value Excel saves beside it."""
    book = Workbook()
    sheet = book.active
    sheet.append(FIVE)
    for row in rows:
        sheet.append(list(row))
    sheet[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    if cached is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"(<c r=\"" + cell.encode() + rb"\"[^>]*><f>[^<]*</f>)<v>\s*</v>",
                                 rb"\1<v>" + cached.encode() + rb"</v>", content)
            target.writestr(name, content)
    return out.getvalue()


def test_a_formula_is_read_by_its_cached_value_and_never_calculated(db):
    rows = [("一", "村庄清洁", "", None, ""), ("1", "垃圾", "", 4, "每处扣1分"), ("2", "五堆", "", 6, "每处扣1分")]

    read = sheet_read(_with_formula(rows, "D2", "=SUM(D3:D4)", "10"))
    assert read.sections[0].max_score == D(10)

    errors = rejected(_with_formula(rows, "D2", "=SUM(D3:D4)", None))
    assert errors == [(2, "分值", "单元格 D2 是公式，文件中没有它的计算结果：请在 Excel 中打开并保存后再导入，或直接填写数值")]


@pytest.mark.parametrize("data, message", [
    (b"hello, not a workbook", "文件不是有效的 .xlsx 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入"),
    (b"PK\x03\x04broken", "文件不是有效的 .xlsx 工作簿"),
])
def test_a_file_that_is_not_an_xlsx_is_refused(db, data, message):
    assert rejected(data) == [(None, "", message)]


def test_a_zip_that_is_not_a_workbook_is_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    assert rejected(buffer.getvalue()) == [(None, "", "文件不是有效的 .xlsx 工作簿")]


def test_size_and_rows_are_bounded(db, monkeypatch):
    data = xlsx(OFFICE_SHEET)
    monkeypatch.setattr(workbook, "MAX_BYTES", len(data) - 1)
    assert rejected(data) == [(None, "", "文件太大（上限 0 MB）")]
    monkeypatch.setattr(workbook, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    assert rejected(data)[0][2].startswith("文件解压后太大")
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 12 * 1024 * 1024)
    monkeypatch.setattr(workbook, "MAX_ROWS", 9)
    assert rejected(data) == [(None, "", "表格超过 9 行，请分成几份细则")]


def test_a_formatted_empty_cell_far_below_costs_nothing(db):
    book = Workbook()
    sheet = book.active
    sheet.append(FIVE)
    sheet.append(["一", "村庄清洁", "", 5, ""])
    sheet.append(["1", "垃圾", "", 5, "每处扣1分"])
    sheet.cell(row=1_000_000, column=3).number_format = "0.00"  # styled, no value
    buffer = io.BytesIO()
    book.save(buffer)

    read = sheet_read(buffer.getvalue())

    assert read.item_count == 1


def test_a_refused_import_writes_nothing(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村", by=leader)
    version_import_xlsx(version=draft, data=xlsx(OFFICE_SHEET), by=leader)
    before = list(ChecklistItem.objects.filter(section__version=draft).values_list("name", "max_score"))

    bad = [("一", "村庄清洁", "", 10, ""), ("1", "垃圾", "", "五分", "每处扣1分")]
    with pytest.raises(ImportRejected):
        version_import_xlsx(version=draft, data=xlsx(bad), by=leader)

    assert list(ChecklistItem.objects.filter(section__version=draft).values_list("name", "max_score")) == before
    assert len(before) == 5


# ---------------------------------------------------------------- round trip

def full_sections(world):
    return [
        SectionDraft(name="村庄清洁", number="一", max_score=D(30), items=[
            ItemDraft(name="村内垃圾", number="1", content="村内无暴露垃圾\n无病死畜禽", standard="=每处扣1分", max_score=D(5),
                      per_occurrence=D(1), veto_scope="item", veto_condition="发现露天焚烧", category=world.item),
            ItemDraft(name="五堆", number="2", content="-院外无五堆", standard="每处扣0.5分，最多扣6分", max_score=D(10),
                      per_occurrence=D("0.5"), cap=D(6), sampling_rule="每村环绕一圈", needs_location=False),
            ItemDraft(name="卫生厕所", number="3", max_score=D("12.25"), per_occurrence=D(2), sampling_rule="走访5户",
                      sample_size=5, sample_unit="户", needs_photo=False, needs_count=False),
        ]),
        SectionDraft(name="否决与加分", number="二", max_score=D(0), items=[
            ItemDraft(name="重大事故", number="1", method="veto", veto_scope="total", veto_condition="重大污染"),
            ItemDraft(name="表彰", number="2", method="add", per_occurrence=D("0.5"), cap=D(2)),
        ]),
    ]


def test_an_exported_version_imports_as_the_same_sheet(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村人居环境", by=leader)
    ChecklistVersion.objects.filter(pk=draft.pk).update(bonus_cap=D("1.5"))
    draft.refresh_from_db()
    version_fill(version=draft, sections=full_sections(world), by=leader)
    published = version_publish(version=draft, by=leader)

    data, items = version_xlsx(published)
    assert items == 5
    again = checklist_revise(checklist=published.checklist, by=leader)
    read = version_import_xlsx(version=again, data=data, by=leader)

    assert read.interpreted == []
    again.refresh_from_db()
    assert version_drafts(again) == version_drafts(published)
    assert again.bonus_cap == D("1.5")


def test_the_export_keeps_formula_like_text_as_text(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="=HYPERLINK(\"x\")", by=leader)
    version_fill(version=draft, sections=full_sections(world), by=leader)

    from openpyxl import load_workbook
    data, _items = version_xlsx(draft)
    sheet = load_workbook(io.BytesIO(data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not any(value.startswith("=") for value in values)
    assert "'=每处扣1分" in values and "'=HYPERLINK(\"x\")" in values


def test_importing_into_a_published_version_is_refused_before_reading(world):
    from jiedao.cases.errors import NotAllowed, WrongState

    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村", by=leader)
    version_import_xlsx(version=draft, data=xlsx(OFFICE_SHEET), by=leader)
    published = version_publish(version=draft, by=leader)
    with pytest.raises(WrongState):
        version_import_xlsx(version=published, data=b"not even a workbook", by=leader)
    with pytest.raises(NotAllowed):
        version_import_xlsx(version=published, data=b"not even a workbook", by=world.people.secretary)
    assert ChecklistVersion.objects.get(pk=published.pk).status == VersionStatus.PUBLISHED


def test_an_entity_bomb_is_refused_unexpanded(db):
    """A sheet whose XML defines entities that expand a billion-fold ("billion laughs"): expat (2.4
    and later, under Python's XML readers that openpyxl uses) refuses the amplification, so the
    import says the file is not a workbook instead of filling memory."""
    book = Workbook()
    book.active["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    entities = b'<!ENTITY lol0 "lolololololol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1)) * 10) for level in range(1, 10))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]><worksheet", 1)
                content = content.replace(b"<t>x</t>", b"<t>&lol9;</t>")
            target.writestr(name, content)

    assert rejected(bomb.getvalue()) == [(None, "", "文件不是有效的 .xlsx 工作簿")]
