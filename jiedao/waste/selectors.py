"""Reads: the policy and targets, the register a person may see, the totals behind the rates (from
the daily rollup for units, from the raw records for one point), the monthly trend, the stage
mismatches, and the records behind a figure."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from jiedao.territory.models import Unit

from .access import visible_filter
from .models import (
    DailyTotal,
    Facility,
    SortingCheck,
    SortingPoint,
    Stage,
    WasteClass,
    WastePolicy,
    WasteRecord,
    WasteTarget,
)
from .rates import RATES, WasteTotals, stage_mismatch

ZERO = Decimal(0)


def policy_current() -> WastePolicy:
    """The office's policy; the defaults (5 %, categories 06042/06041/06042) until one is saved."""
    return WastePolicy.objects.select_related("department").order_by("pk").first() or WastePolicy()


def targets_by_rate() -> dict[str, WasteTarget]:
    return {target.rate: target for target in WasteTarget.objects.all()}


def points_visible(*, user) -> QuerySet[SortingPoint]:
    clause = visible_filter(user)
    if clause is None:
        return SortingPoint.objects.none()
    return SortingPoint.objects.filter(clause).select_related("community")


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _flags() -> dict[int, tuple[bool, bool]]:
    return {pk: (recovered, harmless) for pk, recovered, harmless
            in Facility.objects.values_list("pk", "is_resource_recovery", "is_harmless")}


def _weights_by_path(rows, flags) -> dict[str, dict[str, Decimal]]:
    """Rollup groups (territory_path, stage, waste_class, facility_id, weight) into the weights the
    rates read, per community path."""
    found: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for path, stage, waste_class, facility_id, weight in rows:
        into = found[path]
        if stage == Stage.COLLECTION:
            into["collected"] += weight
            if waste_class == WasteClass.RECYCLABLE:
                into["collected_recyclable"] += weight
            elif waste_class == WasteClass.RESIDUAL:
                into["collected_residual"] += weight
        elif stage == Stage.TREATMENT and facility_id is not None:
            recovered, harmless = flags.get(facility_id, (False, False))
            if recovered:
                into["treated_recovered"] += weight
                if waste_class == WasteClass.KITCHEN:
                    into["kitchen_recovered"] += weight
            if harmless:
                into["treated_harmless"] += weight
    return found


def _rollup_rows(paths_q: Q, start: date, end: date):
    return (DailyTotal.objects.filter(paths_q, day__gte=start, day__lt=end,
                                      stage__in=[Stage.COLLECTION, Stage.TREATMENT])
            .values_list("territory_path", "stage", "waste_class", "facility_id")
            .annotate(weight=Sum("weight_kg")).order_by())


def _under(units: list[Unit], field: str = "territory_path") -> Q:
    clause = Q(pk__in=[])
    for unit in units:
        clause |= Q(**{f"{field}__startswith": unit.path})
    return clause


def totals_by_unit(*, units: list[Unit], start: date, end: date) -> dict[int, WasteTotals]:
    """The totals of each unit (and everything under it) over [start, end): quantities from the
    daily rollup, households from the register, households and bins from the checks."""
    if not units:
        return {}
    flags = _flags()
    where = _under(units)
    per_path: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
    for path, weights in _weights_by_path(_rollup_rows(where, start, end), flags).items():
        per_path[path].update(weights)
    base = (DailyTotal.objects.filter(where, day__gte=year_before(start), day__lt=year_before(end),
                                      stage=Stage.COLLECTION, waste_class=WasteClass.RESIDUAL)
            .values_list("territory_path").annotate(weight=Sum("weight_kg")).order_by())
    for path, weight in base:
        per_path[path]["base_residual"] += weight
    households = (SortingPoint.objects.filter(where, is_active=True).values_list("territory_path", "is_sorting")
                  .annotate(total=Sum("households")).order_by())
    for path, is_sorting, total in households:
        per_path[path]["households"] += total or 0
        if is_sorting:
            per_path[path]["households_covered"] += total or 0
    checks = (SortingCheck.objects.filter(where, checked_on__gte=start, checked_on__lt=end)
              .values_list("territory_path")
              .annotate(seen=Sum("households_seen"), sorting=Sum("households_sorting"),
                        checked=Sum("bins_checked"), correct=Sum("bins_correct")).order_by())
    for path, seen, sorting, checked, correct in checks:
        per_path[path]["households_seen"] += seen or 0
        per_path[path]["households_sorting"] += sorting or 0
        per_path[path]["bins_checked"] += checked or 0
        per_path[path]["bins_correct"] += correct or 0
    totals = {path: _totals(values) for path, values in per_path.items()}
    result = {}
    for unit in units:
        result[unit.pk] = sum((t for path, t in totals.items() if path.startswith(unit.path)), WasteTotals())
    return result


def _totals(values: dict) -> WasteTotals:
    integers = {"households", "households_covered", "households_seen", "households_sorting", "bins_checked",
                "bins_correct"}
    return WasteTotals(**{name: (int(value) if name in integers else Decimal(value))
                          for name, value in values.items()})


def totals_of_point(*, point: SortingPoint, start: date, end: date) -> WasteTotals:
    """A point's own totals, from its raw records: 投放/收集 and its checks. Trips and treatment are
    recorded per community, so the rates that need them are 无数据 for a point."""
    weights = dict(WasteRecord.objects.filter(point=point, day__gte=start, day__lt=end, stage=Stage.COLLECTION)
                   .values_list("waste_class").annotate(weight=Sum("weight_kg")).order_by())
    base = (WasteRecord.objects.filter(point=point, day__gte=year_before(start), day__lt=year_before(end),
                                       stage=Stage.COLLECTION, waste_class=WasteClass.RESIDUAL)
            .aggregate(weight=Sum("weight_kg"))["weight"] or ZERO)
    checks = SortingCheck.objects.filter(point=point, checked_on__gte=start, checked_on__lt=end).aggregate(
        seen=Sum("households_seen"), sorting=Sum("households_sorting"), checked=Sum("bins_checked"),
        correct=Sum("bins_correct"))
    served = point.households if point.is_active else 0
    return WasteTotals(
        households=served, households_covered=served if point.is_sorting else 0,
        households_seen=checks["seen"] or 0, households_sorting=checks["sorting"] or 0,
        bins_checked=checks["checked"] or 0, bins_correct=checks["correct"] or 0,
        collected=sum(weights.values(), ZERO), collected_recyclable=weights.get(WasteClass.RECYCLABLE, ZERO),
        collected_residual=weights.get(WasteClass.RESIDUAL, ZERO), base_residual=base)


def rates_of(totals: WasteTotals) -> dict[str, Decimal | None]:
    return {key: rate.of(totals) for key, rate in RATES.items()}


# Trips and treatment are recorded per community: at a point these rates have nothing to stand on.
COMMUNITY_ONLY_RATES = frozenset({"resource", "harmless"})


def rates_of_point(totals: WasteTotals) -> dict[str, Decimal | None]:
    return {key: None if key in COMMUNITY_ONLY_RATES else value for key, value in rates_of(totals).items()}


@dataclass(frozen=True)
class MonthTotals:
    month: date
    by_class: dict[str, Decimal]
    totals: WasteTotals


def monthly_trend(*, unit: Unit, start: date, end: date) -> list[MonthTotals]:
    """Per month in [start, end): the tonnage collected by class and the quantity totals (the rates
    that need checks or the register are left to `totals_by_unit`)."""
    flags = _flags()
    rows = (DailyTotal.objects.filter(territory_path__startswith=unit.path, day__gte=start, day__lt=end,
                                      stage__in=[Stage.COLLECTION, Stage.TREATMENT])
            .annotate(month=TruncMonth("day"))
            .values_list("month", "stage", "waste_class", "facility_id").annotate(weight=Sum("weight_kg")).order_by())
    grouped: dict[date, list] = defaultdict(list)
    for month, stage, waste_class, facility_id, weight in rows:
        month = month.date() if hasattr(month, "date") and not isinstance(month, date) else month
        grouped[month].append(("", stage, waste_class, facility_id, weight))
    result = []
    for month in sorted(grouped):
        weights = _weights_by_path(grouped[month], flags).get("", {})
        by_class: dict[str, Decimal] = defaultdict(Decimal)
        for _path, stage, waste_class, _facility, weight in grouped[month]:
            if stage == Stage.COLLECTION:
                by_class[waste_class] += weight
        result.append(MonthTotals(month=month, by_class=dict(by_class), totals=_totals(weights)))
    return result


@dataclass(frozen=True)
class Mismatch:
    community_id: int
    day: date
    waste_class: str
    upstream_stage: str
    upstream: Decimal
    downstream_stage: str
    downstream: Decimal


STAGE_PAIRS = ((Stage.COLLECTION, Stage.TRANSPORT), (Stage.TRANSPORT, Stage.TREATMENT))


def stage_mismatches(*, paths_q: Q, start: date, end: date, tolerance_percent: Decimal,
                     limit: int = 500) -> list[Mismatch]:
    """Per community, day and class: collected vs delivered, delivered vs treated, beyond the
    tolerance. A day with no downstream record at all is a mismatch too (nothing delivered)."""
    rows = (DailyTotal.objects.filter(paths_q, day__gte=start, day__lt=end,
                                      stage__in=[Stage.COLLECTION, Stage.TRANSPORT, Stage.TREATMENT])
            .values_list("community_id", "day", "waste_class", "stage").annotate(weight=Sum("weight_kg"))
            .order_by())
    weights: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for community_id, day, waste_class, stage, weight in rows:
        weights[(community_id, day, waste_class)][stage] = weight
    found = []
    for (community_id, day, waste_class), by_stage in sorted(weights.items(), key=lambda item: (item[0][1], item[0][0], item[0][2]), reverse=True):
        for upstream_stage, downstream_stage in STAGE_PAIRS:
            if upstream_stage not in by_stage and downstream_stage not in by_stage:
                continue
            upstream, downstream = by_stage.get(upstream_stage, ZERO), by_stage.get(downstream_stage, ZERO)
            if stage_mismatch(upstream=upstream, downstream=downstream, tolerance_percent=tolerance_percent):
                found.append(Mismatch(community_id=community_id, day=day, waste_class=waste_class,
                                      upstream_stage=upstream_stage, upstream=upstream,
                                      downstream_stage=downstream_stage, downstream=downstream))
                if len(found) >= limit:
                    return found
    return found


def destinations(*, paths_q: Q, start: date, end: date) -> list[dict]:
    """Where a place's waste went: the delivered (运输) and treated (处理) tonnage per facility and class."""
    return list(DailyTotal.objects.filter(paths_q, day__gte=start, day__lt=end,
                                          stage__in=[Stage.TRANSPORT, Stage.TREATMENT], facility__isnull=False)
                .values("facility__code", "facility__name", "facility__kind", "stage", "waste_class")
                .annotate(weight=Sum("weight_kg"), records=Sum("records"))
                .order_by("facility__code", "stage", "waste_class"))


def records_behind(*, user, unit: Unit | None = None, point: SortingPoint | None = None, start: date, end: date,
                   stage: str = "", waste_class: str = "") -> QuerySet[WasteRecord]:
    """The raw records behind a figure, cut by what `user` may read."""
    clause = visible_filter(user)
    if clause is None:
        return WasteRecord.objects.none()
    records = WasteRecord.objects.filter(clause, day__gte=start, day__lt=end)
    if point is not None:
        records = records.filter(point=point)
    if unit is not None:
        records = records.filter(territory_path__startswith=unit.path)
    if stage:
        records = records.filter(stage=stage)
    if waste_class:
        records = records.filter(waste_class=waste_class)
    return records.select_related("point", "community", "facility").order_by("-day", "-pk")


def checks_behind(*, user, unit: Unit | None = None, point: SortingPoint | None = None, start: date,
                  end: date) -> QuerySet[SortingCheck]:
    clause = visible_filter(user)
    if clause is None:
        return SortingCheck.objects.none()
    checks = SortingCheck.objects.filter(clause, checked_on__gte=start, checked_on__lt=end)
    if point is not None:
        checks = checks.filter(point=point)
    if unit is not None:
        checks = checks.filter(territory_path__startswith=unit.path)
    return checks.select_related("point", "checked_by").order_by("-checked_on", "-pk")


def record_count(records: QuerySet) -> int:
    return records.aggregate(n=Count("pk"))["n"]


def day_after(day: date) -> date:
    return day + timedelta(days=1)
