"""垃圾分类 in the site's navigation."""

from django import template

from ..access import may_read_waste as _may_read_waste

register = template.Library()


@register.filter
def may_read_waste(user) -> bool:
    return _may_read_waste(user=user)
