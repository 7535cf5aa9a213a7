"""检查考评 in the site's navigation and in the field app's tabs."""

from django import template

from ..access import may_inspect as _may_inspect
from ..access import may_read_inspections
from ..access import may_read_plans as _may_read_plans

register = template.Library()


@register.filter
def may_inspect(user) -> bool:
    return _may_inspect(user=user)


@register.filter
def may_read_plans(user) -> bool:
    return _may_read_plans(user=user)


@register.filter
def may_read_inspection_pages(user) -> bool:
    return may_read_inspections(user=user)
