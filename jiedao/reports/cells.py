"""One rule for text from outside written into a spreadsheet, a CSV or a Word table: it stays text.

A spreadsheet program treats a cell that starts with = + - @ (or a tab or carriage return before
them) as a formula: `=HYPERLINK("http://…"&A1,"点击查看详情")` typed as an address would become a
live link that leaks the row. Following the OWASP CSV-injection rule, such text is prefixed with a
single quote, which every spreadsheet shows as text and never evaluates. A plain signed number
("-3.2", "+5 %") carries no formula and is left as it is. Every writer of .xlsx,
.csv and .docx tables calls `cell_text`; numbers and dates the code computed are written as they are."""

import re

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d+)? ?%?)?")


def cell_text(value) -> str:
    """`value` as text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_LEADS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def text_from_cell(text: str) -> str:
    """Text read back from a sheet `cell_text` wrote: the quote it put before a formula lead goes,
    so an exported sheet imports as it was (the text stays text: nothing read is ever evaluated)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_LEADS) and not PLAIN_NUMBER.fullmatch(text[1:]):
        return text[1:]
    return text
