"""Reads: the sources one may see, a source's readings and checks, the period figures from the daily
rollup (`ReadingDay`) per unit — the leaders' page, its drill-down and the measures read the same
functions — and the open-burning / fireworks reports that fall in a ban window or zone."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from jiedao.cases.models import OPEN_STATES, Case
from jiedao.territory.models import Unit

from .access import visible_sources_filter
from .models import AirLimit, BanWindow, PollutionSource, Reading, ReadingDay, SourceCheck, SourceType
from .rules import Window, distance_m, in_any_window

READINGS_SHOWN = 200
PAGE_ROWS = 300


def sources_visible(*, user) -> QuerySet[PollutionSource]:
    scope = visible_sources_filter(user)
    if scope is None:
        return PollutionSource.objects.none()
    return PollutionSource.objects.filter(scope).select_related("source_type", "grid__parent")


def limits_of(source_type: SourceType) -> dict[str, AirLimit]:
    return {limit.parameter: limit for limit in AirLimit.objects.filter(source_type=source_type)}


def source_readings(*, source: PollutionSource) -> list[Reading]:
    return list(source.readings.select_related("case").order_by("-measured_at", "-pk")[:READINGS_SHOWN])


def chart_series(readings: list[Reading], limits: dict[str, AirLimit]) -> list[dict]:
    """Per parameter: the points oldest first and the limit, for the chart drawn in the page (SVG)."""
    by_parameter: dict[str, list[Reading]] = defaultdict(list)
    for reading in readings:
        by_parameter[reading.parameter].append(reading)
    series = []
    width, height, pad = 600, 160, 8
    for parameter, rows in sorted(by_parameter.items()):
        rows = sorted(rows, key=lambda r: r.measured_at)
        limit = limits.get(parameter)
        top = 1.1 * (max([float(r.value_mg_m3) for r in rows] + ([float(limit.limit_mg_m3)] if limit else [])) or 1.0)
        step = (width - 2 * pad) / max(len(rows) - 1, 1)

        def y(value: float, top: float = top) -> float:
            return round(height - pad - (height - 2 * pad) * value / top, 1)

        points = " ".join(f"{round(pad + i * step, 1)},{y(float(r.value_mg_m3))}" for i, r in enumerate(rows))
        over = [{"x": round(pad + i * step, 1), "y": y(float(r.value_mg_m3))}
                for i, r in enumerate(rows) if r.is_exceedance]
        series.append({"parameter": rows[0].get_parameter_display(), "points": points, "over": over,
                       "limit": limit, "limit_y": y(float(limit.limit_mg_m3)) if limit else None,
                       "width": width, "height": height, "first": rows[0].measured_at, "last": rows[-1].measured_at,
                       "top": round(top, 4)})
    return series


# ---------------------------------------------------------------- period figures

@dataclass
class Figures:
    sources: int = 0
    readings: int = 0
    exceedances: int = 0
    exceeding_sources: int = 0
    checks: int = 0
    checks_failed: int = 0
    open_cases: int = 0

    @property
    def checks_passed(self) -> int:
        return self.checks - self.checks_failed


def _paths(units: list[Unit]) -> Q:
    clause = Q(pk__in=[])
    for unit in units:
        clause |= Q(territory_path__startswith=unit.path)
    return clause


def air_categories() -> list[int]:
    return list(SourceType.objects.exclude(category=None).values_list("category_id", flat=True))


def figures_by_unit(*, units: list[Unit], start: date, end: date) -> dict[int, Figures]:
    """Figures of each unit (and everything under it) over the days [start, end): five grouped reads
    (rollup, exceeding sources, checks, sources, open cases) by grid path, whatever the number of
    units, each grid path then counted for every unit whose path it starts with."""
    found = {unit.pk: Figures() for unit in units}
    if not units:
        return found
    within = _paths(units)

    def spread(rows, key, add) -> None:
        for row in rows:
            for unit in units:
                if row[key].startswith(unit.path):
                    add(found[unit.pk], row)

    days = ReadingDay.objects.filter(within, day__gte=start, day__lt=end)
    spread(days.values("territory_path").annotate(n=Sum("readings"), over=Sum("exceedances")), "territory_path",
           lambda f, row: (setattr(f, "readings", f.readings + row["n"]),
                           setattr(f, "exceedances", f.exceedances + row["over"])))
    spread(days.filter(exceedances__gt=0).values("territory_path").annotate(n=Count("source_id", distinct=True)),
           "territory_path", lambda f, row: setattr(f, "exceeding_sources", f.exceeding_sources + row["n"]))
    spread(SourceCheck.objects.filter(checked_on__gte=start, checked_on__lt=end)
           .filter(**{"source__in": PollutionSource.objects.filter(within)})
           .values(path=F("source__territory_path"))
           .annotate(n=Count("pk"), failed=Count("pk", filter=Q(passed=False))), "path",
           lambda f, row: (setattr(f, "checks", f.checks + row["n"]),
                           setattr(f, "checks_failed", f.checks_failed + row["failed"])))
    spread(PollutionSource.objects.filter(within, is_active=True).values("territory_path").annotate(n=Count("pk")),
           "territory_path", lambda f, row: setattr(f, "sources", f.sources + row["n"]))
    spread(Case.objects.filter(within, item_id__in=air_categories(), state__in=OPEN_STATES)
           .values("territory_path").annotate(n=Count("pk")), "territory_path",
           lambda f, row: setattr(f, "open_cases", f.open_cases + row["n"]))
    return found


def figures_by_source(*, sources: list[PollutionSource], start: date, end: date) -> dict[int, Figures]:
    found = {source.pk: Figures(sources=1) for source in sources}
    for row in (ReadingDay.objects.filter(source__in=sources, day__gte=start, day__lt=end).values("source_id")
                .annotate(readings=Sum("readings"), exceedances=Sum("exceedances"))):
        figures = found[row["source_id"]]
        figures.readings, figures.exceedances = row["readings"], row["exceedances"]
        figures.exceeding_sources = int(row["exceedances"] > 0)
    for row in (SourceCheck.objects.filter(source__in=sources, checked_on__gte=start, checked_on__lt=end)
                .values("source_id").annotate(total=Count("pk"), failed=Count("pk", filter=Q(passed=False)))):
        found[row["source_id"]].checks, found[row["source_id"]].checks_failed = row["total"], row["failed"]
    return found


def sources_by_type(*, scope: QuerySet[PollutionSource]) -> list[tuple[SourceType, int]]:
    counts = dict(scope.filter(is_active=True).values_list("source_type").annotate(n=Count("pk")))
    return [(source_type, counts.get(source_type.pk, 0)) for source_type in SourceType.objects.all()]


def exceeding_readings(*, scope: QuerySet[PollutionSource], start, end) -> QuerySet[Reading]:
    """The readings behind the exceedance figure (the tile opens them)."""
    return (Reading.objects.filter(source__in=scope, is_exceedance=True, measured_at__gte=start, measured_at__lt=end)
            .select_related("source", "case").order_by("-measured_at"))


# ---------------------------------------------------------------- ban windows and zones

@dataclass(frozen=True)
class BanFlag:
    case: Case
    window: BanWindow
    zone: PollutionSource | None


def ban_flags(*, cases: QuerySet[Case]) -> list[BanFlag]:
    """Reports of a banned category (露天焚烧, 燃放烟花爆竹) made inside the type's ban window — and,
    when the type has zones in the register, inside one of them: each is a violation to show."""
    types = {t.category_id: t for t in SourceType.objects.filter(is_ban_zone=True).exclude(category=None)
             .prefetch_related("ban_windows")}
    if not types:
        return []
    zones: dict[int, list[PollutionSource]] = defaultdict(list)
    for zone in PollutionSource.objects.filter(source_type__in=types.values(), is_active=True):
        zones[zone.source_type_id].append(zone)
    flags = []
    for case in cases.filter(item_id__in=types).order_by("-reported_at")[:PAGE_ROWS]:
        source_type = types[case.item_id]
        day = timezone.localdate(case.reported_at)
        window = next((w for w in source_type.ban_windows.all()
                       if in_any_window(day, [Window(w.start_month, w.start_day, w.end_month, w.end_day)])), None)
        if window is None:
            continue
        near = None
        if zones[source_type.pk]:
            near = next((z for z in zones[source_type.pk] if case.longitude is not None and
                         distance_m(case.longitude, case.latitude, z.longitude, z.latitude) <= z.radius_m), None)
            if near is None:
                continue
        flags.append(BanFlag(case=case, window=window, zone=near))
    return flags
