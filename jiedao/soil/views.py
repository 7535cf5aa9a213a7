"""Pages at /soil/: the points list, a point's page, the sample entry form. Every point is checked
against `access.py`; a point out of reach is a 404, a refused sample a 400 with the form as sent."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiedao import clock
from jiedao.params import choice_param, id_param
from jiedao.territory.models import Unit, UnitLevel

from . import services
from .access import (
    enterable_points_filter,
    may_enter_sample,
    may_enter_samples,
    may_read_soil,
    may_view_point,
    overview_tops,
)
from .assessment import UNIT_FACTORS
from .models import LandUseClass, Level, MonitoringPoint, Parameter
from .selectors import (
    LEVEL_FILTERS,
    POINTS_SHOWN,
    figures_by_unit,
    limits_unconfirmed,
    point_samples,
    point_states,
    points_for_map,
    soil_figures,
    states_matching,
)

POINTS_OFFERED = 500


def _require_reader(request: HttpRequest) -> None:
    if not may_read_soil(user=request.user):
        raise PermissionDenied(_("土壤监测由街道领导、包片领导、社区书记、系统管理员查看"))


@login_required
@require_GET
def point_list(request: HttpRequest) -> HttpResponse:
    """The points with their latest assessment; `unit`, `level`, `class`, `sampled` (in the period
    named as on the overview) and `projects` are what the overview's figures link to."""
    from jiedao.web.leader import _period

    _require_reader(request)
    query = request.GET
    level = choice_param(query, "level", LEVEL_FILTERS)
    land_use = choice_param(query, "class", list(LandUseClass.objects.values_list("code", flat=True)))
    sampled = choice_param(query, "sampled", ["1"]) == "1"
    projects = choice_param(query, "projects", ["open"]) == "open"
    unit_id = id_param(query, "unit")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    period = _period(request)
    states = point_states(user=request.user, within=unit.path if unit else "", first_day=period.first_day,
                          last_day=period.last_day) if unit or not unit_id else []
    filtered = bool(level or land_use or sampled or projects or unit_id)
    chosen = states_matching(states, level=level, land_use=land_use, sampled=sampled, projects=projects)
    figures = soil_figures(chosen)
    return render(request, "soil/point_list.html", {
        "rows": chosen[:POINTS_SHOWN], "found": len(chosen), "truncated": len(chosen) > POINTS_SHOWN,
        "may_enter": may_enter_samples(user=request.user), "levels": Level, "figures": figures,
        "filtered": filtered, "scope": unit, "sampled": sampled, "period": period,
        "level_label": dict(_level_labels()).get(level, ""),
        "land_use": LandUseClass.objects.filter(code=land_use).first() if land_use else None,
        "projects": projects,
        "over_screening": figures.over_screening, "over_control": figures.over_control})


def _level_labels():
    return [("screening", _("超过筛选值")), ("control", _("超过管制值")), ("below", _("不超过筛选值")),
            ("unsampled", _("尚未采样"))]


def _point_or_404(request: HttpRequest, point_id: int) -> MonitoringPoint:
    point = MonitoringPoint.objects.select_related("land_use_class", "grid").filter(pk=point_id).first()
    if point is None or not may_view_point(user=request.user, point=point):
        raise Http404
    return point


@login_required
def point_detail(request: HttpRequest, point_id: int) -> HttpResponse:
    _require_reader(request)
    point = _point_or_404(request, point_id)
    return render(request, "soil/point_detail.html", {
        "point": point, "samples": point_samples(point=point), "levels": Level,
        "projects": point.projects.select_related("department"),
        "may_enter": may_enter_sample(user=request.user, point=point)})


@login_required
def sample_new(request: HttpRequest) -> HttpResponse:
    if not may_enter_samples(user=request.user):
        raise PermissionDenied(_("土壤样品由系统管理员和街道领导录入"))
    points = MonitoringPoint.objects.filter(enterable_points_filter(request.user)).only("code", "name")
    form = {"point": request.GET.get("point", "")[:32], "unit": {}}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = request.POST
        form = {key: data.get(key, "")[:200] for key in ("point", "sampled_on", "sampled_by", "ph")}
        form["value"] = {p: data.get(f"value_{p}", "")[:40] for p in Parameter.values}
        form["unit"] = {p: data.get(f"unit_{p}", "")[:16] for p in Parameter.values}
        sampled_on = parse_date(form["sampled_on"]) if form["sampled_on"] else None
        try:
            sample = services.sample_record(
                by=request.user, point_code=form["point"], sampled_on=sampled_on, sampled_by=form["sampled_by"],
                ph=form["ph"], values=services.values_from(data), today=clock.now().date())
        except services.SoilRejected as refused:
            errors = refused.errors
        except ValueError:
            errors = {"sampled_on": _("采样日期格式不正确")}
        else:
            return redirect("soil:point-detail", point_id=sample.point_id)
    parameters = [{"code": code, "label": label, "value": form.get("value", {}).get(code, ""),
                   "unit": form["unit"].get(code) or "mg/kg", "error": errors.get(f"value_{code}")}
                  for code, label in Parameter.choices]
    return render(request, "soil/sample_form.html", {
        "form": form, "errors": errors, "parameters": parameters, "units": list(UNIT_FACTORS),
        "points": points[:POINTS_OFFERED]},
        status=400 if errors else 200)


# ---------------------------------------------------------------- the leaders' overview

def _definitions() -> dict[str, str]:
    return {
        "points": _("该单位（含下级）内的土壤监测点位数"),
        "over_screening": _("当前：最近一次采样中任一项目超过筛选值的点位数（含超过管制值的）；未采样的点位不计"),
        "over_control": _("当前：最近一次采样中任一项目超过管制值的点位数"),
        "share": _("当前：超过筛选值的点位 ÷ 已采样点位 × 100%；没有已采样点位时显示“—”（无数据），不是 0"),
        "samples": _("统计周期内采样日期落在周期内的样品数；点击查看这些样品所在的点位"),
        "projects": _("当前：状态为计划中、实施中或暂停的修复治理项目数"),
        "unsampled": _("当前：尚无任何样品的点位数"),
    }


def _points_link(unit, **params) -> str:
    from urllib.parse import urlencode

    if unit is not None:
        params["unit"] = unit.pk
    return f"{reverse('soil:point-list')}?{urlencode(params)}"


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """土壤监测 for the leaders: points by land-use class, points above the 筛选值 and the 管制值 by
    their latest sample, the period's samples, open remediation projects, a warning while the limits
    await confirmation; drill-down by unit; each figure opens its points; the map by level."""
    from jiedao.addresses.maps import map_reference
    from jiedao.evaluation.periods import PERIODS
    from jiedao.web.leader import _dashboard_unit, _period, _period_query, unit_outline
    from jiedao.web.themes import units_below

    _require_reader(request)
    period = _period(request)
    tops = overview_tops(user=request.user)
    unit, trail = _dashboard_unit(request, tops)
    states = point_states(user=request.user, within=unit.path if unit else "", first_day=period.first_day,
                          last_day=period.last_day)
    figures = soil_figures(states)
    definitions = _definitions()
    period_params = dict(param.split("=", 1) for param in _period_query(period).split("&"))
    below = units_below(unit=unit, tops=tops, last_level=UnitLevel.GRID)

    def links(scope) -> dict[str, str]:
        return {"points": _points_link(scope), "over_screening": _points_link(scope, level="screening"),
                "over_control": _points_link(scope, level="control"),
                "samples": _points_link(scope, sampled="1", **period_params),
                "projects": _points_link(scope, projects="open"), "unsampled": _points_link(scope, level="unsampled")}

    top_links = links(unit)
    tiles = [
        {"key": "points", "label": _("监测点位"), "value": figures.points},
        {"key": "over_screening", "label": _("当前超过筛选值的点位"), "value": figures.over_screening, "alert": True},
        {"key": "over_control", "label": _("当前超过管制值的点位"), "value": figures.over_control, "alert": True},
        {"key": "share", "label": _("当前超筛选值点位占比"),
         "text": "—" if figures.over_screening_share is None else f"{figures.over_screening_share}%"},
        {"key": "samples", "label": _("本期采样"), "value": figures.samples},
        {"key": "projects", "label": _("在办修复治理项目"), "value": figures.open_projects},
        {"key": "unsampled", "label": _("尚未采样的点位"), "value": figures.unsampled},
    ]
    for tile in tiles:
        tile["definition"] = definitions[tile["key"]]
        if "value" in tile:
            tile["text"] = str(tile["value"])
            tile["link"] = top_links[tile["key"]] if tile["value"] else ""
            tile["alert"] = bool(tile.get("alert") and tile["value"])
    return render(request, "soil/overview.html", {
        "tiles": tiles, "figures": figures, "definitions": definitions,
        "classes": [{"row": row, "link": _points_link(unit, **{"class": row.code}),
                     "screening_link": _points_link(unit, level="screening", **{"class": row.code}),
                     "control_link": _points_link(unit, level="control", **{"class": row.code})}
                    for row in figures.by_class],
        "unconfirmed": limits_unconfirmed(),
        "period": period.code, "periods": PERIODS, "period_query": _period_query(period),
        "start": period.first_day, "last_day": period.last_day, "unit": unit, "trail": trail,
        "breakdown": [{"unit": child, "figures": child_figures, "links": links(child)}
                      for child, child_figures in figures_by_unit(states=states, units=below)],
        "map_data": map_reference(points=points_for_map(states), focus=unit_outline(unit) if unit else None,
                                  pointUrl=reverse("soil:point-detail", args=[0]),
                                  levels={"below_screening": _("不超过筛选值"), "above_screening": _("超过筛选值"),
                                          "above_control": _("超过管制值"), "": _("尚未采样或无适用限值")}),
    })
