"""Pages at /soil/: the points list, a point's page, the sample entry form. Every point is checked
against `access.py`; a point out of reach is a 404, a refused sample a 400 with the form as sent."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from jiedao import clock

from . import services
from .access import (
    enterable_points_filter,
    may_enter_sample,
    may_enter_samples,
    may_read_soil,
    may_view_point,
)
from .assessment import UNIT_FACTORS
from .models import Level, MonitoringPoint, Parameter
from .selectors import point_rows, point_samples

POINTS_OFFERED = 500


def _require_reader(request: HttpRequest) -> None:
    if not may_read_soil(user=request.user):
        raise PermissionDenied(_("土壤监测由街道领导、包片领导、社区书记、系统管理员查看"))


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    rows = point_rows(user=request.user)
    return render(request, "soil/point_list.html", {
        "rows": rows, "may_enter": may_enter_samples(user=request.user), "levels": Level,
        "over_screening": sum(row.level in (Level.ABOVE_SCREENING, Level.ABOVE_CONTROL) for row in rows),
        "over_control": sum(row.level == Level.ABOVE_CONTROL for row in rows)})


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
