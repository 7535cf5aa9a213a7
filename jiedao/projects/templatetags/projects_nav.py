from django import template

from ..access import may_read_projects as _may_read_projects

register = template.Library()


@register.filter
def may_read_projects(user) -> bool:
    return _may_read_projects(user=user)


@register.filter
def wan(amount) -> str:
    """An amount in 元 shown in 万元 to two decimals (预算, 投入 on the tiles)."""
    from decimal import ROUND_HALF_UP, Decimal

    if amount is None:
        return "—"
    return str((Decimal(amount) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
