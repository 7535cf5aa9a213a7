"""The periodic bulletin (通报) as PDF and DOCX: readable by someone who never opens the system.

A `Bulletin` is plain data (the evaluation assembles it); this module only lays it out. The PDF is
rendered by WeasyPrint from an HTML template with the CJK font embedded (subset); the DOCX by
python-docx with the East Asian font named, so Word on an office PC uses its own CJK font. Both
charts are drawn with the font the project ships (`fonts.py`), whatever fonts the machine has."""

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .cells import cell_text
from .fonts import CJK_FONT, cjk_font_file

DOCX_CJK_FONT = "宋体"


@dataclass
class BulletinTable:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    # Leading columns that stay in view when the table scrolls on a narrow screen: 2 for a
    # rank and a name, 1 for a name or a number.
    key_columns: int = 1


@dataclass
class Bulletin:
    title: str
    issuer: str
    period_label: str
    issued_at: datetime
    summary: list[str]
    figures: list[tuple[str, str]] = field(default_factory=list)
    chart_title: str = ""
    chart_bars: list[tuple[str, float]] = field(default_factory=list)
    tables: list[BulletinTable] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)  # (figure, 口径), printed at the end


def bar_chart_svg(bars: list[tuple[str, float]], *, width: int = 640, bar_height: int = 18) -> str:
    """A horizontal bar chart as SVG markup (drawn by WeasyPrint; no JavaScript in a PDF)."""
    if not bars:
        return ""
    label_width, gap, top = 150, 6, 4
    largest = max(value for _label, value in bars) or 1
    height = top + len(bars) * (bar_height + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{CJK_FONT}" font-size="11">']
    for index, (label, value) in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = (width - label_width - 60) * value / largest
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end">{_escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#1f5fa8"/>')
        parts.append(f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 5}">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_png(bars: list[tuple[str, float]], *, width: int = 1280, bar_height: int = 36) -> bytes | None:
    """The same chart as a PNG for Word (which draws no SVG reliably); None without bars."""
    from PIL import Image, ImageDraw, ImageFont

    if not bars:
        return None
    font = ImageFont.truetype(str(cjk_font_file()), 22)
    label_width, gap, top = 300, 12, 8
    largest = max(value for _label, value in bars) or 1
    height = top * 2 + len(bars) * (bar_height + gap)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for index, (label, value) in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = (width - label_width - 120) * value / largest
        draw.text((label_width - 12, y + bar_height / 2), label, font=font, fill="#1b1f24", anchor="rm")
        draw.rectangle([label_width, y, label_width + length, y + bar_height], fill="#1f5fa8")
        draw.text((label_width + length + 8, y + bar_height / 2), f"{value:g}", font=font, fill="#1b1f24", anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/bulletin.html", {
        "bulletin": bulletin, "chart": bar_chart_svg(bulletin.chart_bars), "font": CJK_FONT,
        "font_url": cjk_font_file().as_uri(),
        "issued": timezone.localtime(bulletin.issued_at),
    })
    return HTML(string=html).write_pdf()


def bulletin_docx(bulletin: Bulletin) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet"):
        document.styles[style_name].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"),
                                                                                     DOCX_CJK_FONT)

    title = document.add_heading(bulletin.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"{bulletin.issuer}　{bulletin.period_label}　"
                                  f"{timezone.localtime(bulletin.issued_at):%Y-%m-%d}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in bulletin.summary:
        document.add_paragraph(line)
    if bulletin.figures:
        table = document.add_table(rows=1, cols=len(bulletin.figures))
        table.style = "Table Grid"
        for cell, (label, value) in zip(table.rows[0].cells, bulletin.figures, strict=True):
            cell.text = f"{cell_text(label)}\n{cell_text(value)}"
    if bulletin.chart_bars:
        document.add_heading(bulletin.chart_title, level=2)
        document.add_picture(io.BytesIO(bar_chart_png(bulletin.chart_bars)), width=Cm(16))
    for section in bulletin.tables:
        document.add_heading(section.title, level=1)
        if section.note:
            document.add_paragraph(section.note)
        table = document.add_table(rows=1, cols=len(section.columns))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, section.columns, strict=True):
            cell.text = cell_text(header)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in section.rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = cell_text(value)
    if bulletin.definitions:
        document.add_heading(_("口径说明"), level=1)
        for label, definition in bulletin.definitions:
            paragraph = document.add_paragraph()
            paragraph.add_run(cell_text(label)).bold = True
            paragraph.add_run("：" + cell_text(definition))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
