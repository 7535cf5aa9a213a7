"""The register's pages and the address search as JSON: for staff (signed in, whoever picks a
location) and for the residents' portal (no sign-in, limited per address like the portal's
other endpoints)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao.params import choice_param, id_param, page_param, text_param
from jiedao.portal.ratelimits import HOUR, Limit, client_ip, hit
from jiedao.reports.xlsx import Column, Sheet, sheets_to_xlsx
from jiedao.territory.services import ImportRejected, import_upload
from jiedao.web.downloads import download

from . import services
from .access import may_edit_register, may_search_register
from .models import AddressPolicy, AddressStatus, HouseNumber, Road
from .selectors import address_search

MAX_QUERY = 60
SUGGESTIONS = 10
HOUSES_PER_PAGE = 50


def _search_response(request: HttpRequest) -> JsonResponse:
    raw = request.GET.get("q")
    if raw is None:
        return JsonResponse({"error": _("缺少参数 q（要查找的地址）")}, status=400)
    if len(raw.strip()) > MAX_QUERY:
        return JsonResponse({"error": _("地址太长：最多 %(n)d 个字") % {"n": MAX_QUERY}}, status=400)
    query = text_param(request.GET, "q", max_length=MAX_QUERY)
    results = [match.as_json() for match in address_search(query=query, limit=SUGGESTIONS)] if query else []
    return JsonResponse({"query": query, "results": results}, json_dumps_params={"ensure_ascii": False})


@require_GET
def search_json(request: HttpRequest) -> JsonResponse:
    """Staff: GET ?q=桃源路88号 → {"results": [{"label", "point": [lon, lat], "grid", …}]}."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("请先登录")}, status=401)
    if not may_search_register(user=request.user):
        return JsonResponse({"error": _("您没有查找标准地址的权限")}, status=403)
    return _search_response(request)


@require_GET
def public_search_json(request: HttpRequest) -> JsonResponse:
    """Residents (no sign-in): the same answer, at most `public_searches_per_ip_per_hour` an hour
    from one address (portal/ratelimits.py, counted in the shared cache)."""
    limit = Limit("address-search-ip", AddressPolicy.current().public_searches_per_ip_per_hour, HOUR)
    if hit(limit, client_ip(request)):
        response = JsonResponse({"error": _("查找太频繁，请稍后再试")}, status=429)
        response["Retry-After"] = str(HOUR)
        return response
    response = _search_response(request)
    if response.status_code == 200:
        response["Cache-Control"] = "public, max-age=300"
    return response


# ---------------------------------------------------------------- the register's page

def _require_editor(request: HttpRequest) -> None:
    if not may_edit_register(user=request.user):
        raise PermissionDenied(_("标准地址库由系统管理员和街道领导维护"))


def _roads_page(request: HttpRequest, *, import_errors=(), form_errors=None, form_values=None, status=200):
    query = text_param(request.GET, "q", max_length=MAX_QUERY)
    road_id = id_param(request.GET, "road")
    roads = Road.objects.annotate(houses=Count("house_numbers")).order_by("name")
    if query:
        roads = roads.filter(Q(name__contains=query) | Q(aliases__contains=query))
    road = Road.objects.filter(pk=road_id).first() if road_id else None
    houses = None
    if road is not None:
        houses = Paginator(HouseNumber.objects.filter(road=road).select_related("grid"), HOUSES_PER_PAGE) \
            .get_page(page_param(request.GET))
    edit_id = id_param(request.GET, "edit")
    editing = HouseNumber.objects.filter(pk=edit_id).select_related("road").first() if edit_id else None
    if form_values is None:
        form_values = ({"road": editing.road.name, "number": editing.number, "sub_number": editing.sub_number,
                        "building_name": editing.building_name, "code": editing.code,
                        "longitude": editing.longitude, "latitude": editing.latitude, "status": editing.status,
                        "id": editing.pk} if editing else {"road": road.name if road else "",
                                                           "status": AddressStatus.IN_USE})
    return render(request, "addresses/register.html", {
        "roads": list(roads), "road": road, "houses": houses, "query": query,
        "counts": {"roads": Road.objects.count(), "houses": HouseNumber.objects.count(),
                   "places": services.Place.objects.count()},
        "import_errors": import_errors, "form_errors": form_errors or {}, "form": form_values,
        "statuses": AddressStatus.choices,
    }, status=status)


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _roads_page(request)


@login_required
@require_POST
def register_import(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    try:
        result = import_upload(request.FILES.get("file"), max_bytes=services.MAX_BYTES,
                               from_geojson=services.register_import_geojson, from_xlsx=services.register_import_xlsx)
    except ImportRejected as rejected:
        messages.error(request, _("导入失败，未写入任何数据：共 %(n)d 处错误") % {"n": len(rejected.errors)})
        return _roads_page(request, import_errors=rejected.errors, status=400)
    messages.success(request, _("导入成功：新增 %(created)d，更新 %(updated)d（道路 %(roads)d、门牌 %(houses)d、建筑与地点 %(places)d）")
                     % {"created": result.created, "updated": result.updated, "roads": result.extra["roads"],
                        "houses": result.extra["house_numbers"], "places": result.extra["places"]})
    return redirect("addresses:register")


@login_required
@require_POST
def house_number_save(request: HttpRequest) -> HttpResponse:
    """Add a 门牌, or change one (`id`); its grid is found from the point."""
    _require_editor(request)
    values = {name: request.POST.get(name, "").strip() for name in
              ("id", "road", "number", "sub_number", "building_name", "code", "longitude", "latitude", "status")}
    house = HouseNumber.objects.filter(pk=id_param(request.POST, "id")).first() if values["id"] else None
    if values["id"] and house is None:
        raise Http404
    road = Road.objects.filter(name=values["road"]).first()
    errors: dict[str, str] = {}
    if road is None:
        errors["road"] = _("道路 %(name)s 不在地址库中：请先导入或在管理后台添加该道路") % {"name": values["road"] or "—"}
    number = int(values["number"]) if values["number"].isdigit() else None
    if number is None:
        errors["number"] = _("门牌号须为正整数")
    status = choice_param(request.POST, "status", AddressStatus.values) or AddressStatus.IN_USE
    if not errors:
        try:
            house = services.house_number_save(
                house_number=house, road=road, number=number, sub_number=values["sub_number"],
                building_name=values["building_name"], code=values["code"], longitude=values["longitude"],
                latitude=values["latitude"], status=status)
        except ValidationError as error:
            errors = {name: " ".join(str(m) for m in messages_) for name, messages_ in error.message_dict.items()}
    if errors:
        messages.error(request, _("未保存：%(reason)s") % {"reason": "；".join(errors.values())})
        return _roads_page(request, form_errors=errors, form_values=values, status=400)
    messages.success(request, _("已保存 %(label)s（%(grid)s）") % {"label": house.label,
                                                                   "grid": house.grid.name if house.grid else "—"})
    return redirect(f"{reverse('addresses:register')}?road={house.road_id}")


@login_required
@require_GET
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_editor(request)
    if fmt == "geojson":
        document = services.register_export_geojson()
        response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=1),
                                content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="addresses.geojson"'
        return response
    if fmt != "xlsx":
        raise Http404
    sheets = []
    total = 0
    for name, (headers, rows) in services.register_export_rows().items():
        total += len(rows)
        sheets.append(Sheet(title=_("标准地址 · %(sheet)s") % {"sheet": name}, name=name,
                            columns=[Column(header, width=14 if header != "走向" else 60) for header in headers],
                            rows=[[("" if value is None else value) for value in row] for row in rows]))
    return download(sheets_to_xlsx(sheets), "addresses.xlsx", request=request, rows=total)
