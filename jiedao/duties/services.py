"""Writes of the duties app: recording a done duty (judged against its plan's minimums, kept
whether it counts or not, once per source record), saving plans, and the consequences of missed
duties (consequences.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.territory.models import Duty, Organisation

from . import frequency
from .models import DutyKind, DutyPlan, DutyPlanTarget, DutyWork, InvalidReason
from .registry import UnknownFilter, filter_lookups, subject_kind, subject_kind_of
from .targets import subject_in_target_set


class DutyError(ValueError):
    """A refused write, with a translated message."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def work_invalid_reasons(*, plan: DutyPlan | None, duration_seconds: int, distance_m: int,
                         coverage: Decimal | None, photos: int) -> list[str]:
    """Why a work does not count against its plan's minimums (standards.md §5: e.g. 阿合奇县 a patrol
    counts only if ≥30 min and ≥2 km; 广州 ≥10 min and ≥1 km); [] when it counts or has no plan."""
    if plan is None:
        return []
    reasons = []
    if duration_seconds < plan.min_duration_minutes * 60:
        reasons.append(InvalidReason.TOO_SHORT.value)
    if distance_m < plan.min_distance_m:
        reasons.append(InvalidReason.TOO_SHORT_DISTANCE.value)
    if plan.min_coverage is not None and (coverage is None or coverage < plan.min_coverage):
        reasons.append(InvalidReason.LOW_COVERAGE.value)
    if photos < plan.min_photos:
        reasons.append(InvalidReason.TOO_FEW_PHOTOS.value)
    return reasons


def _plan_reaches(plan: DutyPlan, *, person, organisation, subject_unit_path: str | None) -> bool:
    """Whether the plan obliges this person or organisation (for this subject's unit)."""
    if plan.assignee_person_id:
        return person is not None and plan.assignee_person_id == person.pk
    if plan.assignee_organisation_id:
        return organisation is not None and plan.assignee_organisation_id == organisation.pk
    if person is None:
        return False
    return bool(_role_units_covering(plan, person=person, subject_unit_path=subject_unit_path))


def _role_units_covering(plan: DutyPlan, *, person, subject_unit_path: str | None) -> list:
    duties = Duty.objects.filter(user=person, role=plan.assignee_role, unit__isnull=False).select_related("unit")
    if plan.assignee_level:
        duties = duties.filter(unit__level=plan.assignee_level)
    units = [duty.unit for duty in duties
             if plan.assignee_unit_id is None or duty.unit.path.startswith(plan.assignee_unit.path)]
    if subject_unit_path is not None:
        units = [unit for unit in units if subject_unit_path.startswith(unit.path)]
    return units


def _applicable_plan(*, kind: str, kind_key: str, subject, person, organisation, on) -> DutyPlan | None:
    """The active plan of this kind whose targets hold the subject and which obliges the person or
    the organisation: a plan naming the person first, then the contractor's, then a role's."""
    plans = (DutyPlan.objects.filter(kind=kind, subject_kind=kind_key, is_active=True, starts_on__lte=on)
             .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
             .select_related("assignee_unit").order_by("pk"))
    who = Q(assignee_role__gt="")
    if person is not None:
        who |= Q(assignee_person=person)
    if organisation is not None:
        who |= Q(assignee_organisation=organisation)
    plans = plans.filter(who)
    unit_path = _subject_unit_path(kind_key, subject)

    def rank(plan: DutyPlan) -> int:
        return 0 if plan.assignee_person_id else 1 if plan.assignee_organisation_id else 2

    for plan in sorted(plans, key=rank):
        if subject_in_target_set(plan, subject.pk) and _plan_reaches(
                plan, person=person, organisation=organisation, subject_unit_path=unit_path):
            return plan
    return None


def _subject_unit(kind_key: str, subject):
    from jiedao.territory.models import Unit

    kind = subject_kind(kind_key)
    unit = kind.unit(subject) if kind else None
    if unit is not None and not isinstance(unit, Unit):
        unit = Unit.objects.filter(pk=unit).first()
    return unit


def _subject_unit_path(kind_key: str, subject) -> str | None:
    unit = _subject_unit(kind_key, subject)
    return unit.path if unit else None


def duty_work_record(*, kind: str, subject, started_at: datetime, ended_at: datetime, person=None,
                     organisation: Organisation | None = None, plan: DutyPlan | None = None, distance_m: int = 0,
                     coverage: Decimal | float | None = None, photos: int = 0, source=None) -> DutyWork:
    """Record one done duty on a subject of a declared register.

    Finds the applicable active plan when none is given; judges the work against the plan's
    minimums and keeps it either way (`is_valid`, `invalid_reasons`). A given plan that does not
    cover the subject, or does not oblige the person, keeps the work as 对象不在职责范围内.
    Idempotent per `source` (any saved model instance, e.g. the river patrol): a second call
    returns the first work unchanged."""
    if kind not in DutyKind.values:
        raise DutyError(_("未知的履职类型：%(kind)s") % {"kind": kind})
    if person is None and organisation is None:
        raise DutyError(_("履职记录须有人员或作业单位"))
    registered = subject_kind_of(subject)
    if registered is None:
        raise DutyError(_("“%(subject)s”不属于已登记的履职对象") % {"subject": subject})
    if started_at.tzinfo is None or ended_at.tzinfo is None:
        raise DutyError(_("开始和结束时间须带时区"))
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    if source is not None:
        existing = DutyWork.objects.filter(source_type=source_type, source_id=source.pk).first()
        if existing is not None:
            return existing

    on = timezone.localtime(started_at).date()
    reasons: list[str] = []
    if ended_at < started_at:
        reasons.append(InvalidReason.ENDS_BEFORE_START.value)
    duration_seconds = max(int((ended_at - started_at).total_seconds()), 0)
    unit = _subject_unit(registered.key, subject)
    if plan is None:
        plan = _applicable_plan(kind=kind, kind_key=registered.key, subject=subject, person=person,
                                organisation=organisation, on=on)
    elif not (plan.subject_kind == registered.key and subject_in_target_set(plan, subject.pk)
              and _plan_reaches(plan, person=person, organisation=organisation,
                                subject_unit_path=unit.path if unit else None)):
        reasons.append(InvalidReason.OUTSIDE_SCOPE.value)
    if unit is None and person is not None and plan is not None and plan.assignee_role:
        covering = _role_units_covering(plan, person=person, subject_unit_path=None)
        unit = covering[0] if covering else None
    coverage_value = Decimal(str(coverage)).quantize(Decimal("0.001")) if coverage is not None else None
    reasons += work_invalid_reasons(plan=plan, duration_seconds=duration_seconds, distance_m=max(distance_m, 0),
                                    coverage=coverage_value, photos=max(photos, 0))
    work = DutyWork(
        plan=plan, kind=kind, person=person, organisation=organisation,
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, unit=unit,
        started_at=started_at, ended_at=ended_at, on_date=on, duration_seconds=duration_seconds,
        distance_m=max(distance_m, 0), coverage=coverage_value, photo_count=max(photos, 0),
        is_valid=not reasons, invalid_reasons=reasons, source_type=source_type,
        source_id=source.pk if source is not None else None, created_at=clock.now())
    try:
        with transaction.atomic():
            work.save()
    except IntegrityError:
        if source is None:
            raise
        # The same source recorded at the same moment by another request: theirs is the work.
        return DutyWork.objects.get(source_type=source_type, source_id=source.pk)
    return work


# ---------------------------------------------------------------- plans

PLAN_FIELDS = (
    "name", "kind", "assignee_role", "assignee_level", "assignee_unit", "assignee_person", "assignee_organisation",
    "checklist", "subject_kind", "per_subject", "frequency_unit", "times_per_period", "working_days_only",
    "season_start_month", "season_end_month", "starts_on", "ends_on", "min_duration_minutes", "min_distance_m",
    "min_coverage", "min_photos", "basis", "is_sample", "is_active",
)


class PlanRefused(DutyError):
    """A plan that cannot be saved: `problems` maps each field to its translated message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("；".join(str(message) for message in problems.values()))


def duty_plan_problems(*, values: dict, items: list[int], filters: dict) -> dict[str, str]:
    """What is wrong with a plan before it is written (every message translated): no one
    responsible, a frequency of zero, a season month outside 1–12, a window end before its start,
    an unknown register or filter, an empty target set, a named person or a role's unit that does
    not hold a subject."""
    problems: dict[str, str] = {}
    times = values.get("times_per_period")
    if times is None or times < 1:
        problems["times_per_period"] = _("每期次数至少为 1")
    start_month, end_month = values.get("season_start_month"), values.get("season_end_month")
    if not frequency.season_valid(start_month, end_month):
        problems["season_start_month"] = _("时段的开始月和结束月须同时填写，且在 1–12 之间")
    who = [bool(values.get("assignee_person")), bool(values.get("assignee_organisation")),
           bool(values.get("assignee_role"))]
    if sum(who) != 1:
        problems["assignee_role"] = _("请在角色、责任人、作业单位中选择且只选择一种责任方")
    elif values.get("assignee_role") and not (values.get("assignee_level") or values.get("assignee_unit")):
        problems["assignee_level"] = _("按角色指定时，请选择角色所在层级或单位")
    if values.get("ends_on") and values.get("starts_on") and values["ends_on"] < values["starts_on"]:
        problems["ends_on"] = _("结束日期不能早于开始日期")
    for name in ("min_duration_minutes", "min_distance_m", "min_photos"):
        if (values.get(name) or 0) < 0:
            problems[name] = _("不能为负数")

    kind = subject_kind(values.get("subject_kind") or "")
    if kind is None:
        problems["subject_kind"] = _("对象类型“%(key)s”尚未登记") % {"key": values.get("subject_kind") or ""}
        return problems
    try:
        filter_lookups(kind, filters)
    except UnknownFilter as refused:
        problems["target_filter"] = _("“%(kind)s”没有筛选条件“%(name)s”") % {"kind": kind.label, "name": refused.name}
        return problems
    subjects = list(kind.queryset(items=items) if items else kind.queryset(filters=filters))
    if items and len(subjects) != len(set(items)):
        problems["targets"] = _("有 %(count)s 个对象不在“%(kind)s”登记册中") % {
            "count": len(set(items)) - len(subjects), "kind": kind.label}
    if not subjects:
        problems["targets"] = _("对象为空：请选择具体对象，或换一个能选出对象的筛选条件")
        return problems

    units = {obj.pk: _subject_unit(kind.key, obj) for obj in subjects}
    person = values.get("assignee_person")
    if person is not None and "assignee_role" not in problems:
        scopes = [duty.unit for duty in Duty.objects.filter(user=person, unit__isnull=False)
                  .select_related("unit")]
        outside = [obj for obj in subjects if units[obj.pk] is not None and scopes
                   and not any(units[obj.pk].path.startswith(scope.path) for scope in scopes)]
        if outside:
            problems["assignee_person"] = _("%(person)s 的负责范围不含：%(subjects)s") % {
                "person": getattr(person, "full_name", "") or person, "subjects": "、".join(
                    str(obj) for obj in outside[:5])}
    scope_unit = values.get("assignee_unit")
    if scope_unit is not None and values.get("assignee_role"):
        outside = [obj for obj in subjects if units[obj.pk] is not None
                   and not units[obj.pk].path.startswith(scope_unit.path)]
        if outside and items:
            problems["assignee_unit"] = _("%(unit)s 不含：%(subjects)s") % {
                "unit": scope_unit.name, "subjects": "、".join(str(obj) for obj in outside[:5])}
    return problems


def duty_plan_save(*, plan: DutyPlan | None, values: dict, items: list[int], filters: dict) -> DutyPlan:
    """Create or change a plan and its explicit targets in one transaction; `PlanRefused` with every
    problem, nothing written."""
    problems = duty_plan_problems(values=values, items=items, filters=filters)
    if problems:
        raise PlanRefused(problems)
    with transaction.atomic():
        plan = plan or DutyPlan()
        for name in PLAN_FIELDS:
            if name in values:
                setattr(plan, name, values[name])
        plan.target_filter = {} if items else dict(filters)
        plan.save()
        plan.targets.exclude(object_id__in=items).delete()
        known = set(plan.targets.values_list("object_id", flat=True))
        plan.targets.bulk_create([DutyPlanTarget(plan=plan, object_id=object_id)
                                  for object_id in sorted(set(items) - known)])
    return plan
