"""绿化 in the site's navigation."""

from django import template

from ..access import may_read_greening as _may_read_greening

register = template.Library()


@register.filter
def may_read_greening(user) -> bool:
    return _may_read_greening(user=user)
