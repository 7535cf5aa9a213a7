"""The field app's one link in the site's navigation."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import is_field_user, is_patrol_supervisor

register = template.Library()


@register.simple_tag
def field_nav_link(user) -> dict | None:
    """Grid workers and inspectors get the field app; their supervisors get the patrols."""
    if is_field_user(user=user):
        return {"url": reverse("field:home"), "label": _("外业巡查")}
    if is_patrol_supervisor(user=user):
        return {"url": reverse("field:patrol-list"), "label": _("巡查轨迹")}
    return None


@register.filter
def may_list_patrols(user) -> bool:
    """The patrols tab: field workers (their own) and their supervisors; not a 督查员 who only inspects."""
    return is_field_user(user=user) or is_patrol_supervisor(user=user)
