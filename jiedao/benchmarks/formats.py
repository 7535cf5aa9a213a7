"""Figures as text, the same on the page, in the PDF, the Word file and the spreadsheet's text cells."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = "—"
# The units as words where they are words (the stored code is the Chinese one, like the measures').
UNIT_NAMES = {"分": gettext_lazy("分"), "件": gettext_lazy("件")}


def unit_name(unit: str) -> str:
    return str(UNIT_NAMES.get(unit, unit))


def listed(texts) -> str:
    """Items of a list in running text: "、" in Chinese."""
    return _("、").join(texts)


def with_gap(value: str, gap: str) -> str:
    return _("%(value)s（%(gap)s）") % {"value": value, "gap": gap}


def _number(value: Decimal, unit: str) -> str:
    if unit == "件":
        return f"{value:.0f}"
    return f"{value:.1f}" if unit in {"%", "分"} else f"{value.normalize():f}"


def value_text(value: Decimal | None, unit: str) -> str:
    """"90.5%", "86.0 分", "3 件", "120 m²"; nothing to measure is "—"."""
    if value is None:
        return EMPTY
    number = _number(value, unit)
    return f"{number}%" if unit == "%" else f"{number} {unit_name(unit)}".strip()


def required_text(comparator: str, value: Decimal | None, unit: str) -> str:
    if value is None:
        return EMPTY
    return f"{'≥' if comparator == '>=' else '≤'} {value_text(value, unit)}"


def gap_text(gap: Decimal | None, unit: str) -> str:
    """"+1.5 个百分点", "−4.0 个百分点", "−2 件": signed, + beyond the requirement, − short of it."""
    if gap is None:
        return EMPTY
    sign = "+" if gap > 0 else ("−" if gap < 0 else "±")
    number = _number(abs(gap), unit)
    if unit == "%":
        return _("%(sign)s%(number)s 个百分点") % {"sign": sign, "number": number}
    return f"{sign}{number} {unit_name(unit)}".strip()
