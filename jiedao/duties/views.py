"""The duties pages: plans with their compliance (/duties/), a plan's periods and who missed what,
compliance by person, unit or contractor with the works behind each figure, one's own duties
(/duties/mine/, a phone page), and the plan editor for administrators and leaders. Who sees what:
`access.py`; every list is bounded."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiedao import clock
from jiedao.params import BadParameter, choice_param, id_param, page_param, text_param
from jiedao.territory.models import Organisation, Unit

from . import access
from .forms import PlanForm
from .models import DutyKind, DutyPlan, DutyWork, MissedDuty
from .registry import subject_kind, subject_kind_label
from .selectors import (
    BY_ORGANISATION,
    BY_PERSON,
    BY_PLAN,
    BY_SUBJECT,
    BY_UNIT,
    compliance_by,
    compliance_rows,
    duties_due,
    figure_of,
    person_organisation_ids,
    plan_obligations,
)
from .services import PlanRefused, duty_plan_save

PLANS_PER_PAGE = 50
WORKS_SHOWN = 200
ROWS_SHOWN = 300
MINE_WORKS_SHOWN = 15
MINE_MISSED_SHOWN = 10


def _today() -> date:
    return timezone.localtime(clock.now()).date()


def _month(request: HttpRequest) -> tuple[date, date, str]:
    """The month asked (?month=2026-11), this month by default: (first day, first day after, text)."""
    value = text_param(request.GET, "month", max_length=7)
    if value:
        try:
            year, month = (int(part) for part in value.split("-"))
            first = date(year, month, 1)
        except ValueError as error:
            raise BadParameter(_("参数 month 的格式应为 年-月，例如 2026-11"), field="month") from error
        if not 1900 <= year <= 2999:
            raise BadParameter(_("参数 month 的格式应为 年-月，例如 2026-11"), field="month")
    else:
        first = _today().replace(day=1)
    end = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return first, end, f"{first:%Y-%m}"


def _months_around(first: date) -> tuple[str, str]:
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return f"{previous:%Y-%m}", f"{following:%Y-%m}"


def _require_opener(request: HttpRequest) -> None:
    if not access.may_open_duties(user=request.user):
        raise PermissionDenied(_("您没有职责计划，也无权查看履职情况"))


def _period_context(request: HttpRequest) -> dict:
    first, end, month = _month(request)
    previous, following = _months_around(first)
    return {"first": first, "end": end, "month": month, "previous_month": previous, "next_month": following}


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_opener(request)
    period = _period_context(request)
    kind = choice_param(request.GET, "kind", DutyKind.values)
    state = choice_param(request.GET, "state", {"active", "inactive", "sample"})
    plans = access.plans_visible(user=request.user).select_related(
        "assignee_unit", "assignee_person", "assignee_organisation").order_by("kind", "name", "pk")
    if kind:
        plans = plans.filter(kind=kind)
    if state == "active":
        plans = plans.filter(is_active=True)
    elif state == "inactive":
        plans = plans.filter(is_active=False)
    elif state == "sample":
        plans = plans.filter(is_sample=True)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(page_param(request.GET))
    shown = list(page.object_list)
    person_id, organisations = access.own_obligations_only(user=request.user)
    obligations = plan_obligations(shown, person_id=person_id, organisation_ids=organisations) \
        if person_id else None
    rows = compliance_rows(plans=shown, first=period["first"], end=period["end"], today=_today(),
                           obligations=obligations)
    figures = compliance_by(rows, by=BY_PLAN)
    kinds_figures = compliance_by(rows, by="kind", plan_kinds={plan.pk: plan.kind for plan in shown})
    return render(request, "duties/plan_list.html", {
        **period, "page": page, "plans": [(plan, figures.get(plan.pk), subject_kind_label(plan.subject_kind),
                                           subject_kind(plan.subject_kind) is not None) for plan in shown],
        "kinds": DutyKind.choices, "kind": kind, "state": state,
        "kind_figures": [(label, kinds_figures[code]) for code, label in DutyKind.choices if code in kinds_figures],
        "may_edit": access.may_edit_plans(user=request.user),
        "may_read_all": access.may_read_all_duties(user=request.user),
    })


def _visible_plan(request: HttpRequest, pk: int) -> DutyPlan:
    plan = access.plans_visible(user=request.user).select_related(
        "assignee_unit", "assignee_person", "assignee_organisation", "checklist").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_opener(request)
    plan = _visible_plan(request, pk)
    period = _period_context(request)
    person_id, organisations = access.own_obligations_only(user=request.user)
    obligations = plan_obligations([plan], person_id=person_id, organisation_ids=organisations)
    rows = compliance_rows(plans=[plan], first=period["first"], end=period["end"], today=_today(),
                           obligations=obligations)
    periods: dict = {}
    for row in rows:
        periods.setdefault(row.period, []).append(row)
    period_rows = [(key, figure_of(items)) for key, items in sorted(periods.items())]
    people = _names(get_user_model(), {row.obligation.person_id for row in rows})
    organisations_named = _names(Organisation, {row.obligation.organisation_id for row in rows})
    missed = [row for row in rows if row.missed][:ROWS_SHOWN]
    subject_names = {row.obligation.subject_id: row.obligation.subject_label for row in rows}
    return render(request, "duties/plan_detail.html", {
        **period, "plan": plan, "figure": figure_of(rows), "period_rows": period_rows,
        "subject_label": subject_kind_label(plan.subject_kind),
        "registered": subject_kind(plan.subject_kind) is not None,
        "subject_rows": [(subject_id, subject_names.get(subject_id, "—"), figure) for (_plan, subject_id), figure
                         in compliance_by(rows, by=BY_SUBJECT).items()][:ROWS_SHOWN],
        "missed": [(row, people.get(row.obligation.person_id) or organisations_named.get(
            row.obligation.organisation_id)) for row in missed],
        "targets_count": plan.targets.count(),
        "may_edit": access.may_edit_plans(user=request.user),
        "obligation_count": len(obligations.get(plan.pk, [])),
    })


def _names(model, ids: set) -> dict:
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    if model is get_user_model():
        return {pk: full or username for pk, full, username in
                model.objects.filter(pk__in=ids).values_list("pk", "full_name", "username")}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


GROUPINGS = {BY_PERSON: _("按人员"), BY_UNIT: _("按单位"), BY_ORGANISATION: _("按作业单位")}


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    if not access.may_read_all_duties(user=request.user):
        raise PermissionDenied(_("您无权查看全部履职情况"))
    period = _period_context(request)
    by = choice_param(request.GET, "by", set(GROUPINGS), default=BY_PERSON)
    kind = choice_param(request.GET, "kind", DutyKind.values)
    plans = DutyPlan.objects.filter(is_active=True).select_related("assignee_unit")
    if kind:
        plans = plans.filter(kind=kind)
    rows = compliance_rows(plans=list(plans), first=period["first"], end=period["end"], today=_today())
    figures = compliance_by(rows, by=by)
    model = {BY_PERSON: get_user_model(), BY_ORGANISATION: Organisation, BY_UNIT: Unit}[by]
    names = _names(model, set(figures))
    table = sorted(((key, names.get(key, "—"), figure) for key, figure in figures.items()),
                   key=lambda item: (item[2].rate if item[2].rate is not None else 999, item[1]))
    return render(request, "duties/compliance.html", {
        **period, "by": by, "groupings": GROUPINGS.items(), "kind": kind, "kinds": DutyKind.choices,
        "table": table[:ROWS_SHOWN], "total": figure_of(rows), "shown_limit": ROWS_SHOWN,
        "cut": max(len(table) - ROWS_SHOWN, 0),
    })


@login_required
@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    """The works behind a figure: of a plan, a person, a contractor or a unit, in a month."""
    _require_opener(request)
    period = _period_context(request)
    works = access.works_visible(user=request.user).filter(
        on_date__gte=period["first"], on_date__lt=period["end"]).select_related(
        "plan", "person", "organisation", "unit", "subject_type")
    filters = {}
    plan_id = id_param(request.GET, "plan")
    if plan_id:
        plan = _visible_plan(request, plan_id)
        works, filters["plan"] = works.filter(plan=plan), plan
        # a plan's periods may reach outside the month (a week across its edge)
    for name, field in (("person", "person_id"), ("organisation", "organisation_id"), ("subject", "subject_id")):
        value = id_param(request.GET, name)
        if value:
            works = works.filter(**{field: value})
            filters[name] = value
    unit_id = id_param(request.GET, "unit")
    if unit_id:
        unit = get_object_or_404(Unit, pk=unit_id)
        works, filters["unit"] = works.filter(unit__path__startswith=unit.path), unit
    validity = choice_param(request.GET, "valid", {"yes", "no"})
    if validity:
        works = works.filter(is_valid=validity == "yes")
    total = works.count()
    shown = list(works.order_by("-started_at", "-pk")[:WORKS_SHOWN])
    subjects = _subject_names(shown)
    return render(request, "duties/work_list.html", {
        **period, "works": [(work, subjects.get((work.subject_type_id, work.subject_id), work.subject_id))
                            for work in shown],
        "total": total, "shown_limit": WORKS_SHOWN, "filters": filters, "validity": validity,
        "query": request.GET.urlencode(),
    })


def _subject_names(works) -> dict:
    by_type: dict = {}
    for work in works:
        by_type.setdefault(work.subject_type, set()).add(work.subject_id)
    names = {}
    for content_type, ids in by_type.items():
        model = content_type.model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            names[(content_type.pk, obj.pk)] = str(obj)
    return names


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    today = _today()
    due = duties_due(person=request.user, on=today)
    works = list(DutyWork.objects.filter(_mine_filter(request.user), on_date__gte=today - timedelta(days=6))
                 .select_related("plan", "subject_type").order_by("-started_at", "-pk")[:MINE_WORKS_SHOWN])
    subjects = _subject_names(works)
    week_first = today - timedelta(days=today.weekday())
    missed = list(MissedDuty.objects.filter(period_start__gte=today - timedelta(days=90))
                  .filter(_mine_filter(request.user)).select_related("plan").order_by("-period_start", "pk")
                  [:MINE_MISSED_SHOWN])
    missed_subjects = _missed_subject_names(missed)
    rows = [item.row for group in (due.today, due.this_week, due.later, due.done) for item in group]
    return render(request, "duties/mine.html", {
        "today": today, "week_first": week_first, "due": due, "figure": figure_of(rows),
        "works": [(work, subjects.get((work.subject_type_id, work.subject_id), work.subject_id)) for work in works],
        "missed": [(item, missed_subjects.get((item.plan.subject_kind, item.subject_id), "")) for item in missed],
        "month": f"{today:%Y-%m}",
    })


def _missed_subject_names(missed: list[MissedDuty]) -> dict:
    wanted: dict[str, set[int]] = {}
    for item in missed:
        if item.subject_id:
            wanted.setdefault(item.plan.subject_kind, set()).add(item.subject_id)
    names = {}
    for key, ids in wanted.items():
        kind = subject_kind(key)
        if kind is not None:
            names.update({(key, obj.pk): str(obj) for obj in kind.queryset(items=ids)})
    return names


def _mine_filter(user) -> Q:
    """The person's own works and duties, and their contractor's."""
    return Q(person=user) | Q(organisation_id__in=person_organisation_ids(user))


def _require_editor(request: HttpRequest) -> None:
    if not access.may_edit_plans(user=request.user):
        raise PermissionDenied(_("只有系统管理员和街道领导可以编辑职责计划"))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_editor(request)
    plan = get_object_or_404(DutyPlan, pk=pk) if pk else None
    current_key = plan.subject_kind if plan else ""
    if request.method == "GET":
        initial = PlanForm.initial_of(plan) if plan else {"starts_on": _today(), "times_per_period": 1}
        return render(request, "duties/plan_form.html", {"form": PlanForm(initial=initial, current_key=current_key),
                                                         "plan": plan})
    form = PlanForm(request.POST, current_key=current_key)
    if form.is_valid():
        items, filters, problems = form.items_and_filters()
        if not problems:
            try:
                saved = duty_plan_save(plan=plan, values=form.values(), items=items, filters=filters)
            except PlanRefused as refused:
                problems = refused.problems
            else:
                return redirect("duties:plan-detail", pk=saved.pk)
        for field, message in problems.items():
            form.add_error(field if field in form.fields else None, message)
    return render(request, "duties/plan_form.html", {"form": form, "plan": plan}, status=400)
