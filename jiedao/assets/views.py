"""The register's pages: the map (points loaded as compact JSON and clustered in the browser), the
list with its filters, import and export, each asset's page (facts, state history, cases on it and
near it, maintenance), the repeat repairs, the cleaning zones; and the nearest assets as JSON for
the report forms. Every object is checked against `access.py`; a thing one may not read is a 404."""

import hashlib
import json
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.cases.errors import CaseError
from jiedao.params import BadParameter, choice_param, date_param, id_param, page_param, text_param
from jiedao.reports.xlsx import Column, Sheet, sheets_to_xlsx
from jiedao.territory.coordinates import CoordinateError, to_wgs84
from jiedao.territory.models import Organisation, Unit, UnitLevel
from jiedao.territory.selectors import grids_geojson
from jiedao.territory.services import ImportRejected, RowError
from jiedao.web.downloads import download

from . import duties_link, services
from .access import (
    may_edit,
    may_find_nearest,
    may_import,
    may_read_register,
    may_record_maintenance,
    may_view,
    reach_key,
)
from .models import (
    Asset,
    AssetPolicy,
    AssetState,
    CleaningGrade,
    CleaningZone,
    MaintenanceKind,
    MaintenancePhoto,
)
from .selectors import (
    STATE_ORDER,
    AssetFilters,
    asset_cases,
    asset_map_points,
    asset_state_counts,
    assets_filtered,
    assets_nearest,
    assets_with_repeat_repairs,
    cases_near,
    filter_choices,
    register_stamp,
    repeat_repair_counts,
    zones_visible,
)

ASSETS_PER_PAGE = 50
POINTS_CACHE_SECONDS = 600
CASES_SHOWN = 50
EXPORT_LIMIT = 50_000


def _require_reader(request: HttpRequest) -> None:
    if not may_read_register(user=request.user):
        raise PermissionDenied(_("部件与保洁区域由街道领导、包片领导、社区书记、系统管理员及养护单位查看"))


def _filters(request: HttpRequest) -> AssetFilters:
    return AssetFilters(
        item_id=id_param(request.GET, "item"), state=choice_param(request.GET, "state", AssetState.values),
        grid_id=id_param(request.GET, "grid"), maintainer_id=id_param(request.GET, "maintainer"),
        query=text_param(request.GET, "q", max_length=40), repeat_only=request.GET.get("repeat") == "1")


def _filter_choices() -> dict:
    return {
        **filter_choices(stamp=register_stamp()), "states": AssetState.choices,
        "grids": list(Unit.objects.filter(level=UnitLevel.GRID, is_active=True).order_by("code").only("id", "name")),
    }


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def asset_map(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    filters = _filters(request)
    return render(request, "assets/asset_map.html", {
        **_filter_choices(), "filters": filters, "query_string": _query_without_page(request),
        "map_data": map_reference(grids=grids_geojson(), pointsUrl=reverse("assets:points"),
                                  assetUrl=reverse("assets:asset-detail", args=[0]),
                                  states=[str(AssetState(state).label) for state in STATE_ORDER]),
    })


@login_required
@require_GET
def asset_points(request: HttpRequest) -> JsonResponse:
    """GET ?item=&state=&grid=&maintainer=[&bbox=w,s,e,n] → {"points": [[id, lon, lat, state, code]…],
    "truncated": bool}; at most the policy's map limit."""
    if not may_read_register(user=request.user):
        return JsonResponse({"error": _("您没有查看部件的权限")}, status=403)
    bbox = None
    if request.GET.get("bbox"):
        try:
            bbox = tuple(float(value) for value in request.GET["bbox"].split(","))
        except ValueError:
            bbox = ()
        if len(bbox) != 4 or not (-180 <= bbox[0] <= bbox[2] <= 180 and -90 <= bbox[1] <= bbox[3] <= 90):
            raise BadParameter(_("bbox 应为 西,南,东,北 经纬度"), field="bbox")
    # The same reach, filters and register (its stamp) give the same answer: built once, then
    # served from the shared cache until an asset changes.
    filters = _filters(request)
    key = "assets:points:" + hashlib.sha256(
        f"{register_stamp()};{reach_key(request.user)};{filters};{bbox}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        points, truncated = asset_map_points(user=request.user, filters=filters, bbox=bbox,
                                             limit=AssetPolicy.current().map_points_limit)
        body = json.dumps({"points": points, "truncated": truncated}, separators=(",", ":"))
        cache.set(key, body, POINTS_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json")


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return _list_page(request)


def _list_page(request: HttpRequest, *, import_errors=(), status: int = 200) -> HttpResponse:
    filters = _filters(request)
    assets = assets_filtered(user=request.user, filters=filters)
    page = Paginator(assets.select_related("item", "grid", "maintainer").order_by("identifier"),
                     ASSETS_PER_PAGE).get_page(page_param(request.GET))
    repeats = repeat_repair_counts()
    for asset in page:
        asset.repeat_count = repeats.get(asset.pk, 0)
    return render(request, "assets/asset_list.html", {
        **_filter_choices(), "filters": filters, "page": page,
        # the counts of every state under the other filters: each a link to that state's list
        "state_counts": [(state, AssetState(state).label, count) for state, count in asset_state_counts(
            assets=assets_filtered(user=request.user, filters=replace(filters, state=""))).items()],
        "query_string": _query_without_page(request), "may_import": may_import(user=request.user),
        "import_errors": import_errors,
    }, status=status)


@login_required
@require_POST
def asset_import(request: HttpRequest) -> HttpResponse:
    if not may_import(user=request.user):
        raise PermissionDenied(_("只有系统管理员可以导入部件"))
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ImportRejected([RowError(None, "file", _("请选择要导入的 .xlsx 或 GeoJSON 文件"))])
        if upload.size > services.MAX_BYTES:
            raise ImportRejected([RowError(None, "file", _("文件太大（上限 %(mb)d MB）")
                                           % {"mb": services.MAX_BYTES // (1024 * 1024)})])
        if (upload.name or "").lower().endswith((".geojson", ".json")):
            result = services.assets_import_geojson(data=upload.read(), by=request.user)
        else:
            result = services.assets_import_xlsx(file=upload, by=request.user)
    except ImportRejected as rejected:
        messages.error(request, _("导入失败，未写入任何数据：共 %(n)d 处错误") % {"n": len(rejected.errors)})
        return _list_page(request, import_errors=rejected.errors, status=400)
    messages.success(request, _("导入成功：新增 %(created)d，更新 %(updated)d") % {"created": result.created,
                                                                              "updated": result.updated})
    return redirect("assets:asset-list")


@login_required
@require_GET
def asset_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    assets = assets_filtered(user=request.user, filters=_filters(request)).order_by("identifier")[:EXPORT_LIMIT]
    rows = services.assets_export_rows(assets)
    sheet = Sheet(title=_("管理部件"), name=services.SHEET,
                  columns=[Column(header, width=20 if header in ("管理部件标识码", "线形") else 12)
                           for header in services.EXPORT_HEADERS], rows=rows)
    return download(sheets_to_xlsx([sheet]), "assets.xlsx", request=request, rows=len(rows))


def _asset_or_404(request: HttpRequest, asset_id: int) -> Asset:
    asset = (Asset.objects.select_related("item", "grid", "owner", "maintainer", "contractor")
             .filter(pk=asset_id).first())
    # 404 for an asset one may not read, like one that does not exist.
    if asset is None or not may_view(user=request.user, thing=asset):
        raise Http404(_("未找到该部件"))
    return asset


def _detail_page(request: HttpRequest, asset: Asset, *, form_errors=None, form=None, status=200) -> HttpResponse:
    user = request.user
    on_it = asset_cases(user=user, asset=asset)
    near = cases_near(user=user, longitude=asset.longitude, latitude=asset.latitude, exclude_asset=asset)
    policy = AssetPolicy.current()
    repeats = repeat_repair_counts().get(asset.pk, 0)
    records = list(asset.maintenance_records.select_related("done_by", "organisation").prefetch_related("photos")[:50])
    return render(request, "assets/asset_detail.html", {
        "asset": asset, "history": asset.state_changes.select_related("by", "case"),
        "cases": list(on_it.visible[:CASES_SHOWN]), "cases_hidden": on_it.hidden_count,
        "near": list(near.visible[:CASES_SHOWN]), "near_hidden": near.hidden_count, "policy": policy,
        "repeats": repeats, "records": records, "due": duties_link.maintenance_due(asset=asset),
        "may_edit": may_edit(user=user, thing=asset), "may_record": may_record_maintenance(user=user, asset=asset),
        "states": AssetState.choices, "kinds": MaintenanceKind.choices, "form_errors": form_errors or {},
        "form": form or {"done_on": timezone.localtime(clock.now()).date().isoformat()},
        "map_data": map_reference(point=[asset.longitude, asset.latitude], line=asset.line,
                                  near=[{"number": c.number, "lat": c.latitude, "lon": c.longitude}
                                        for c in near.visible[:CASES_SHOWN]]),
    }, status=status)


@login_required
@require_GET
def asset_detail(request: HttpRequest, asset_id: int) -> HttpResponse:
    return _detail_page(request, _asset_or_404(request, asset_id))


@login_required
@require_POST
def asset_state(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = _asset_or_404(request, asset_id)
    if not may_edit(user=request.user, thing=asset):
        raise PermissionDenied(_("只有系统管理员和养护单位的部门管理员可以修改部件"))
    state = choice_param(request.POST, "state", AssetState.values)
    reason = text_param(request.POST, "reason", max_length=200)
    errors = {}
    if not state:
        errors["state"] = _("请选择状态")
    if not reason:
        errors["reason"] = _("请说明原因")
    if errors:
        messages.error(request, _("未保存：%(reason)s") % {"reason": "；".join(errors.values())})
        return _detail_page(request, asset, form_errors=errors, status=400)
    services.asset_state_set(asset=asset, to_state=state, by=request.user, reason=reason)
    messages.success(request, _("部件状态已改为“%(state)s”") % {"state": AssetState(state).label})
    return redirect("assets:asset-detail", asset_id=asset.pk)


@login_required
@require_POST
def maintenance_add(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = _asset_or_404(request, asset_id)
    if not may_record_maintenance(user=request.user, asset=asset):
        raise PermissionDenied(_("只有养护单位、作业公司和系统管理员可以登记养护巡检"))
    form = {name: request.POST.get(name, "").strip() for name in ("kind", "done_on", "work", "notes")}
    errors = {}
    try:
        done_on = date_param(request.POST, "done_on")
    except BadParameter as error:
        done_on, errors["done_on"] = None, str(error.message)
    if not errors:
        try:
            services.maintenance_record(asset=asset, by=request.user, kind=form["kind"], done_on=done_on,
                                        work=form["work"], notes=form["notes"],
                                        photos=request.FILES.getlist("photos"),
                                        organisation=_organisation_of(request.user, asset))
        except CaseError as error:
            errors[error.field or "form"] = str(error.message)
    if errors:
        messages.error(request, _("未保存：%(reason)s") % {"reason": "；".join(errors.values())})
        return _detail_page(request, asset, form_errors=errors, form=form, status=400)
    messages.success(request, _("已登记%(kind)s") % {"kind": MaintenanceKind(form["kind"]).label})
    return redirect(reverse("assets:asset-detail", args=[asset.pk]) + "#maintenance")


def _organisation_of(user, asset: Asset) -> Organisation | None:
    """The organisation the person works for on this asset (its contractor or maintainer), if any."""
    from jiedao.territory.access import user_duties

    for duty in user_duties(user):
        if duty.organisation_id in (asset.contractor_id, asset.maintainer_id):
            return duty.organisation
    return None


@login_required
@require_GET
def maintenance_photo(request: HttpRequest, asset_id: int, photo_id: int, size: str) -> HttpResponse:
    asset = _asset_or_404(request, asset_id)
    photo = MaintenancePhoto.objects.filter(pk=photo_id, record__asset=asset).first()
    if photo is None or size not in ("full", "thumb"):
        raise Http404
    file = photo.image if size == "full" else photo.thumbnail
    response = FileResponse(file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def repeat_repairs(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(request, "assets/repeat_repairs.html", {
        "rows": assets_with_repeat_repairs(user=request.user), "policy": AssetPolicy.current()})


@require_GET
def nearest_json(request: HttpRequest) -> JsonResponse:
    """GET ?lon=&lat=[&crs=gcj02] → {"assets": [{id, identifier, name, code, state, distance_m, point}…],
    "within_m": n}: the nearest assets a reporter may name the case on."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("请先登录")}, status=401)
    if not may_find_nearest(user=request.user):
        return JsonResponse({"error": _("您没有查找部件的权限")}, status=403)
    try:
        lon, lat = to_wgs84(lon=request.GET.get("lon"), lat=request.GET.get("lat"), crs=request.GET.get("crs") or "wgs84")
    except CoordinateError as error:
        return JsonResponse({"error": str(error)}, status=400)
    policy = AssetPolicy.current()
    near = assets_nearest(longitude=lon, latitude=lat)
    return JsonResponse({"assets": [entry.as_json() for entry in near], "within_m": policy.nearest_within_m},
                        json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- cleaning zones

@login_required
@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    zones = list(zones_visible(user=request.user).select_related("grade", "contractor", "grid")
                 .order_by("grade__order", "code"))
    grades = list(CleaningGrade.objects.all())
    grade_code = choice_param(request.GET, "grade", [grade.code for grade in grades])
    if grade_code:
        zones = [zone for zone in zones if zone.grade_id == grade_code]
    return render(request, "assets/zone_list.html", {
        "zones": zones, "grades": grades, "grade_code": grade_code,
        "map_data": map_reference(grids=grids_geojson(), zones={"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": zone.geometry,
             "properties": {"name": zone.name, "grade": zone.grade.order, "url": reverse("assets:zone-detail",
                                                                                       args=[zone.pk])}}
            for zone in zones]}),
    })


@login_required
@require_GET
def zone_detail(request: HttpRequest, zone_id: int) -> HttpResponse:
    zone = CleaningZone.objects.select_related("grade", "contractor", "supervisor", "grid").filter(pk=zone_id).first()
    if zone is None or not may_view(user=request.user, thing=zone):
        raise Http404(_("未找到该保洁区域"))
    from .selectors import cases_in_zone

    found = cases_in_zone(user=request.user, zone=zone)
    cases = list(found.visible[:CASES_SHOWN])
    return render(request, "assets/zone_detail.html", {
        "zone": zone, "cases": cases, "cases_hidden": found.hidden_count, "policy": AssetPolicy.current(),
        "due": duties_link.cleaning_due(zone=zone),
        "map_data": map_reference(zone=zone.geometry, near=[{"number": c.number, "lat": c.latitude,
                                                              "lon": c.longitude} for c in cases]),
    })

