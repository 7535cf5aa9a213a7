"""部件 in the site's navigation."""

from django import template

from ..access import may_read_register

register = template.Library()


@register.filter
def may_read_assets(user) -> bool:
    return may_read_register(user=user)
