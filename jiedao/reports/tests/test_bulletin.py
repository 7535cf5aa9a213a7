import io
from datetime import datetime
from zoneinfo import ZoneInfo

from jiedao.reports.bulletin import Bulletin, BulletinTable, bar_chart_svg, bulletin_docx, bulletin_pdf

BULLETIN = Bulletin(
    title="关于十一月人居环境整治工作情况的通报", issuer="青溪街道办事处", period_label="2026 年 11 月",
    issued_at=datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    summary=["本月共受理问题 3,347 件，结案 2,852 件。"],
    figures=[("上报", "3347"), ("结案", "2852"), ("按期结案率", "77.9%")],
    chart_title="各社区按期结案率", chart_bars=[("桃源社区", 91.5), ("柳岸社区", 62.0)],
    tables=[BulletinTable(title="红榜", columns=["名次", "单位", "综合得分"], rows=[["1", "桃源社区", "92.3"]]),
            BulletinTable(title="黑榜", columns=["名次", "单位", "综合得分"], rows=[])],
)


def _inflated(pdf: bytes) -> bytes:
    """Every stream of the PDF decompressed, so names inside object streams can be searched."""
    import re
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_pdf_embeds_a_cjk_font():
    pdf = bulletin_pdf(BULLETIN)

    assert pdf.startswith(b"%PDF")
    content = _inflated(pdf)
    assert b"NotoSansCJK" in content  # the font's name, on an embedded subset
    assert b"/FontFile" in content  # the font program itself is in the file


def test_the_docx_has_the_title_tables_and_an_east_asian_font():
    from docx import Document

    document = Document(io.BytesIO(bulletin_docx(BULLETIN)))

    assert document.paragraphs[0].text == "关于十一月人居环境整治工作情况的通报"
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "桃源社区" in texts and "综合得分" in texts
    assert len(document.tables) == 3  # the figures, the red list, the black list
    east_asia = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "宋体"


def test_the_chart_scales_bars_to_the_largest_value():
    svg = bar_chart_svg([("甲", 50), ("乙", 100)], width=400)

    assert svg.count("<rect") == 2
    assert 'width="95.0"' in svg and 'width="190.0"' in svg  # (400 - 150 - 60) × share
    assert bar_chart_svg([]) == ""
