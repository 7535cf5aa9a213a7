"""Reads: the points one may see with their latest sample's worst level, a point's samples with each
value beside the limit it was assessed against."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from .access import visible_points_filter
from .assessment import FLAGGED_LEVELS, Limit, limit_for, share_percent, worst
from .models import Level, MonitoringPoint, ProjectStatus, SampleValue, SoilLimit, SoilSample
from .services import limits_of

POINTS_SHOWN = 500  # a list page shows at most this many points
SAMPLES_SHOWN = 50


def points_visible(*, user) -> QuerySet[MonitoringPoint]:
    scope = visible_points_filter(user)
    if scope is None:
        return MonitoringPoint.objects.none()
    return MonitoringPoint.objects.filter(scope).select_related("land_use_class", "grid")


@dataclass(frozen=True)
class ValueRow:
    parameter: str
    parameter_label: str
    value: object
    unit: str
    value_mg_per_kg: object
    level: str
    level_label: str
    limit: Limit | None
    case_id: int | None


def point_samples(*, point: MonitoringPoint) -> list[tuple[SoilSample, list[ValueRow]]]:
    limits = limits_of(point.land_use_class)
    result = []
    for sample in point.samples.prefetch_related("values")[:SAMPLES_SHOWN]:
        rows = [ValueRow(parameter=v.parameter, parameter_label=v.get_parameter_display(), value=v.value.normalize(),
                         unit=v.unit, value_mg_per_kg=v.value_mg_per_kg.normalize(), level=v.level,
                         level_label=v.get_level_display(),
                         limit=limit_for(limits, parameter=v.parameter, ph=sample.ph), case_id=v.case_id)
                for v in sample.values.all()]
        result.append((sample, rows))
    return result


# ---------------------------------------------------------------- the leaders' overview

OVERVIEW_POINTS = 20000
OPEN_PROJECT_STATES = frozenset({ProjectStatus.PLANNED, ProjectStatus.UNDERWAY, ProjectStatus.SUSPENDED})
LEVEL_FILTERS = ("screening", "control", "below", "unsampled")


@dataclass(frozen=True)
class PointState:
    """A point as the overview counts it: the worst level of its latest sample (None: never
    sampled), its samples in the period, its open remediation projects."""

    point: MonitoringPoint
    latest_on: date | None
    level: str | None
    samples_in_period: int
    open_projects: int


def point_states(*, user, within: str, first_day: date, last_day: date) -> list[PointState]:
    """Every point `user` may read under the unit path `within` ("" for all). Three queries: the
    points with their latest sample and counts, then the latest samples' values."""
    points = points_visible(user=user)
    if within:
        points = points.filter(territory_path__startswith=within)
    latest = SoilSample.objects.filter(point=OuterRef("pk")).order_by("-sampled_on", "-pk")
    points = list(points.annotate(
        latest_id=Subquery(latest.values("pk")[:1]), latest_on=Subquery(latest.values("sampled_on")[:1]),
        sampled=Count("samples", filter=Q(samples__sampled_on__gte=first_day, samples__sampled_on__lte=last_day),
                      distinct=True),
        open_projects=Count("projects", filter=Q(projects__status__in=OPEN_PROJECT_STATES), distinct=True),
    )[:OVERVIEW_POINTS])
    levels: dict[int, list[str]] = {}
    for sample_id, level in SampleValue.objects.filter(
            sample_id__in=[point.latest_id for point in points if point.latest_id]).values_list("sample_id", "level"):
        levels.setdefault(sample_id, []).append(level)
    return [PointState(point=point, latest_on=point.latest_on,
                       level=worst(levels.get(point.latest_id, [])) if point.latest_id else None,
                       samples_in_period=point.sampled, open_projects=point.open_projects)
            for point in points]


def states_matching(states: list[PointState], *, level: str = "", land_use: str = "", sampled: bool = False,
                    projects: bool = False) -> list[PointState]:
    """The points behind a figure: `level` screening (above the 筛选值, the 管制值 included), control
    (above the 管制值), below (at or under the 筛选值), unsampled; a land-use class code; sampled in
    the period; with an open remediation project."""
    chosen = states
    if level == "screening":
        chosen = [s for s in chosen if s.level in FLAGGED_LEVELS]
    elif level == "control":
        chosen = [s for s in chosen if s.level == Level.ABOVE_CONTROL]
    elif level == "below":
        chosen = [s for s in chosen if s.level == Level.BELOW_SCREENING]
    elif level == "unsampled":
        chosen = [s for s in chosen if s.level is None]
    if land_use:
        chosen = [s for s in chosen if s.point.land_use_class.code == land_use]
    if sampled:
        chosen = [s for s in chosen if s.samples_in_period]
    if projects:
        chosen = [s for s in chosen if s.open_projects]
    return chosen


@dataclass(frozen=True)
class ClassFigures:
    code: str
    name: str
    points: int
    over_screening: int
    over_control: int


@dataclass(frozen=True)
class SoilFigures:
    points: int
    over_screening: int  # the latest sample above a 筛选值 (those above a 管制值 included)
    over_control: int
    unsampled: int
    sampled_points: int  # points sampled in the period
    samples: int  # samples taken in the period
    open_projects: int
    by_class: list[ClassFigures]

    @property
    def over_screening_share(self):
        """超筛选值点位占比 = 超筛选值点位 / 已采样点位 × 100 %, one decimal; None with nothing sampled."""
        return share_percent(self.over_screening, self.points - self.unsampled)


def soil_figures(states: list[PointState]) -> SoilFigures:
    by_class: dict[str, list[PointState]] = {}
    for state in states:
        by_class.setdefault(state.point.land_use_class.code, []).append(state)
    order = sorted(by_class.values(), key=lambda rows: (rows[0].point.land_use_class.order, rows[0].point.land_use_class.code))
    levels = Counter(state.level for state in states)
    return SoilFigures(
        points=len(states), over_screening=levels[Level.ABOVE_SCREENING] + levels[Level.ABOVE_CONTROL],
        over_control=levels[Level.ABOVE_CONTROL], unsampled=levels[None],
        sampled_points=sum(1 for state in states if state.samples_in_period),
        samples=sum(state.samples_in_period for state in states),
        open_projects=sum(state.open_projects for state in states),
        by_class=[ClassFigures(code=rows[0].point.land_use_class.code, name=rows[0].point.land_use_class.name,
                               points=len(rows),
                               over_screening=sum(1 for s in rows if s.level in FLAGGED_LEVELS),
                               over_control=sum(1 for s in rows if s.level == Level.ABOVE_CONTROL))
                  for rows in order])


def figures_by_unit(*, states: list[PointState], units) -> list:
    """Each unit's figures from the points under its path (the drill-down's rows)."""
    return [(unit, soil_figures([s for s in states if s.point.territory_path.startswith(unit.path)]))
            for unit in units]


def limits_unconfirmed() -> list[tuple[str, int]]:
    """The land-use classes whose limits still await the office's confirmation, with how many rows
    (standards.md §10: values seeded from memory say so until confirmed)."""
    return [(row["land_use_class__name"], row["rows"]) for row in
            SoilLimit.objects.filter(is_confirmed=False).values("land_use_class__name", "land_use_class__order")
            .annotate(rows=Count("pk")).order_by("land_use_class__order")]


def points_for_map(states: list[PointState], *, at_most: int = 3000) -> list[list]:
    """[[id, lon, lat, level or "", code, name], …]: the map's points as the list shows them."""
    return [[s.point.pk, s.point.longitude, s.point.latitude, s.level or "", s.point.code, s.point.name]
            for s in states[:at_most]]
