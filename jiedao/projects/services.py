"""Writes: a project, its stage, milestones, spending, progress reports and the cases that led to
it. Every rule is checked before anything is written; a `ValidationError` keyed by field carries
translated messages and nothing is saved (each service is one transaction)."""

import json
from datetime import date
from decimal import Decimal, InvalidOperation

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from jiedao import clock
from jiedao.cases.access import can_view
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case, ClosureType
from jiedao.cases.photos import photo_prepare
from jiedao.cases.services import case_close, photos_count_check
from jiedao.params import id_or_none, int_or_none
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation

from .access import (
    may_manage_at,
    may_record_spending,
    may_report_progress,
    projects_visible_filter,
)
from .models import (
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCase,
    ProjectKind,
    ProjectStage,
    Spending,
)

GEOMETRY_TYPES = frozenset({"LineString", "MultiLineString", "Polygon", "MultiPolygon"})
LONGEST_GEOMETRY_CHARS = 50_000
LARGEST_AMOUNT = Decimal("1e12")  # 14 digits, 2 decimals
MAX_MILESTONES_AT_ONCE = 30


def geometry_parse(text: str) -> tuple[dict, float, float]:
    """The GeoJSON line or polygon and a point on it (lon, lat); `ValueError` with a translated message."""
    if len(text) > LONGEST_GEOMETRY_CHARS:
        raise ValueError(_("位置数据过长"))
    wrong = _("位置应为 GeoJSON 线（LineString）或面（Polygon），WGS-84 经纬度")
    try:
        data = json.loads(text)
        geometry = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.GEOSException):
        raise ValueError(wrong) from None
    if not isinstance(data, dict) or data.get("type") not in GEOMETRY_TYPES or geometry.is_empty \
            or not geometry.is_valid:
        raise ValueError(wrong)
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(_("坐标应为 WGS-84 经纬度"))
    inside = geometry.representative_point()
    return data, inside.x, inside.y


def money_parse(text: str, field: str, errors: dict, *, required: bool = True,
                positive: bool = False) -> Decimal | None:
    """An amount in 元 with at most two decimals; refusals in `errors[field]`."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        if required:
            errors[field] = _("请填写金额")
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        errors[field] = _("请输入数字")
        return None
    if not value.is_finite():
        errors[field] = _("请输入数字")
        return None
    if value < 0:
        errors[field] = _("金额不能为负数")
        return None
    if positive and value == 0:
        errors[field] = _("金额须大于零")
        return None
    if value >= LARGEST_AMOUNT:
        errors[field] = _("数值过大")
        return None
    if value != value.quantize(Decimal("0.01")):
        errors[field] = _("金额最多两位小数")
        return None
    return value


def _errors_raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _project_for(*, by, project_id) -> Project:
    clause = projects_visible_filter(by)
    project = None
    pk = id_or_none(str(project_id))
    if clause is not None and pk is not None:
        project = Project.objects.select_for_update().filter(clause, pk=pk).first()
    if project is None:
        raise ValidationError({"project": _("没有这个项目")})
    return project


def _milestone_date_errors(*, planned_on: date | None, start_on: date | None, field: str, errors: dict) -> None:
    if planned_on is None:
        errors[field] = _("请填写计划完成日期")
    elif start_on is not None and planned_on < start_on:
        errors[field] = _("里程碑计划日期（%(day)s）不能早于项目开工日期（%(start)s）") % {
            "day": planned_on, "start": start_on}


@transaction.atomic
def project_create(*, by, name: str, kind_id: str, description: str, geometry: str, department_id: str,
                   budget: str, start_on: date | None, end_on: date | None, stage: str = ProjectStage.PLANNED,
                   milestones: list[tuple[str, date | None]] = (), today: date) -> Project:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写项目名称")
    elif len(name) > 100:
        errors["name"] = _("项目名称不能超过 %(n)d 字") % {"n": 100}
    kind = ProjectKind.objects.filter(pk=id_or_none(str(kind_id)), is_active=True).first() \
        if id_or_none(str(kind_id)) else None
    if kind is None:
        errors["kind"] = _("请选择项目类型")
    if stage not in ProjectStage.values:
        errors["stage"] = _("请选择项目阶段")
    department = Organisation.objects.filter(pk=id_or_none(str(department_id)), is_active=True).first() \
        if id_or_none(str(department_id)) else None
    if department is None:
        errors["department"] = _("请选择责任部门")
    amount = money_parse(budget, "budget", errors)
    if start_on is None:
        errors["start_on"] = _("请填写开工日期")
    if end_on is None:
        errors["end_on"] = _("请填写计划完工日期")
    elif start_on is not None and end_on < start_on:
        errors["end_on"] = _("计划完工日期不能早于开工日期")
    located = None
    try:
        data, lon, lat = geometry_parse(geometry)
        located = grid_locator().locate(lon, lat)
        if located is None or located.community_id is None:
            errors["geometry"] = _("位置不在本街道的任何社区（村）内")
    except ValueError as error:
        errors["geometry"] = str(error)
    if len(milestones) > MAX_MILESTONES_AT_ONCE:
        errors["milestones"] = _("一次最多录入 %(n)d 个里程碑") % {"n": MAX_MILESTONES_AT_ONCE}
    for index, (title, planned_on) in enumerate(milestones[:MAX_MILESTONES_AT_ONCE]):
        if not title.strip():
            errors.setdefault("milestones", _("第 %(n)d 个里程碑缺少名称") % {"n": index + 1})
        _milestone_date_errors(planned_on=planned_on, start_on=start_on, field=f"milestone_{index}", errors=errors)
    if located is not None and located.community_id is not None \
            and not may_manage_at(user=by, territory_path=located.territory_path):
        errors["form"] = _("您无权在此处建立项目")
    _errors_raise(errors)
    project = Project.objects.create(
        name=name, kind=kind, stage=stage, description=(description or "").strip()[:5000], geometry=data,
        community_id=located.community_id, territory_path=located.territory_path, department=department,
        budget=amount, start_on=start_on, end_on=end_on, created_by=by, created_at=clock.now())
    Milestone.objects.bulk_create([Milestone(project=project, name=title.strip()[:100], planned_on=planned_on)
                                   for title, planned_on in milestones])
    return project


@transaction.atomic
def project_stage_change(*, by, project_id, stage: str) -> Project:
    project = _project_for(by=by, project_id=project_id)
    if not may_manage_at(user=by, territory_path=project.territory_path):
        raise ValidationError({"form": _("您无权更改该项目的阶段")})
    if stage not in ProjectStage.values:
        raise ValidationError({"stage": _("请选择项目阶段")})
    if stage == ProjectStage.DONE and project.milestones.filter(actual_on__isnull=True).exists():
        raise ValidationError({"stage": _("尚有未完成的里程碑，不能标记为已完工")})
    project.stage = stage
    project.save(update_fields=["stage"])
    return project


@transaction.atomic
def milestone_add(*, by, project_id, name: str, planned_on: date | None) -> Milestone:
    project = _project_for(by=by, project_id=project_id)
    if not may_manage_at(user=by, territory_path=project.territory_path):
        raise ValidationError({"form": _("您无权为该项目增加里程碑")})
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写节点名称")
    _milestone_date_errors(planned_on=planned_on, start_on=project.start_on, field="planned_on", errors=errors)
    _errors_raise(errors)
    return Milestone.objects.create(project=project, name=name[:100], planned_on=planned_on)


@transaction.atomic
def milestone_finish(*, by, milestone_id, actual_on: date | None, note: str, today: date) -> Milestone:
    milestone = Milestone.objects.filter(pk=id_or_none(str(milestone_id))).first() \
        if id_or_none(str(milestone_id)) else None
    project = _project_for(by=by, project_id=milestone.project_id) if milestone is not None else None
    if milestone is None or project is None:
        raise ValidationError({"milestone": _("没有这个里程碑")})
    if not may_report_progress(user=by, project=project):
        raise ValidationError({"form": _("您无权录入该项目的进度")})
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.actual_on is not None:
        raise ValidationError({"actual_on": _("该里程碑已于 %(day)s 完成") % {"day": milestone.actual_on}})
    if actual_on is None:
        raise ValidationError({"actual_on": _("请填写实际完成日期")})
    if actual_on > today:
        raise ValidationError({"actual_on": _("实际完成日期不能晚于今天")})
    if actual_on < project.start_on:
        raise ValidationError({"actual_on": _("实际完成日期（%(day)s）不能早于项目开工日期（%(start)s）") % {
            "day": actual_on, "start": project.start_on}})
    milestone.actual_on = actual_on
    milestone.note = (note or "").strip()[:500]
    milestone.save(update_fields=["actual_on", "note"])
    return milestone


@transaction.atomic
def spending_record(*, by, project_id, spent_on: date | None, amount: str, note: str, today: date) -> Spending:
    project = _project_for(by=by, project_id=project_id)
    if not may_record_spending(user=by, project=project):
        raise ValidationError({"form": _("您无权录入该项目的资金投入")})
    errors: dict[str, str] = {}
    value = money_parse(amount, "amount", errors, positive=True)
    if spent_on is None:
        errors["spent_on"] = _("请填写支出日期")
    elif spent_on > today:
        errors["spent_on"] = _("支出日期不能晚于今天")
    elif spent_on < project.start_on:
        errors["spent_on"] = _("支出日期不能早于项目开工日期（%(start)s）") % {"start": project.start_on}
    _errors_raise(errors)
    return Spending.objects.create(project=project, spent_on=spent_on, amount=value, note=(note or "").strip()[:200],
                                   recorded_by=by, recorded_at=clock.now())


def progress_report(*, by, project_id, reported_on: date | None, percent: str, text: str, photos=(),
                    today: date) -> ProgressReport:
    """A progress report with photos, each checked by content and re-encoded without EXIF before
    anything is written; a photo refused refuses the report."""
    errors: dict[str, str] = {}
    value = None
    percent = (percent or "").strip()
    if percent:
        value = int_or_none(percent)
        if value is None or value > 100:
            errors["percent"] = _("形象进度应为 0 到 100 的整数")
            value = None
    text = (text or "").strip()
    if not text:
        errors["text"] = _("请填写进展情况")
    if reported_on is None:
        errors["reported_on"] = _("请填写报告日期")
    elif reported_on > today:
        errors["reported_on"] = _("报告日期不能晚于今天")
    prepared = []
    try:
        photos_count_check(photos)
        prepared = [photo_prepare(upload) for upload in photos or ()]
    except CaseError as error:
        errors["photos"] = str(error.message)
    saved: list[ProgressPhoto] = []
    try:
        with transaction.atomic():
            project = _project_for(by=by, project_id=project_id)
            if not may_report_progress(user=by, project=project):
                raise ValidationError({"form": _("您无权录入该项目的进度")})
            if reported_on is not None and reported_on < project.start_on and "reported_on" not in errors:
                errors["reported_on"] = _("报告日期不能早于项目开工日期（%(start)s）") % {"start": project.start_on}
            _errors_raise(errors)
            report = ProgressReport.objects.create(project=project, reported_on=reported_on, percent=value,
                                                   text=text[:5000], reported_by=by, reported_at=clock.now())
            for photo in prepared:
                saved.append(ProgressPhoto.objects.create(report=report, image=photo.image,
                                                          thumbnail=photo.thumbnail,
                                                          content_type=photo.content_type,
                                                          size_bytes=photo.size_bytes))
    except BaseException:
        for photo in saved:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise
    return report


def _case_for(*, by, number: str, field: str = "case") -> Case:
    number = (number or "").strip()[:20]
    case = Case.objects.filter(number=number).first() if number else None
    if case is None or not can_view(user=by, case=case):
        # a case the person may not open is answered as one that does not exist
        raise ValidationError({field: _("没有编号为“%(number)s”的案件") % {"number": number}})
    return case


def _not_linked(case: Case, field: str = "case") -> None:
    linked = ProjectCase.objects.filter(case=case).select_related("project").first()
    if linked is not None:
        raise ValidationError({field: _("案件 %(number)s 已关联项目“%(project)s”") % {
            "number": case.number, "project": linked.project.name}})


@transaction.atomic
def project_case_link(*, by, project_id, case_number: str) -> ProjectCase:
    """Name a case (in any state) as one that led to the project, without touching the case."""
    project = _project_for(by=by, project_id=project_id)
    if not may_manage_at(user=by, territory_path=project.territory_path):
        raise ValidationError({"form": _("您无权为该项目关联案件")})
    case = _case_for(by=by, number=case_number)
    _not_linked(case)
    return ProjectCase.objects.create(project=project, case=case, closed_into=False, linked_by=by,
                                      linked_at=clock.now())


@transaction.atomic
def project_case_close_into(*, by, project_id, case_number: str, reason: str,
                            expected_version: int | None = None) -> ProjectCase:
    """结案（纳入项目库）: a checked case whose lasting fix is the project is closed by the shift lead
    (特殊结案, the reason as the opinion) and linked to the project in one transaction; its close
    event names the project. The case loop's own guards (state 已核查, role, scope, version) apply."""
    project = _project_for(by=by, project_id=project_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写纳入项目库的理由")})
    case = _case_for(by=by, number=case_number)
    _not_linked(case)
    links: list[ProjectCase] = []

    def link(locked: Case) -> dict:
        links.append(ProjectCase.objects.create(project=project, case=locked, closed_into=True, linked_by=by,
                                                linked_at=clock.now()))
        return {"project": project.pk, "project_name": project.name}

    opinion = _("纳入项目库“%(project)s”：%(reason)s") % {"project": project.name, "reason": reason[:400]}
    try:
        case_close(case=case, by=by, closure_type=ClosureType.SPECIAL, opinion=opinion,
                   expected_version=expected_version, also=link)
    except CaseError as error:
        raise ValidationError({error.field if error.field in {"reason"} else "case": str(error.message)}) from None
    return links[0]
