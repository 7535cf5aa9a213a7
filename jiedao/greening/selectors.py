"""Reads: plantings a person may see with their latest check and survival, the policy, and the
green area added per unit and period (the `greening:area_added` measure reads it)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from jiedao.territory.models import Unit

from .access import plantings_visible_filter
from .models import GreeningPolicy, Planting, SurvivalCheck
from .survival import check_due_on, replanting_due, survival_rate

PAGE_ROWS = 200  # a list page never reads more plantings than this


def policy_current() -> GreeningPolicy:
    """The office's policy; the defaults (30 and 90 days, each October, 85 %) until one is saved."""
    return GreeningPolicy.objects.order_by("pk").first() or GreeningPolicy()


def plantings_visible(*, user) -> QuerySet[Planting]:
    clause = plantings_visible_filter(user)
    if clause is None:
        return Planting.objects.none()
    latest = SurvivalCheck.objects.filter(planting=OuterRef("pk")).order_by("-checked_on", "-pk")
    return (Planting.objects.filter(clause).select_related("community", "maintainer", "case")
            .annotate(latest_surviving=Subquery(latest.values("surviving")[:1]),
                      latest_checked_on=Subquery(latest.values("checked_on")[:1])))


@dataclass(frozen=True)
class PlantingStatus:
    planting: Planting
    rate: Decimal | None
    check_due: date | None
    replanting_due: bool


def planting_status(*, planting: Planting, policy: GreeningPolicy, today: date) -> PlantingStatus:
    """`planting` must come from `plantings_visible` (it carries its latest check)."""
    rate = survival_rate(planted=planting.planted_quantity, surviving=planting.latest_surviving)
    return PlantingStatus(
        planting=planting, rate=rate,
        check_due=check_due_on(planted_on=planting.planted_on, latest_check_on=planting.latest_checked_on,
                               intervals=policy.intervals, autumn_month=policy.autumn_month, today=today),
        replanting_due=replanting_due(rate=rate, threshold=policy.survival_threshold))


def area_added_by_unit(*, units: list[Unit], start: date, end: date) -> dict[int, Decimal]:
    """Green area (m²) planted in [start, end) in each unit and the units under it."""
    found = {}
    for unit in units:
        total = (Planting.objects.filter(territory_path__startswith=unit.path, planted_on__gte=start,
                                         planted_on__lt=end).aggregate(area=Sum("area_m2"))["area"])
        found[unit.pk] = total or Decimal(0)
    return found
