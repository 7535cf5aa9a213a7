from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def lookup(container, key):
    """`row.rates|lookup:"closure_rate"`: a dict item or an attribute, by a name known at runtime."""
    if isinstance(container, dict):
        return container.get(key)
    return getattr(container, key, None)


@register.filter
def percent(value):
    """A share 0–1 as "87.5%"; nothing to divide by is "—", never 0 %."""
    if value is None:
        return "—"
    return f"{Decimal(value) * 100:.1f}%"


@register.filter
def add_days(moment, days):
    """A period is stored with its end exclusive; shown, it ends the day before."""
    from datetime import timedelta

    from django.utils import timezone

    if moment is None:
        return None
    return timezone.localtime(moment) + timedelta(days=int(days))


@register.filter
def as_dict(pairs):
    """[(key, value), …] as a dict, for `lookup`."""
    return dict(pairs or [])
