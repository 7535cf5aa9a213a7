"""土壤监测 in the site's navigation."""

from django import template

from ..access import may_read_soil

register = template.Library()


@register.filter
def may_read_soil_pages(user) -> bool:
    return may_read_soil(user=user)
