"""Pages at /waste/: the register (map and list of points and facilities), a point's page, the
quantity form, the sheet import, the leaders' overview with its drill-down, the records behind a
figure and the stage mismatches. Every page checks `access.py`; a point out of reach is a 404."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case
from jiedao.cases.selectors import cases_in_reach
from jiedao.evaluation.measures import as_percent
from jiedao.evaluation.periods import CUSTOM, PERIODS, Period, PeriodError, period_between, period_named
from jiedao.params import choice_param, date_param, id_param, page_param
from jiedao.territory.models import Unit, UnitLevel

from .access import (
    enterable_filter,
    may_enter_at,
    may_enter_trips,
    may_enter_waste,
    may_read_waste,
    may_view_path,
    visible_filter,
    visible_paths,
)
from .models import CheckKind, Facility, ProblemKind, RecordSource, SortingPoint, Stage, WasteClass
from .rates import RATES
from .selectors import (
    checks_behind,
    destinations,
    monthly_trend,
    points_visible,
    policy_current,
    rates_of,
    rates_of_point,
    records_behind,
    stage_mismatches,
    targets_by_rate,
    totals_by_unit,
    totals_of_point,
)
from .services import (
    Reading,
    WasteRejected,
    check_record,
    problem_report,
    readings_from_xlsx,
    readings_record,
)

ROWS_PER_PAGE = 100
POINTS_ON_PAGE = 500
CLASS_COLOURS = {WasteClass.RECYCLABLE: "#1f5fa8", WasteClass.HAZARDOUS: "#c0392b", WasteClass.KITCHEN: "#32a467",
                 WasteClass.RESIDUAL: "#6b6b6b"}


def _today() -> date:
    return timezone.localdate(clock.now())


def _reader(request: HttpRequest) -> None:
    if not may_read_waste(user=request.user):
        raise PermissionDenied(_("垃圾分类由街道领导、包片领导、社区书记、环卫部门人员和督导员查看"))


def _period(request: HttpRequest) -> Period:
    code = request.GET.get("period", "")
    now = timezone.localtime(clock.now())
    if code == CUSTOM:
        try:
            first_day, last_day = date_param(request.GET, "from"), date_param(request.GET, "to")
            if first_day is None or last_day is None:
                raise PeriodError(_("日期格式应为 年-月-日，例如 2026-11-01"))
            return period_between(first_day, last_day, tz=now.tzinfo)
        except PeriodError as error:
            messages.error(request, _("自定义周期无效：%(why)s") % {"why": error})
    return period_named(code, now=now)


def _period_query(period: Period) -> str:
    if period.code == CUSTOM:
        return f"period={CUSTOM}&from={period.first_day:%Y-%m-%d}&to={period.last_day:%Y-%m-%d}"
    return f"period={period.code}"


def _percent_text(share) -> str:
    value = as_percent(share)
    return "—" if value is None else f"{value}%"


# ---------------------------------------------------------------- the register

@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    _reader(request)
    visible = points_visible(user=request.user)
    communities = Unit.objects.filter(level=UnitLevel.COMMUNITY, pk__in=visible.values("community_id")).order_by("code")
    community_id = id_param(request.GET, "community")
    chosen = visible.filter(community_id=community_id) if community_id else visible
    points = list(chosen.prefetch_related("bins").order_by("code")[:POINTS_ON_PAGE])
    facilities = list(Facility.objects.filter(is_active=True))
    map_data = map_reference(
        points=[{"lat": p.latitude, "lon": p.longitude, "name": f"{p.code} {p.name}", "sorting": p.is_sorting,
                 "url": reverse("waste:point-detail", args=[p.pk])} for p in points],
        facilities=[{"lat": f.latitude, "lon": f.longitude, "name": f"{f.name}（{f.get_kind_display()}）"}
                    for f in facilities])
    return render(request, "waste/register.html", {
        "points": points, "facilities": facilities, "communities": communities, "community": community_id,
        "truncated": chosen.count() > POINTS_ON_PAGE, "map_data": map_data,
        "may_enter": may_enter_waste(user=request.user), "may_enter_trips": may_enter_trips(user=request.user),
        "households": sum(p.households for p in points)})


def _point_or_404(request: HttpRequest, pk: int) -> SortingPoint:
    _reader(request)
    point = SortingPoint.objects.select_related("community").filter(pk=pk).first()
    if point is None or not may_view_path(user=request.user, path=point.territory_path):
        raise Http404
    return point


def _point_page(request, point, *, errors=None, form=None, status=200) -> HttpResponse:
    chosen = _period(request)
    rates = rates_of_point(totals_of_point(point=point, start=chosen.first_day,
                                     end=min(chosen.last_day, _today()) + timedelta(days=1)))
    targets = targets_by_rate()
    # The cases the point's problems became, as every case named on a page: by the case pages' rule.
    problems = list(point.problems.select_related("case")[:20])
    reach = cases_in_reach(user=request.user, cases=Case.objects.filter(pk__in=[p.case_id for p in problems]))
    open_ids = set(reach.visible.values_list("pk", flat=True))
    return render(request, "waste/point_detail.html", {
        "point": point, "bins": point.bins.all(), "period": chosen.code, "periods": PERIODS, "start": chosen.first_day,
        "last_day": chosen.last_day, "period_query": _period_query(chosen),
        "rates": [{"rate": RATES[key], "text": _percent_text(value), "target": targets.get(key)}
                  for key, value in rates.items()],
        "records": point.records.select_related("facility").order_by("-day", "-pk")[:30],
        "checks": point.checks.select_related("checked_by")[:20],
        "problems": [p for p in problems if p.case_id in open_ids], "hidden_count": reach.hidden_count,
        "may_enter": may_enter_at(user=request.user, path=point.territory_path),
        "check_kinds": CheckKind.choices, "problem_kinds": ProblemKind.choices,
        "errors": errors or {}, "form": form or {"checked_on": _today().isoformat()}}, status=status)


@login_required
@require_GET
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _point_page(request, _point_or_404(request, pk))


def _as_dict(refused: WasteRejected) -> dict[str, str]:
    found: dict[str, str] = {}
    for _row, name, message in refused.errors:
        found[name] = f"{found[name]} {message}" if name in found else str(message)
    return found


@login_required
@require_POST
def check_create(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_or_404(request, pk)
    form = {name: request.POST.get(name, "").strip()[:500] for name in (
        "kind", "checked_on", "households_seen", "households_sorting", "bins_checked", "bins_correct", "note")}
    try:
        check_record(by=request.user, point=point, kind=form["kind"], checked_on=_day(form["checked_on"]),
                     today=_today(), households_seen=form["households_seen"],
                     households_sorting=form["households_sorting"], bins_checked=form["bins_checked"],
                     bins_correct=form["bins_correct"], note=form["note"])
    except WasteRejected as refused:
        return _point_page(request, point, errors=_as_dict(refused), form=form, status=400)
    messages.success(request, _("检查记录已录入"))
    return redirect("waste:point-detail", pk=point.pk)


@login_required
@require_POST
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_or_404(request, pk)
    kind = request.POST.get("problem", "")[:16]
    try:
        problem = problem_report(by=request.user, point=point, kind=kind,
                                 description=request.POST.get("description", "")[:400])
    except WasteRejected as refused:
        return _point_page(request, point, errors=_as_dict(refused), status=400)
    except CaseError as error:  # the loop's own refusals (a point outside every grid …)
        return _point_page(request, point, errors={"problem": str(error.message)}, status=400)
    messages.success(request, _("已上报为案件 %(number)s") % {"number": problem.case.number})
    return redirect("waste:point-detail", pk=point.pk)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------- entry

QUANTITY_FIELDS = ("day", "stage", "point", "community", "vehicle", "facility", "unit")


@login_required
@require_http_methods(["GET", "POST"])
def quantity_create(request: HttpRequest) -> HttpResponse:
    """One day's weights at one point (or one trip, or one treatment), a field per class."""
    _reader(request)
    if not may_enter_waste(user=request.user):
        raise PermissionDenied(_("垃圾量由环卫部门人员、系统管理员和督导员录入"))
    clause = enterable_filter(request.user)
    points = SortingPoint.objects.filter(clause, is_active=True).order_by("code").only("code", "name")[:POINTS_ON_PAGE]
    stages = Stage.choices if may_enter_trips(user=request.user) else [
        (code, label) for code, label in Stage.choices if code in (Stage.DISPOSAL, Stage.COLLECTION)]
    context = {"points": points, "stages": stages, "classes": WasteClass.choices,
               "facilities": Facility.objects.filter(is_active=True),
               "communities": Unit.objects.filter(level=UnitLevel.COMMUNITY).order_by("code")
               if may_enter_trips(user=request.user) else [],
               "form": {"day": _today().isoformat(), "stage": request.GET.get("stage", "collection")[:16],
                        "point": request.GET.get("point", "")[:32], "unit": "kg"},
               "weights": {}, "errors": {}}
    if request.method == "GET":
        return render(request, "waste/quantity_form.html", context)
    form = {name: request.POST.get(name, "").strip()[:40] for name in QUANTITY_FIELDS}
    weights = {code: request.POST.get(f"weight_{code}", "").strip()[:40] for code in WasteClass.values}
    readings = [Reading(day=form["day"], stage=form["stage"], waste_class=code, weight=weight, unit=form["unit"],
                        point=form["point"], community=form["community"], vehicle=form["vehicle"],
                        facility=form["facility"]) for code, weight in weights.items() if weight]
    try:
        result = readings_record(by=request.user, readings=readings, source=RecordSource.FORM, today=_today())
    except WasteRejected as refused:
        context.update(form=form, weights=weights, errors=_as_dict(refused))
        return render(request, "waste/quantity_form.html", context, status=400)
    messages.success(request, _("已录入 %(n)d 条垃圾量记录") % {"n": len(result.created)})
    return redirect(reverse("waste:quantity-create") + f"?stage={form['stage']}")


@login_required
@require_http_methods(["GET", "POST"])
def quantity_import(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not may_enter_waste(user=request.user):
        raise PermissionDenied(_("垃圾量由环卫部门人员、系统管理员和督导员录入"))
    context = {"import_errors": []}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise WasteRejected([(None, "file", _("请选择 .xlsx 文件"))])
            result = readings_record(by=request.user, readings=readings_from_xlsx(upload),
                                     source=RecordSource.IMPORT, today=_today())
        except WasteRejected as refused:
            context["import_errors"] = [{"row": row, "field": name, "message": message}
                                        for row, name, message in refused.errors[:200]]
            return render(request, "waste/import_form.html", context, status=400)
        messages.success(request, _("已导入 %(created)d 条，重复 %(duplicates)d 条未重复计入") % {
            "created": len(result.created), "duplicates": result.duplicates})
        return redirect("waste:quantity-import")
    return render(request, "waste/import_form.html", context)


# ---------------------------------------------------------------- the leaders' overview

def _overview_unit(request: HttpRequest) -> tuple[Unit, list[Unit]]:
    """The unit asked for (within reach), and the trail from the top the reader may see."""
    paths = visible_paths(request.user)
    unit_id = id_param(request.GET, "unit")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is not None and not may_view_path(user=request.user, path=unit.path):
        raise Http404
    if unit is None:
        tops = Unit.objects.filter(level__in=[UnitLevel.SUBDISTRICT, UnitLevel.AREA, UnitLevel.COMMUNITY])
        reachable = [u for u in tops.order_by("path") if any(u.path.startswith(p) for p in paths)]
        unit = reachable[0] if reachable else None
        if unit is None:
            raise Http404
    ancestors = [u for u in Unit.objects.filter(path__in=_ancestor_paths(unit.path)).order_by("path")
                 if may_view_path(user=request.user, path=u.path) and u.level != UnitLevel.DISTRICT]
    return unit, ancestors or [unit]


def _ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.strip("/").split("/") if part]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _reader(request)
    chosen = _period(request)
    unit, trail = _overview_unit(request)
    # Up to today: a month under way is compared with the same days a year earlier (减量率), not the whole month.
    start, end = chosen.first_day, min(chosen.last_day, _today()) + timedelta(days=1)
    below = list(Unit.objects.filter(parent=unit).exclude(level=UnitLevel.GRID).order_by("code"))
    totals = totals_by_unit(units=[unit, *below], start=start, end=end)
    targets = targets_by_rate()
    query = _period_query(chosen)
    behind = {
        "coverage": reverse("waste:register") + (f"?community={unit.pk}" if unit.level == UnitLevel.COMMUNITY else ""),
        "participation": reverse("waste:checks") + f"?{query}&unit={unit.pk}",
        "accuracy": reverse("waste:checks") + f"?{query}&unit={unit.pk}",
        "reduction": reverse("waste:records") + f"?{query}&unit={unit.pk}&stage=collection&class=residual",
    }
    default_behind = reverse("waste:records") + f"?{query}&unit={unit.pk}"
    tiles = []
    for key, value in rates_of(totals[unit.pk]).items():
        target = targets.get(key)
        percent = as_percent(value)
        below_target = (percent is not None and target is not None and percent < target.value_percent)
        tiles.append({"rate": RATES[key], "text": _percent_text(value), "target": target, "alert": below_target,
                      "link": behind.get(key, default_behind)})
    collected = totals[unit.pk].collected
    rows = [{"unit": child, "rates": [_percent_text(v) for v in rates_of(totals[child.pk]).values()],
             "tonnes": totals[child.pk].collected / 1000} for child in below]
    point_rows = []
    if unit.level == UnitLevel.COMMUNITY:
        for point in points_visible(user=request.user).filter(community=unit).order_by("code")[:POINTS_ON_PAGE]:
            point_totals = totals_of_point(point=point, start=start, end=end)
            point_rows.append({"point": point, "tonnes": point_totals.collected / 1000,
                               "rates": [_percent_text(v) for v in rates_of_point(point_totals).values()]})
    year_start = (chosen.last_day.replace(day=1) - timedelta(days=335)).replace(day=1)
    trend = monthly_trend(unit=unit, start=year_start, end=end)
    chart = {"months": [row.month.strftime("%Y-%m") for row in trend],
             "series": [{"name": str(label), "color": CLASS_COLOURS[code],
                         "data": [float(row.by_class.get(code, 0)) / 1000 for row in trend]}
                        for code, label in WasteClass.choices],
             "rates": {"name": str(RATES["recycling"].label),
                       "data": [float(as_percent(RATES["recycling"].of(row.totals)) or 0) for row in trend]}}
    policy = policy_current()
    mismatches = stage_mismatches(paths_q=_path_q(unit), start=start, end=end,
                                  tolerance_percent=policy.mismatch_tolerance_percent, limit=1000)
    return render(request, "waste/overview.html", {
        "unit": unit, "trail": trail, "period": chosen.code, "periods": PERIODS, "start": chosen.first_day,
        "last_day": chosen.last_day, "period_query": query, "tiles": tiles, "rows": rows, "point_rows": point_rows,
        "rate_labels": [rate for rate in RATES.values()], "tonnes": collected / 1000, "chart": chart,
        "mismatch_count": len(mismatches), "policy": policy,
        "destinations": [{**row, "class_label": WasteClass(row["waste_class"]).label}
                         for row in destinations(paths_q=_path_q(unit), start=start, end=end)]})


def _path_q(unit: Unit) -> Q:
    return Q(territory_path__startswith=unit.path)


# ---------------------------------------------------------------- behind the figures

def _filters(request: HttpRequest):
    chosen = _period(request)
    unit_id = id_param(request.GET, "unit")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is not None and not may_view_path(user=request.user, path=unit.path):
        raise Http404
    point_id = id_param(request.GET, "point")
    point = _point_or_404(request, point_id) if point_id else None
    return chosen, unit, point


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    _reader(request)
    chosen, unit, point = _filters(request)
    stage = choice_param(request.GET, "stage", Stage.values)
    waste_class = choice_param(request.GET, "class", WasteClass.values)
    found = records_behind(user=request.user, unit=unit, point=point, start=chosen.first_day,
                           end=chosen.last_day + timedelta(days=1), stage=stage, waste_class=waste_class)
    page = page_param(request.GET)
    rows = list(found[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE + 1])
    return render(request, "waste/records.html", {
        "rows": rows[:ROWS_PER_PAGE], "has_next": len(rows) > ROWS_PER_PAGE, "page": page, "unit": unit,
        "point": point, "stage": stage, "waste_class": waste_class, "stages": Stage.choices,
        "classes": WasteClass.choices, "period": chosen.code, "periods": PERIODS, "start": chosen.first_day,
        "last_day": chosen.last_day, "period_query": _period_query(chosen),
        "total_kg": found.aggregate(weight=Sum("weight_kg"))["weight"] or Decimal(0), "count": found.count()})


@login_required
@require_GET
def checks(request: HttpRequest) -> HttpResponse:
    _reader(request)
    chosen, unit, point = _filters(request)
    found = checks_behind(user=request.user, unit=unit, point=point, start=chosen.first_day,
                          end=chosen.last_day + timedelta(days=1))
    page = page_param(request.GET)
    rows = list(found[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE + 1])
    return render(request, "waste/checks.html", {
        "rows": rows[:ROWS_PER_PAGE], "has_next": len(rows) > ROWS_PER_PAGE, "page": page, "unit": unit,
        "point": point, "period": chosen.code, "periods": PERIODS, "start": chosen.first_day,
        "last_day": chosen.last_day, "period_query": _period_query(chosen)})


@login_required
@require_GET
def mismatches(request: HttpRequest) -> HttpResponse:
    _reader(request)
    chosen, unit, _point = _filters(request)
    policy = policy_current()
    clause = _path_q(unit) if unit is not None else visible_filter(request.user)
    found = stage_mismatches(paths_q=clause, start=chosen.first_day, end=chosen.last_day + timedelta(days=1),
                             tolerance_percent=policy.mismatch_tolerance_percent)
    names = dict(Unit.objects.filter(pk__in={m.community_id for m in found}).values_list("pk", "name"))
    return render(request, "waste/mismatches.html", {
        "rows": [{"m": m, "community": names.get(m.community_id, ""),
                  "class_label": WasteClass(m.waste_class).label, "up_label": Stage(m.upstream_stage).label,
                  "down_label": Stage(m.downstream_stage).label} for m in found],
        "unit": unit, "policy": policy, "period": chosen.code, "periods": PERIODS, "start": chosen.first_day,
        "last_day": chosen.last_day, "period_query": _period_query(chosen)})

