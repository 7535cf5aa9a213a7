"""/greening/: the list with filters and totals, a planting's page with its checks, and the forms."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.params import choice_param, date_param, id_param
from jiedao.territory.models import Organisation, OrganisationKind, Unit, UnitLevel

from .access import may_enter_at, may_enter_plantings, may_read_greening, overview_tops
from .models import PlantingKind
from .selectors import (
    OVERVIEW_PLANTINGS,
    PAGE_ROWS,
    STATUS_FILTERS,
    area_by_month,
    figures_by_unit,
    greening_figures,
    planting_status,
    planting_statuses,
    plantings_geojson,
    plantings_visible,
    policy_current,
    statuses_matching,
)
from .services import planting_record, survival_check_record
from .survival import mean_rate

PLANTING_FIELDS = ("kind", "area_m2", "count", "species", "geometry", "planted_on", "responsible_unit",
                   "maintainer", "case")
CHECK_FIELDS = ("planting", "checked_on", "surviving", "note")


def _today() -> date:
    return timezone.localdate(clock.now())


def _reader(request: HttpRequest) -> None:
    if not may_read_greening(user=request.user):
        raise Http404


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
@require_GET
def planting_list(request: HttpRequest) -> HttpResponse:
    """The register with filters; `unit` (a unit's path) and `status` (需补植, 应检未检, 有成活率) are
    what the overview's figures link to. With a status and no dates, every planting counts (the
    figure is "now")."""
    _reader(request)
    today = _today()
    query = request.GET
    kind = choice_param(query, "kind", PlantingKind.values)
    status = choice_param(query, "status", STATUS_FILTERS)
    community_id = id_param(query, "community")
    unit_id = id_param(query, "unit")
    start = date_param(query, "start", default=None if status else today.replace(month=1, day=1))
    end = date_param(query, "end", default=today)
    visible = plantings_visible(user=request.user)
    communities = Unit.objects.filter(level=UnitLevel.COMMUNITY,
                                      pk__in=visible.values("community_id")).order_by("code")
    chosen = visible.filter(planted_on__lte=end)
    if start:
        chosen = chosen.filter(planted_on__gte=start)
    if kind:
        chosen = chosen.filter(kind=kind)
    if community_id:
        chosen = chosen.filter(community_id=community_id)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit_id:
        # Any unit may be named; the plantings stay those the reader may read under it.
        chosen = chosen.filter(territory_path__startswith=unit.path) if unit else chosen.none()
    policy = policy_current()
    if status:
        matched = statuses_matching([planting_status(planting=planting, policy=policy, today=today)
                                     for planting in chosen[:OVERVIEW_PLANTINGS]], status)
        plantings = [row.planting for row in matched]
        found = len(matched)
        rows = matched[:PAGE_ROWS]
        counted = matched
    else:
        plantings = chosen
        found = chosen.count()
        rows = counted = [planting_status(planting=planting, policy=policy, today=today)
                          for planting in chosen[:PAGE_ROWS]]
    totals = {
        "area": sum((p.area_m2 for p in plantings if p.area_m2 is not None), Decimal(0)) if status
        else chosen.aggregate(area=Sum("area_m2"))["area"] or Decimal(0),
        "count": sum(p.count or 0 for p in plantings) if status else chosen.aggregate(count=Sum("count"))["count"] or 0,
        "plantings": found,
        "average_rate": mean_rate(row.rate for row in counted),
        "replanting_due": sum(1 for row in counted if row.replanting_due),
        "checks_due": sum(1 for row in counted if row.check_due),
    }
    return render(request, "greening/planting_list.html", {
        "rows": rows, "totals": totals, "kinds": PlantingKind.choices, "communities": communities,
        "filters": {"kind": kind, "community": community_id, "start": start, "end": end, "status": status,
                    "unit": unit if unit and unit_id else None},
        "status_label": dict(_status_labels()).get(status, ""),
        "truncated": found > PAGE_ROWS, "policy": policy,
        "may_enter": may_enter_plantings(user=request.user),
    })


def _status_labels():
    return [("replanting", _("需补植")), ("check_due", _("应检未检")), ("checked", _("有成活检查"))]


# ---------------------------------------------------------------- the leaders' overview

def _definitions(policy) -> dict[str, str]:
    """Each figure's 口径, shown as the tile's tooltip and listed under the page."""
    return {
        "area": _("统计周期内种植日期落在该单位（含下级）的种植记录面积之和（平方米）；按株数录入的不计面积"),
        "trees": _("统计周期内种植日期落在该单位（含下级）的种植记录株数之和"),
        "kind": _("统计周期内种植日期落在周期内的该类型种植记录：面积之和（平方米）、株数之和与记录数"),
        "rate": _("当前：各有成活检查的种植记录“最近一次检查成活数量 ÷ 种植数量 × 100%”的平均值；"
                  "没有任何检查记录时显示“—”（无数据），不是 0"),
        "replanting": _("当前：最近一次成活率低于 %(threshold)s%% 的种植记录数，不限种植日期")
        % {"threshold": policy.survival_threshold},
        "checks": _("当前：按“种植后第 %(days)s 天及每年 %(month)s 月”应检查、至今未检查的种植记录数")
        % {"days": policy.check_days, "month": policy.autumn_month},
    }


def _list_link(unit, **params) -> str:
    from urllib.parse import urlencode

    if unit is not None:
        params["unit"] = unit.pk
    return f"{reverse('greening:planting-list')}?{urlencode(params)}"


def _tiles(figures, *, unit, period, definitions) -> list[dict]:
    dates = {"start": f"{period.first_day:%Y-%m-%d}", "end": f"{period.last_day:%Y-%m-%d}"}
    tiles = [
        {"key": "area", "label": _("新增绿化面积（平方米）"), "text": f"{figures.area_m2:.1f}",
         "link": _list_link(unit, **dates), "definition": definitions["area"]},
        {"key": "trees", "label": _("新植株数"), "text": str(figures.trees),
         "link": _list_link(unit, **dates), "definition": definitions["trees"]},
        {"key": "rate", "label": _("当前平均成活率"),
         "text": "—" if figures.mean_rate is None else f"{figures.mean_rate}%",
         "link": _list_link(unit, status="checked") if figures.rated else "", "definition": definitions["rate"]},
        {"key": "replanting", "label": _("当前需补植"), "text": str(figures.replanting_due),
         "link": _list_link(unit, status="replanting") if figures.replanting_due else "",
         "definition": definitions["replanting"], "alert": bool(figures.replanting_due)},
        {"key": "checks", "label": _("当前应检未检"), "text": str(figures.checks_due),
         "link": _list_link(unit, status="check_due") if figures.checks_due else "",
         "definition": definitions["checks"], "alert": bool(figures.checks_due)},
    ]
    return tiles


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """绿化 for the leaders: the period's green area by kind, the trend by month, survival and what is
    due, drill-down sub-district → area → community, each figure opening the plantings behind it,
    the map of the plantings (the same the list shows the reader)."""
    from jiedao.addresses.maps import map_reference
    from jiedao.evaluation.periods import PERIODS
    from jiedao.web.leader import _dashboard_unit, _period, _period_query, unit_outline
    from jiedao.web.themes import units_below

    _reader(request)
    today = _today()
    period = _period(request)
    tops = overview_tops(user=request.user)
    unit, trail = _dashboard_unit(request, tops)  # a unit outside the tops (or with none) is a 404
    policy = policy_current()
    statuses = planting_statuses(user=request.user, within=unit.path if unit else "", policy=policy, today=today)
    figures = greening_figures(statuses=statuses, first_day=period.first_day, last_day=period.last_day)
    definitions = _definitions(policy)
    below = units_below(unit=unit, tops=tops, last_level=UnitLevel.COMMUNITY)  # a planting is in a community
    breakdown = [{"unit": child, "figures": child_figures,
                  "area_link": _list_link(child, start=f"{period.first_day:%Y-%m-%d}", end=f"{period.last_day:%Y-%m-%d}"),
                  "rate_link": _list_link(child, status="checked"),
                  "replanting_link": _list_link(child, status="replanting"),
                  "checks_link": _list_link(child, status="check_due")}
                 for child, child_figures in figures_by_unit(statuses=statuses, units=below,
                                                             first_day=period.first_day, last_day=period.last_day)]
    return render(request, "greening/overview.html", {
        "tiles": _tiles(figures, unit=unit, period=period, definitions=definitions), "figures": figures,
        "kinds": [{"kind": kind, "link": _list_link(unit, kind=kind.kind, start=f"{period.first_day:%Y-%m-%d}",
                                                     end=f"{period.last_day:%Y-%m-%d}")} for kind in figures.by_kind],
        "total_link": _list_link(unit, start=f"{period.first_day:%Y-%m-%d}", end=f"{period.last_day:%Y-%m-%d}"),
        "definitions": definitions, "policy": policy,
        "period": period.code, "periods": PERIODS, "period_query": _period_query(period),
        "start": period.first_day, "last_day": period.last_day, "unit": unit, "trail": trail,
        "breakdown": breakdown,
        "chart_data": {"months": area_by_month(statuses=statuses, last_day=period.last_day),
                       "labels": {"area": _("新增绿化面积（平方米）"), "trees": _("新植株数")}},
        "map_data": map_reference(
            plantings=plantings_geojson(statuses=statuses), focus=unit_outline(unit) if unit else None,
            plantingUrl=reverse("greening:planting-detail", args=[0]),
            kinds={code: str(label) for code, label in PlantingKind.choices},
            states={"replanting": _("需补植"), "ok": _("成活率达标"), "unchecked": _("尚未检查")}),
    })


def _planting_of(request: HttpRequest, pk: int):
    _reader(request)
    planting = plantings_visible(user=request.user).filter(pk=pk).first()
    if planting is None:
        raise Http404
    return planting


def _detail(request: HttpRequest, planting, *, check_form=None, check_errors=None, status=200) -> HttpResponse:
    from jiedao.cases.models import Case
    from jiedao.cases.selectors import cases_in_reach

    policy = policy_current()
    # The case a 拆违还绿 follows, as every case named on a page: by the case pages' rule, else only counted.
    linked = cases_in_reach(user=request.user, cases=Case.objects.filter(pk=planting.case_id))
    return render(request, "greening/planting_detail.html", {
        "status": planting_status(planting=planting, policy=policy, today=_today()),
        "planting": planting, "linked_case": linked.visible.first(), "linked_hidden": linked.hidden_count, "checks": planting.checks.select_related("checked_by")[:100], "policy": policy,
        "may_check": may_enter_at(user=request.user, territory_path=planting.territory_path,
                                  maintainer_id=planting.maintainer_id),
        "check_form": check_form or {"planting": planting.pk, "checked_on": _today().isoformat()},
        "check_errors": check_errors or {},
    }, status=status)


@login_required
@require_GET
def planting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _planting_of(request, pk))


def _errors_of(error: ValidationError) -> dict[str, str]:
    found = error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}
    return {name: " ".join(texts) for name, texts in found.items()}


@login_required
@require_POST
def survival_check_create(request: HttpRequest) -> HttpResponse:
    """One check, of the planting the form names (a hidden field on the planting's page)."""
    _reader(request)
    values = {name: request.POST.get(name, "").strip()[:500] for name in CHECK_FIELDS}
    try:
        check = survival_check_record(by=request.user, planting_id=values["planting"],
                                      checked_on=_day(values["checked_on"]), today=_today(),
                                      surviving=values["surviving"], note=values["note"])
    except ValidationError as error:
        errors = _errors_of(error)
        planting = None
        if values["planting"].isdigit():
            planting = plantings_visible(user=request.user).filter(pk=int(values["planting"])).first()
        if planting is not None:
            return _detail(request, planting, check_form=values, check_errors=errors, status=400)
        return render(request, "greening/check_form.html", {"check_form": values, "check_errors": errors},
                      status=400)
    messages.success(request, _("成活检查已录入"))
    return redirect("greening:planting-detail", pk=check.planting_id)


@login_required
@require_http_methods(["GET", "POST"])
def planting_create(request: HttpRequest) -> HttpResponse:
    _reader(request)
    if not may_enter_plantings(user=request.user):
        raise Http404
    maintainers = Organisation.objects.filter(is_active=True, kind__in=[
        OrganisationKind.DEPARTMENT, OrganisationKind.MAINTAINER, OrganisationKind.CONTRACTOR]).order_by("code")
    from jiedao.addresses.maps import map_reference
    from jiedao.territory.selectors import grids_geojson

    context = {"kinds": PlantingKind.choices, "maintainers": maintainers, "errors": {},
               "form": {"planted_on": _today().isoformat()}, "map_data": map_reference(grids=grids_geojson())}
    if request.method == "GET":
        return render(request, "greening/planting_form.html", context)
    values = {name: request.POST.get(name, "").strip() for name in PLANTING_FIELDS}
    values = {name: value if name == "geometry" else value[:200] for name, value in values.items()}
    try:
        planting = planting_record(by=request.user, kind=values["kind"], area_m2=values["area_m2"],
                                   count=values["count"], species=values["species"][:100],
                                   geometry=values["geometry"], planted_on=_day(values["planted_on"]),
                                   today=_today(), responsible_unit=values["responsible_unit"][:100],
                                   maintainer_id=values["maintainer"], case_number=values["case"])
    except ValidationError as error:
        context.update(form=values, errors=_errors_of(error))
        return render(request, "greening/planting_form.html", context, status=400)
    messages.success(request, _("种植记录已录入"))
    return redirect("greening:planting-detail", pk=planting.pk)


