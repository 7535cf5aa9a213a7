"""/projects/: the list with its map, a project's page with its forms, the photos, and the
leaders' page. Every write calls a service; a refusal shows the page again with its messages."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.cases.selectors import cases_in_reach
from jiedao.params import choice_param, id_or_none, id_param
from jiedao.territory.access import user_roles
from jiedao.territory.models import Organisation, OrganisationKind, Role, Unit, UnitLevel
from jiedao.territory.selectors import grids_geojson

from . import services
from .access import (
    may_create_projects,
    may_manage_at,
    may_read_projects,
    may_record_spending,
    may_report_progress,
)
from .models import ProgressPhoto, ProjectKind, ProjectStage
from .schedule import STANDINGS
from .selectors import PAGE_ROWS, overview, overview_by_unit, project_rows, projects_visible

CASES_SHOWN = 100
MILESTONE_LINES = 12  # blank milestone lines on the new-project form
STANDING_LABELS = {"on_time": gettext_lazy("按期"), "late": gettext_lazy("滞后"), "done": gettext_lazy("已完工")}


def _today() -> date:
    return timezone.localdate(clock.now())


def _reader(request: HttpRequest) -> None:
    if not may_read_projects(user=request.user):
        raise Http404


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def _errors_of(error: ValidationError) -> dict[str, str]:
    found = error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}
    return {name: " ".join(texts) for name, texts in found.items()}


def _posted(request: HttpRequest, names, limit: int = 500) -> dict[str, str]:
    return {name: (request.POST.get(name) or "").strip()[:limit] for name in names}


def _standing_labels() -> list[tuple[str, str]]:
    return [(code, str(STANDING_LABELS[code])) for code in STANDINGS]


def _filtered(request: HttpRequest):
    query = request.GET
    kinds = list(ProjectKind.objects.filter(is_active=True))
    filters = {
        "kind": id_param(query, "kind"),
        "state": choice_param(query, "state", STANDINGS),
        "stage": choice_param(query, "stage", ProjectStage.values),
        "department": id_param(query, "department"),
        "unit": id_param(query, "unit"),
    }
    visible = projects_visible(user=request.user)
    chosen = visible
    if filters["kind"]:
        chosen = chosen.filter(kind_id=filters["kind"])
    if filters["stage"]:
        chosen = chosen.filter(stage=filters["stage"])
    if filters["department"]:
        chosen = chosen.filter(department_id=filters["department"])
    if filters["unit"]:
        unit = Unit.objects.filter(pk=filters["unit"]).first()
        chosen = chosen.filter(territory_path__startswith=unit.path) if unit else chosen.none()
    rows = project_rows(projects=chosen.order_by("-start_on", "-pk")[:PAGE_ROWS * 5], today=_today())
    if filters["state"]:
        rows = [row for row in rows if row.standing == filters["state"]]
    departments = Organisation.objects.filter(pk__in=visible.values("department_id")).order_by("code")
    return rows, filters, kinds, departments


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    rows, filters, kinds, departments = _filtered(request)
    shown = rows[:PAGE_ROWS]
    return render(request, "projects/project_list.html", {
        "rows": shown, "truncated": len(rows) > PAGE_ROWS, "total": len(rows), "filters": filters, "kinds": kinds,
        "departments": departments, "stages": ProjectStage.choices, "standings": _standing_labels(),
        "summary": overview(rows=rows), "may_create": may_create_projects(user=request.user),
        "map_data": map_reference(grids=grids_geojson(), projects={"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": row.project.geometry,
             "properties": {"name": row.project.name, "standing": row.standing,
                            "url": reverse("projects:project-detail", args=[row.project.pk])}}
            for row in shown]}),
    })


def _project_of(request: HttpRequest, pk: int):
    _reader(request)
    found = project_rows(projects=projects_visible(user=request.user).filter(pk=pk), today=_today())
    if not found:
        raise Http404
    return found[0]


def _detail(request: HttpRequest, row, *, form_name: str = "", values=None, errors=None, status=200) -> HttpResponse:
    project = row.project
    links = {link.case_id: link for link in project.case_links.all()}
    from jiedao.cases.models import Case

    reach = cases_in_reach(user=request.user, cases=Case.objects.filter(pk__in=list(links)))
    cases = [(case, links[case.pk]) for case in reach.visible.select_related("item").order_by("-reported_at")[:CASES_SHOWN]]
    reports = list(project.reports.select_related("reported_by").prefetch_related("photos")[:50])
    today = _today()
    return render(request, "projects/project_detail.html", {
        "row": row, "project": project, "cases": cases, "cases_hidden": reach.hidden_count,
        "reports": reports, "spendings": list(project.spendings.select_related("recorded_by")[:200]),
        "stages": ProjectStage.choices, "standing_label": STANDING_LABELS[row.standing],
        "may_manage": may_manage_at(user=request.user, territory_path=project.territory_path),
        "may_report": may_report_progress(user=request.user, project=project),
        "may_spend": may_record_spending(user=request.user, project=project),
        "may_close_cases": request.user.is_superuser or Role.SHIFT_LEAD in user_roles(request.user),
        "form_name": form_name, "values": values or {}, "errors": errors or {}, "today": today.isoformat(),
        "map_data": map_reference(project=project.geometry),
    }, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _project_of(request, pk))


def _posting(request: HttpRequest, pk: int, form_name: str, names, run, done_message) -> HttpResponse:
    row = _project_of(request, pk)
    values = _posted(request, names)
    try:
        run(values)
    except ValidationError as error:
        return _detail(request, row, form_name=form_name, values=values, errors=_errors_of(error), status=400)
    messages.success(request, done_message)
    return redirect(reverse("projects:project-detail", args=[pk]) + f"#{form_name}")


@login_required
@require_POST
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "milestone-form", ("name", "planned_on"), lambda v: services.milestone_add(
        by=request.user, project_id=pk, name=v["name"][:100], planned_on=_day(v["planned_on"])), _("里程碑已增加"))


@login_required
@require_POST
def milestone_finish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(v):
        milestone_id = id_or_none(v["milestone"])
        if milestone_id is None \
                or not projects_visible(user=request.user).filter(pk=pk, milestones__pk=milestone_id).exists():
            raise ValidationError({"milestone": _("没有这个里程碑")})
        services.milestone_finish(by=request.user, milestone_id=milestone_id, actual_on=_day(v["actual_on"]),
                                  note=v["note"], today=_today())
    return _posting(request, pk, "finish-form", ("milestone", "actual_on", "note"), run, _("里程碑已报完成"))


@login_required
@require_POST
def spending_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "spending-form", ("spent_on", "amount", "note"), lambda v: services.spending_record(
        by=request.user, project_id=pk, spent_on=_day(v["spent_on"]), amount=v["amount"][:30], note=v["note"],
        today=_today()), _("资金投入已录入"))


@login_required
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "report-form", ("reported_on", "percent", "text"), lambda v: services.progress_report(
        by=request.user, project_id=pk, reported_on=_day(v["reported_on"]), percent=v["percent"][:5],
        text=(request.POST.get("text") or "")[:5000], photos=request.FILES.getlist("photos"), today=_today()),
        _("进度报告已提交"))


@login_required
@require_POST
def stage_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "stage-form", ("stage",), lambda v: services.project_stage_change(
        by=request.user, project_id=pk, stage=v["stage"]), _("项目阶段已更新"))


@login_required
@require_POST
def case_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "case-form", ("case",), lambda v: services.project_case_link(
        by=request.user, project_id=pk, case_number=v["case"]), _("案件已关联"))


@login_required
@require_POST
def case_close_into(request: HttpRequest, pk: int) -> HttpResponse:
    return _posting(request, pk, "close-form", ("case", "reason"), lambda v: services.project_case_close_into(
        by=request.user, project_id=pk, case_number=v["case"], reason=v["reason"]), _("案件已结案并纳入项目库"))


def _milestone_lines(request: HttpRequest) -> list[tuple[str, date | None]]:
    names = request.POST.getlist("milestone_name")[:MILESTONE_LINES]
    days = request.POST.getlist("milestone_planned_on")[:MILESTONE_LINES]
    lines = []
    for index, name in enumerate(names):
        day_text = days[index] if index < len(days) else ""
        if name.strip() or day_text.strip():
            lines.append((name.strip()[:100], _day(day_text)))
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not may_create_projects(user=request.user):
        raise Http404
    departments = Organisation.objects.filter(is_active=True, kind__in=[
        OrganisationKind.DEPARTMENT, OrganisationKind.MAINTAINER, OrganisationKind.CONTRACTOR]).order_by("code")
    context = {"kinds": ProjectKind.objects.filter(is_active=True), "departments": departments,
               "stages": ProjectStage.choices, "errors": {}, "form": {"start_on": _today().isoformat()},
               "milestone_lines": [("", "")] * 4,
               "map_data": map_reference(grids=grids_geojson())}
    if request.method == "GET":
        return render(request, "projects/project_form.html", context)
    values = _posted(request, ("name", "kind", "stage", "department", "budget", "start_on", "end_on"), 200)
    values["description"] = (request.POST.get("description") or "").strip()[:5000]
    values["geometry"] = (request.POST.get("geometry") or "").strip()[:services.LONGEST_GEOMETRY_CHARS + 1]
    lines = _milestone_lines(request)
    try:
        project = services.project_create(
            by=request.user, name=values["name"], kind_id=values["kind"], description=values["description"],
            geometry=values["geometry"], department_id=values["department"], budget=values["budget"],
            start_on=_day(values["start_on"]), end_on=_day(values["end_on"]),
            stage=values["stage"] or ProjectStage.PLANNED, milestones=lines, today=_today())
    except ValidationError as error:
        posted_lines = [(name, day.isoformat() if day else "") for name, day in lines]
        context.update(form=values, errors=_errors_of(error),
                       milestone_lines=posted_lines + [("", "")] * max(0, 4 - len(posted_lines)))
        return render(request, "projects/project_form.html", context, status=400)
    messages.success(request, _("项目已建立"))
    return redirect("projects:project-detail", pk=project.pk)


@login_required
@require_GET
def progress_photo(request: HttpRequest, photo_id: int, size: str) -> HttpResponse:
    _reader(request)
    photo = get_object_or_404(ProgressPhoto.objects.select_related("report"), pk=photo_id)
    if not projects_visible(user=request.user).filter(pk=photo.report.project_id).exists():
        raise Http404
    stored = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg" if size == "thumb" else photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def project_overview(request: HttpRequest) -> HttpResponse:
    """The leaders' page: projects by stage, on time vs late, milestones, budget executed, by unit;
    every figure opens the list of the projects behind it."""
    _reader(request)
    rows = project_rows(projects=projects_visible(user=request.user), today=_today())
    paths = {row.project.territory_path for row in rows}
    communities = [unit for unit in Unit.objects.filter(level=UnitLevel.COMMUNITY).order_by("code")
                   if any(path.startswith(unit.path) for path in paths)]
    return render(request, "projects/overview.html", {
        "summary": overview(rows=rows), "units": overview_by_unit(rows=rows, units=communities),
        "standings": _standing_labels(), "total": len(rows),
        "late_rows": sorted((row for row in rows if row.overdue_milestones),
                            key=lambda row: -max(m.days_late for m in row.overdue_milestones))[:20],
    })
