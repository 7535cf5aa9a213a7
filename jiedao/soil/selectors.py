"""Reads: the points one may see with their latest sample's worst level, a point's samples with each
value beside the limit it was assessed against."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .access import visible_points_filter
from .assessment import Limit, limit_for, worst
from .models import MonitoringPoint, SoilSample
from .services import limits_of

POINTS_SHOWN = 500
SAMPLES_SHOWN = 50


def points_visible(*, user) -> QuerySet[MonitoringPoint]:
    scope = visible_points_filter(user)
    if scope is None:
        return MonitoringPoint.objects.none()
    return MonitoringPoint.objects.filter(scope).select_related("land_use_class", "grid")


@dataclass(frozen=True)
class PointRow:
    point: MonitoringPoint
    latest: SoilSample | None
    level: str | None


def point_rows(*, user) -> list[PointRow]:
    points = list(points_visible(user=user)[:POINTS_SHOWN])
    latest: dict[int, SoilSample] = {}
    # One query: samples of these points newest first; the first seen per point is its latest.
    for sample in (SoilSample.objects.filter(point__in=points).order_by("point_id", "-sampled_on", "-pk")
                   .prefetch_related("values")):
        latest.setdefault(sample.point_id, sample)
    return [PointRow(point=point, latest=latest.get(point.pk),
                     level=worst(v.level for v in latest[point.pk].values.all()) if point.pk in latest else None)
            for point in points]


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
