"""Numbers on the campaign pages written as the reports write them (report.py)."""

from django import template

from ..report import number_text, percent_text

register = template.Library()


@register.filter
def completion(value):
    """A completion in percent ("87.5%"); none ("—") when there is no target."""
    return percent_text(value)


@register.filter
def amount(value):
    """A count or a quantity: whole numbers without decimals, "—" for none."""
    return number_text(value)


@register.filter
def bar_value(value):
    """A completion as the value of a <progress max="100"> (capped: the bar is full at 100 %)."""
    return "0" if value is None else str(min(value, 100))
