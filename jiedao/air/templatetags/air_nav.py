"""大气污染源 in the site's navigation."""

from django import template

from ..access import may_read_air

register = template.Library()


@register.filter
def may_read_air_pages(user) -> bool:
    return may_read_air(user=user)
