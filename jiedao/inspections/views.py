"""The office's inspection pages: the list (by unit, checklist, period, kind), one inspection's
sheet with its deductions, photos and the cases they became, the re-inspection (复查) form,
scores per unit per period, and the plans with what they made due (未按计划检查)."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiedao import clock
from jiedao.cases.errors import CaseError
from jiedao.checklists.models import Checklist
from jiedao.checklists.selectors import checklists_in_force
from jiedao.params import BadParameter, choice_param, date_param, id_or_none, id_param, page_param
from jiedao.territory.access import user_duties
from jiedao.territory.models import Unit, UnitLevel

from .access import (
    READING_ROLES,
    may_read_inspections,
    may_read_plans,
    may_reinspect,
    may_view_inspection,
)
from .models import Inspection, InspectionKind, InspectionPhoto, InspectionState, Outcome
from .scores import MONTH, QUARTER, WEEK, period_of
from .selectors import (
    day_start,
    inspection_cases,
    inspection_sheet,
    inspections_listed,
    plans_due,
    plans_visible_to,
    reinspections_of,
    unit_scores,
)
from .services import ItemOutcome, reinspection_record

PER_PAGE = 50
DEFAULT_DAYS = 30
SCORE_LEVELS = (UnitLevel.AREA, UnitLevel.COMMUNITY, UnitLevel.GRID)


def _require_reader(user) -> None:
    if not may_read_inspections(user=user):
        raise PermissionDenied(_("检查考评仅供检查人员、社区书记和领导查看"))


def _reading_tops(user) -> list[Unit]:
    """The units a person reads inspections under (the whole tree for a superuser)."""
    if user.is_superuser:
        return list(Unit.objects.filter(parent__isnull=True))
    return sorted({duty.unit.pk: duty.unit for duty in user_duties(user)
                   if duty.role in READING_ROLES and duty.unit is not None}.values(), key=lambda unit: unit.path)


def _period(query) -> tuple[date, date]:
    """start–end (inclusive days) from the query; the last 30 days by default."""
    today = timezone.localtime(clock.now()).date()
    start = date_param(query, "start", default=today - timedelta(days=DEFAULT_DAYS - 1))
    end = date_param(query, "end", default=today)
    if end < start:
        raise BadParameter(_("结束日期不能早于开始日期"))
    return start, end


def _inspection_or_404(user, pk: int) -> Inspection:
    inspection = (Inspection.objects.select_related("unit", "checklist", "version", "inspector", "plan")
                  .filter(pk=pk).first())
    # 404 for an inspection the reader may not open, like one that does not exist.
    if inspection is None or not may_view_inspection(user=user, inspection=inspection):
        raise Http404(_("未找到该检查"))
    return inspection


# ---------------------------------------------------------------- list

@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    start, end = _period(request.GET)
    unit = Unit.objects.filter(pk=id_param(request.GET, "unit")).first()
    checklist = Checklist.objects.filter(pk=id_param(request.GET, "checklist")).first()
    kind = choice_param(request.GET, "kind", InspectionKind.values)
    state = choice_param(request.GET, "state", InspectionState.values)
    page = page_param(request.GET)
    inspections = inspections_listed(user=user, unit=unit, checklist=checklist, start=day_start(start),
                                      end=day_start(end + timedelta(days=1)), kind=kind, state=state)
    rows = list(inspections[(page - 1) * PER_PAGE: page * PER_PAGE + 1])
    tops = _reading_tops(user)
    units = [candidate for candidate in Unit.objects.filter(level__in=SCORE_LEVELS).order_by("path")
             if any(candidate.path.startswith(top.path) for top in tops)]
    return render(request, "inspections/inspection_list.html", {
        "inspections": rows[:PER_PAGE], "has_next": len(rows) > PER_PAGE, "page": page,
        "start": start, "end": end, "unit": unit, "checklist": checklist, "kind": kind, "state": state,
        "units": units, "checklists": Checklist.objects.order_by("code"), "kinds": InspectionKind.choices,
        "states": InspectionState.choices,
    })


# ---------------------------------------------------------------- one inspection

@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = _inspection_or_404(user, pk)
    sheet = inspection_sheet(inspection)
    cases = inspection_cases(inspection=inspection, user=user)
    visible_cases = list(cases.visible)
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "sheet": sheet, "cases": visible_cases, "hidden_count": cases.hidden_count,
        "visible_case_ids": {case.pk for case in visible_cases},
        "reinspections": reinspections_of(inspection),
        "may_reinspect": (inspection.state == InspectionState.SUBMITTED and bool(sheet.failed_rows)
                          and may_reinspect(user=user, inspection=inspection)),
    })


@login_required
@require_GET
def inspection_photo(request: HttpRequest, pk: int, photo_id: int, size: str) -> HttpResponse:
    inspection = _inspection_or_404(request.user, pk)
    photo = get_object_or_404(InspectionPhoto, pk=photo_id, result__inspection=inspection)
    stored = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg" if size == "thumb" else photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reinspection_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = _inspection_or_404(user, pk)
    if not may_reinspect(user=user, inspection=inspection):
        raise PermissionDenied(_("您无权复查该检查"))
    sheet = inspection_sheet(inspection)
    status = 200
    if request.method == "POST":
        # Every item the form sent is read (not only those it offered): an item the inspection did
        # not fail is refused by the service with a message, not silently dropped.
        outcomes = []
        for name, value in request.POST.items():
            item_id = id_or_none(name.removeprefix("outcome-")) if name.startswith("outcome-") else None
            if item_id is not None and value:
                outcomes.append(ItemOutcome(item_id=item_id, outcome=value,
                                            note=request.POST.get(f"note-{item_id}", "")))
        try:
            reinspection_record(inspection=inspection, by=user, outcomes=outcomes, note=request.POST.get("note", ""))
        except CaseError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("复查已记录"))
            return redirect("inspections:inspection-detail", pk=inspection.pk)
    entries = [{"row": row, "outcome": request.POST.get(f"outcome-{row.item.pk}", ""),
                "note": request.POST.get(f"note-{row.item.pk}", "")} for row in sheet.failed_rows]
    return render(request, "inspections/reinspection_form.html", {
        "inspection": inspection, "entries": entries, "outcomes": Outcome.choices,
        "note": request.POST.get("note", ""),
    }, status=status)


# ---------------------------------------------------------------- scores per unit

@login_required
@require_GET
def unit_score_table(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    start, end = _period(request.GET)
    versions = list(checklists_in_force())
    checklist = Checklist.objects.filter(pk=id_param(request.GET, "checklist")).first()
    if checklist is None and versions:
        # The checklist most inspected in the period, so the page opens on figures.
        counts = dict(inspections_listed(user=user, start=day_start(start), end=day_start(end + timedelta(days=1)),
                                         state=InspectionState.SUBMITTED)
                      .values_list("checklist_id").annotate(n=Count("pk")).order_by())
        checklist = max((version.checklist for version in versions), key=lambda item: counts.get(item.pk, 0))
    level = choice_param(request.GET, "level", [str(value) for value in SCORE_LEVELS], default=UnitLevel.COMMUNITY)
    tops = _reading_tops(user)
    units = [unit for unit in Unit.objects.filter(level=level, is_active=True).order_by("path")
             if any(unit.path.startswith(top.path) for top in tops)]
    scores = (unit_scores(checklist=checklist, units=units, start=day_start(start),
                          end=day_start(end + timedelta(days=1))) if checklist else {})
    rows = sorted(({"unit": unit, "score": scores.get(unit.pk)} for unit in units),
                  key=lambda row: (row["score"] is None or row["score"].average is None,
                                   -(row["score"].average or 0) if row["score"] else 0, row["unit"].path))
    return render(request, "inspections/unit_scores.html", {
        "rows": rows, "start": start, "end": end, "checklist": checklist,
        "checklists": [version.checklist for version in versions], "level": level,
        "levels": [(value, label) for value, label in UnitLevel.choices if value in SCORE_LEVELS],
    })


# ---------------------------------------------------------------- plans

@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_read_plans(user=user):
        raise PermissionDenied(_("检查计划仅供检查人员和管理员查看"))
    today = timezone.localtime(clock.now()).date()
    frequency = choice_param(request.GET, "period", [WEEK, MONTH, QUARTER], default=MONTH)
    start, end = period_of(frequency, today)
    # The period before this one too: what was missed is what ended unfinished.
    previous_start = period_of(frequency, start - timedelta(days=1))[0]
    plans = list(plans_visible_to(user=user).filter(is_active=True))
    # Periods not begun yet are not due.
    rows = [row for row in plans_due(plans=plans, start=previous_start, end=end) if row.period_start <= today]
    return render(request, "inspections/plan_list.html", {
        "plans": plans, "rows": rows, "today": today, "missed": [row for row in rows if row.is_missed(today)],
        "frequency": frequency, "start": previous_start, "end": end,
    })
