"""河长制 in the site's navigation and the field app's tabs."""

from django import template

from ..access import may_patrol_rivers as _may_patrol_rivers
from ..access import may_read_rivers as _may_read_rivers

register = template.Library()


@register.filter
def may_read_rivers(user) -> bool:
    return _may_read_rivers(user=user)


@register.filter
def may_patrol_rivers(user) -> bool:
    return _may_patrol_rivers(user=user)
