import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jiedao.reports.bulletin import Bulletin, BulletinTable, bar_chart_svg, bulletin_docx, bulletin_pdf

# fontconfig shown no font directory at all: a machine with no fonts (absolute, or fontconfig
# ignores it and loads the system's configuration).
NO_FONTS = Path(__file__).resolve().with_name("no-fonts.conf")

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


def _made_without_system_fonts(tmp_path, kind: str) -> Path:
    """The bulletin as `kind` ("pdf" or "docx"), made by a fresh interpreter that sees no font of
    the machine: fontconfig reads FONTCONFIG_FILE when it starts, so this process cannot hide them."""
    env = {**os.environ, "FONTCONFIG_FILE": str(NO_FONTS), "DJANGO_SETTINGS_MODULE": "jiedao.settings.test"}
    assert subprocess.run(["fc-list"], env=env, capture_output=True, text=True, check=True).stdout == ""
    made = tmp_path / f"bulletin.{kind}"
    script = ("import sys, django; django.setup()\n"
              "from pathlib import Path\n"
              "from jiedao.reports import bulletin\n"
              "from jiedao.reports.tests.test_bulletin import BULLETIN\n"
              f"Path(sys.argv[1]).write_bytes(bulletin.bulletin_{kind}(BULLETIN))\n")
    finished = subprocess.run([sys.executable, "-c", script, str(made)], env=env, capture_output=True,
                              text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return made


def test_with_the_machines_fonts_hidden_the_pdf_text_extracts_as_chinese_in_the_shipped_font(tmp_path):
    from pypdf import PdfReader

    reader = PdfReader(_made_without_system_fonts(tmp_path, "pdf"))

    text = reader.pages[0].extract_text()
    assert text.splitlines()[0] == "关于十一月人居环境整治工作情况的通报"
    assert "1 桃源社区 92.3" in text.splitlines()  # a row of the red list
    assert text.count("柳岸社区") == 1  # a label of the chart (SVG)
    fonts = {font["/BaseFont"].split("+")[-1] for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts == {"Noto-Sans-CJK-SC"}  # the one font it could find: the shipped one


def test_with_the_machines_fonts_hidden_the_word_file_still_has_its_chart(tmp_path):
    from docx import Document

    document = Document(_made_without_system_fonts(tmp_path, "docx"))

    assert len(document.inline_shapes) == 1


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
