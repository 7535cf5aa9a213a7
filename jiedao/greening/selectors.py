"""Reads: plantings a person may see with their latest check and survival, the policy, and the
green area added per unit and period (the `greening:area_added` measure reads it)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from jiedao.territory.models import Unit

from .access import plantings_visible_filter
from .models import GreeningPolicy, Planting, PlantingKind, SurvivalCheck
from .survival import check_due_on, mean_rate, replanting_due, survival_rate

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


# ---------------------------------------------------------------- the leaders' overview

# Statuses read for one overview page at most (a sub-district holds hundreds to a few thousand).
OVERVIEW_PLANTINGS = 20000
MAP_PLANTINGS = 3000

STATUS_FILTERS = ("replanting", "check_due", "checked")


def planting_statuses(*, user, within: str, policy: GreeningPolicy, today: date) -> list[PlantingStatus]:
    """Every planting `user` may read under the unit path `within` ("" for all), planted by `today`,
    with its survival and what is due."""
    visible = plantings_visible(user=user).filter(planted_on__lte=today)
    if within:
        visible = visible.filter(territory_path__startswith=within)
    return [planting_status(planting=planting, policy=policy, today=today)
            for planting in visible[:OVERVIEW_PLANTINGS]]


def statuses_matching(statuses: list[PlantingStatus], status: str) -> list[PlantingStatus]:
    """The plantings behind a "now" figure: 需补植 (`replanting`), 应检未检 (`check_due`), or those
    with a survival rate at all (`checked`, the 平均成活率's plantings)."""
    if status == "replanting":
        return [row for row in statuses if row.replanting_due]
    if status == "check_due":
        return [row for row in statuses if row.check_due is not None]
    if status == "checked":
        return [row for row in statuses if row.rate is not None]
    return statuses


@dataclass(frozen=True)
class KindArea:
    kind: str
    label: str
    area_m2: Decimal
    trees: int
    plantings: int


@dataclass(frozen=True)
class GreeningFigures:
    """One unit's figures: the period's (planted in [first_day, last_day]) and the current ones
    (over every planting, whenever planted)."""

    area_m2: Decimal
    trees: int
    plantings: int
    by_kind: list[KindArea]
    mean_rate: Decimal | None
    rated: int
    replanting_due: int
    checks_due: int


def greening_figures(*, statuses: list[PlantingStatus], first_day: date, last_day: date) -> GreeningFigures:
    in_period = [row.planting for row in statuses if first_day <= row.planting.planted_on <= last_day]
    by_kind = []
    for kind in PlantingKind:
        of_kind = [planting for planting in in_period if planting.kind == kind]
        by_kind.append(KindArea(kind=kind.value, label=str(kind.label),
                                area_m2=sum((p.area_m2 for p in of_kind if p.area_m2 is not None), Decimal(0)),
                                trees=sum(p.count for p in of_kind if p.count is not None), plantings=len(of_kind)))
    rates = [row.rate for row in statuses if row.rate is not None]
    return GreeningFigures(
        area_m2=sum((kind.area_m2 for kind in by_kind), Decimal(0)), trees=sum(kind.trees for kind in by_kind),
        plantings=len(in_period), by_kind=by_kind, mean_rate=mean_rate(rates), rated=len(rates),
        replanting_due=sum(1 for row in statuses if row.replanting_due),
        checks_due=sum(1 for row in statuses if row.check_due is not None))


def months_ending(last_day: date, count: int = 12) -> list[date]:
    """The first days of the `count` months up to and including `last_day`'s, oldest first."""
    months, year, month = [], last_day.year, last_day.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def area_by_month(*, statuses: list[PlantingStatus], last_day: date, count: int = 12) -> list[tuple[str, float, int]]:
    """Green area (m²) and trees planted in each of the `count` months up to `last_day`'s:
    [("2026-01", area, trees), …]; a month with nothing planted is 0 (it is a sum, not a rate)."""
    months = months_ending(last_day, count)
    area = {month: Decimal(0) for month in months}
    trees = dict.fromkeys(months, 0)
    for row in statuses:
        month = row.planting.planted_on.replace(day=1)
        if month in area and row.planting.planted_on <= last_day:
            area[month] += row.planting.area_m2 or 0
            trees[month] += row.planting.count or 0
    return [(f"{month:%Y-%m}", float(area[month]), trees[month]) for month in months]


def figures_by_unit(*, statuses: list[PlantingStatus], units: list[Unit], first_day: date,
                    last_day: date) -> list[tuple[Unit, GreeningFigures]]:
    """Each unit's figures from the statuses under its path (the drill-down's rows)."""
    return [(unit, greening_figures(statuses=[row for row in statuses
                                              if row.planting.territory_path.startswith(unit.path)],
                                    first_day=first_day, last_day=last_day))
            for unit in units]


def plantings_geojson(*, statuses: list[PlantingStatus], at_most: int = MAP_PLANTINGS) -> dict:
    """The map's plantings: each point or polygon with its kind and survival state
    (`replanting` below the threshold, `ok` checked and above, `unchecked`)."""
    features = []
    for row in statuses[:at_most]:
        planting = row.planting
        state = "replanting" if row.replanting_due else ("ok" if row.rate is not None else "unchecked")
        features.append({"type": "Feature", "geometry": planting.geometry, "properties": {
            "id": planting.pk, "kind": planting.kind, "kindLabel": str(planting.get_kind_display()),
            "state": state, "rate": None if row.rate is None else float(row.rate),
            "label": f"{planting.species} · {planting.planted_on:%Y-%m-%d}"}})
    return {"type": "FeatureCollection", "features": features}
