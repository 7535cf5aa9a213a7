from django import template

from jiedao.duties.access import may_open_duties

register = template.Library()


@register.filter
def rate(value) -> str:
    """A compliance rate (percent, one decimal) or "—" when nothing was required yet."""
    return "—" if value is None else f"{value}%"


@register.filter
def may_open_duty_pages(user) -> bool:
    return bool(user.is_authenticated and may_open_duties(user=user))
