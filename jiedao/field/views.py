"""The field app's pages (a phone PWA on the site's templates), its manifest and service worker,
and the JSON endpoints the device's outbox posts to. Pages read through selectors; endpoints
call the field services, which call the case services."""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiedao.addresses.maps import map_reference
from jiedao.assets.services import asset_for_report, asset_link_for
from jiedao.cases.errors import CaseError, InvalidInput
from jiedao.cases.idempotency import request_fingerprint
from jiedao.cases.selectors import cases_visible_to
from jiedao.catalogue.models import CatalogueItem
from jiedao.params import id_or_none
from jiedao.territory.selectors import grids_geojson

from . import services
from .access import is_field_user, is_patrol_supervisor, may_view_patrol
from .models import Patrol, PatrolPolicy
from .selectors import (
    catalogue_for_offline,
    field_categories,
    field_queue,
    field_queue_counts,
    patrol_cases,
    patrols_visible_to,
)

PATROLS_PER_PAGE = 50
RECENT_PATROLS = 3

# What the service worker keeps so the app opens without signal: the pages' static assets …
SHELL_ASSETS = [
    "css/jiedao.css", "css/maps.css", "field/field.css", "field/field.js", "js/map.js", "js/address-search.js",
    "vendor/leaflet/leaflet.css", "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png", "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/htmx/htmx.min.js", "vendor/alpine/alpine-csp.min.js", "js/page.js",
    "field/icons/icon-192.png", "field/icons/icon-512.png",
    # the inspection sheet (jiedao/inspections: /field/inspections/)
    "inspections/sheet.js",
    # the river patrol (jiedao/rivers: /field/rivers/)
    "rivers/patrol.js", "rivers/rivers.css",
    # the nearest assets on the report form (jiedao/assets; offline it offers none)
    "assets/assets.js", "assets/assets.css",
]
# … and the pages themselves (fetched fresh whenever there is signal).
SHELL_PAGES = ["field:home", "field:report", "field:queue", "inspections:field-start", "rivers:field-start"]


# ---------------------------------------------------------------- access

FIELD_USERS_ONLY = gettext_lazy("外业巡查仅供网格员和监督员使用")


def device_page(*, may_use, refusal):
    """A page of the field app for those `may_use(user)` admits: sign-in first, then 403."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_use(request.user):
                raise PermissionDenied(str(refusal))
            return view(request, *args, **kwargs)
        return wrapped
    return decorate


# A page for grid workers and inspectors.
field_page = device_page(may_use=lambda user: is_field_user(user=user), refusal=FIELD_USERS_ONLY)


def _error(status: int, message, *, field: str | None = None, code: str = "") -> JsonResponse:
    return JsonResponse({"detail": str(message), "field": field, "code": code}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def device_api(*, may_use, refusal):
    """A JSON endpoint of the outbox for those `may_use(user)` admits: POST only; 401 (not a
    redirect) when the session is gone, so the device keeps the item and asks the worker to sign
    in again; refusals as JSON messages."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method != "POST":
                return _error(405, _("只接受 POST 请求"))
            if not request.user.is_authenticated:
                return _error(401, _("登录已过期，请重新登录"), code="signed_out")
            if not may_use(request.user):
                return _error(403, refusal, code="not_field_user")
            try:
                return view(request, *args, **kwargs)
            except CaseError as error:
                return _error(error.status, error.message, field=error.field, code=getattr(error, "code", ""))
            except Http404:
                return _error(404, _("未找到，或您无权访问"))
            except RequestDataTooBig:
                return _error(413, _("请求内容太大"))
            except SuspiciousOperation:
                return _error(400, _("请求格式有误"))
        return wrapped
    return decorate


field_api = device_api(may_use=lambda user: is_field_user(user=user), refusal=FIELD_USERS_ONLY)


def answer_json(answer: services.Answer) -> JsonResponse:
    response = JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# ---------------------------------------------------------------- what the pages' script needs

def client_config(request: HttpRequest) -> dict:
    policy = PatrolPolicy.current()
    return {
        "user": request.user.pk,
        "fieldUser": is_field_user(user=request.user),
        "csrfCookie": settings.CSRF_COOKIE_NAME,
        "urls": {
            "home": reverse("field:home"), "scope": reverse("field:home"),
            "serviceWorker": reverse("field:service-worker"),
            "report": reverse("field:api-report"),
            "verify": reverse("field:api-verify", args=["NUMBER"]),
            "check": reverse("field:api-check", args=["NUMBER"]),
            "patrolStart": reverse("field:api-patrol-start"),
            "patrolPoints": reverse("field:api-patrol-points", args=["00000000-0000-0000-0000-000000000000"]),
            "patrolStop": reverse("field:api-patrol-stop", args=["00000000-0000-0000-0000-000000000000"]),
            "patrolPage": reverse("field:patrol-detail", args=["00000000-0000-0000-0000-000000000000"]),
            "case": reverse("web:case-detail", args=["NUMBER"]),
            "catalogueSearch": reverse("web:catalogue-search"),
            "login": reverse("web:login") + "?next=" + request.path,
        },
        "patrol": {
            "minDistance": policy.min_distance_m, "minInterval": policy.min_interval_s,
            "maxSpeed": policy.max_speed_mps, "uploadEveryPoints": policy.upload_every_points,
            "uploadEverySeconds": policy.upload_every_seconds,
            "maxBatch": policy.max_points_per_batch,
        },
        "texts": _client_texts(),
    }


def _client_texts() -> dict:
    return {
        "waiting": _("等待发送"), "sending": _("发送中…"), "sent": _("已发送"), "refused": _("被退回"),
        "signin": _("需重新登录"), "otherUser": _("属于其他账号，请用该账号登录后发送"),
        "badge": _("%(n)s 条待发送"), "badgeRefused": _("%(n)s 条被退回"),
        "signinBanner": _("登录已过期：待发送的内容仍保存在本机，请重新登录后自动发送。"),
        "signinLink": _("重新登录"),
        "offline": _("无网络信号：提交的内容将保存在本机，有信号后自动发送。"),
        "savedOffline": _("已保存到本机，有信号后自动发送"), "saved": _("已保存，正在发送…"),
        "remove": _("删除"), "retry": _("重试"), "empty": _("没有待发送的内容"),
        "confirmRemove": _("确定删除这条未发送的内容？删除后无法恢复。"),
        "report": _("上报"), "verify": _("核实"), "check": _("核查"),
        "patrolStart": _("开始巡查"), "patrolPoints": _("巡查轨迹 %(n)s 点"), "patrolStop": _("结束巡查"),
        "noItem": _("请选择问题分类"), "noPlace": _("请等待定位，或在地图上点选位置"), "noPhoto": _("请拍摄现场照片"),
        "noAfterPhoto": _("自处置须拍摄处置后照片"), "noOpinion": _("请填写意见"),
        "locating": _("正在定位…"), "located": _("已定位，精度约 %(m)s 米"), "picked": _("已在地图上选点"),
        "locateFailed": _("无法获取定位，请在地图上点选位置"), "noSuggestions": _("没有匹配的分类"),
        "offlineSearch": _("无信号：在本机分类中查找"),
        "patrolRunning": _("巡查中"), "patrolStopped": _("未在巡查"), "meters": _("%(n)s 米"),
        "points": _("%(n)s 个点"), "patrolNoGps": _("无法获取定位，轨迹暂未记录"),
        "queued": _("已保存，待发送"), "httpError": _("服务器拒绝了该提交（%(status)s）"),
        "viewCase": _("查看案件"), "viewPatrol": _("查看轨迹"), "sentAs": _("案件 %(number)s"),
    }


# ---------------------------------------------------------------- pages

def duration_words(seconds: int) -> str:
    """'2 小时 5 分' for long walks, '4 分 30 秒' for short ones."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(h)d 小时 %(m)d 分") % {"h": hours, "m": minutes}
    return _("%(m)d 分 %(s)d 秒") % {"m": minutes, "s": seconds}


@field_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "field/home.html", {
        "counts": field_queue_counts(user=user),
        "recent_patrols": list(patrols_visible_to(user=user).filter(user=user)[:RECENT_PATROLS]),
        "config": client_config(request),
    })


@field_page
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "field/report.html", {
        "categories": field_categories(user=user),
        "catalogue": catalogue_for_offline(),
        "may_self_handle": True,
        "map_data": map_reference(grids=grids_geojson()),
        "config": client_config(request),
    })


@field_page
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    entries = field_queue(user=request.user)
    return render(request, "field/queue.html", {
        "to_verify": entries["verify"], "to_check": entries["check"], "config": client_config(request),
    })


def _may_list_patrols(user) -> bool:
    return is_field_user(user=user) or is_patrol_supervisor(user=user)


@require_GET
def patrol_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _may_list_patrols(user):
        raise PermissionDenied(_("巡查轨迹仅供网格员、监督员及其上级查看"))
    patrols = list(patrols_visible_to(user=user)[:PATROLS_PER_PAGE])
    return render(request, "field/patrol_list.html", {
        "patrols": patrols, "hide_worker_tabs": not is_field_user(user=user),
        "config": client_config(request),
    })


@require_GET
def patrol_detail(request: HttpRequest, client_id) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    patrol = Patrol.objects.select_related("user").filter(client_id=client_id).first()
    # 404 for a patrol that is not yours to see, like one that does not exist.
    if patrol is None or not may_view_patrol(user=user, patrol=patrol):
        raise Http404(_("未找到该巡查"))
    found = patrol_cases(patrol=patrol, user=user)
    cases = list(found.visible)
    grids = list(patrol.grids.order_by("code"))
    return render(request, "field/patrol_detail.html", {
        "patrol": patrol, "cases": cases, "hidden_count": found.hidden_count, "grids": grids,
        "hide_worker_tabs": not is_field_user(user=user),
        "duration": duration_words(patrol.duration_s),
        "distance_km": f"{patrol.distance_m / 1000:.2f}",
        "map_data": {
            "track": [[lat, lon] for lon, lat, _t in patrol.track],
            "cases": [{"number": c.number, "lat": c.latitude, "lon": c.longitude, "item": c.item.name,
                       "url": reverse("web:case-detail", args=[c.number])}
                      for c in cases],
            "grids": {"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": g.boundary, "properties": {"name": g.name}}
                for g in grids if g.boundary]},
            **map_reference(),
        },
        "config": client_config(request),
    })


# ---------------------------------------------------------------- manifest and service worker

@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (installable on the home screen)."""
    scope = reverse("field:home")
    body = {
        "name": _("街道巡查"),
        "short_name": _("街道巡查"),
        "description": _("网格员、监督员外业上报、核实核查与巡查轨迹"),
        "lang": "zh-CN" if get_language() == "zh-hans" else get_language(),
        "start_url": scope,
        "scope": scope,
        "id": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f8fa",
        "theme_color": "#0f2f57",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("field/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2),
                            content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _shell_version(assets: list[str]) -> str:
    """Changes when any asset of the shell or the worker itself changes, so a deploy replaces the
    device's cache; the same files give the same version on every server process."""
    digest = hashlib.sha256()
    paths = [finders.find(name) for name in assets] + [get_template("field/sw.js").origin.name]
    for path in paths:
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


_cached_shell_version = functools.lru_cache(maxsize=1)(lambda: _shell_version(SHELL_ASSETS))


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /field/ so that its scope is the field app."""
    version = _shell_version(SHELL_ASSETS) if settings.DEBUG else _cached_shell_version()
    body = render_to_string("field/sw.js", {
        "version": version,
        "scope": reverse("field:home"),
        "assets_json": json.dumps([static(name) for name in SHELL_ASSETS]),
        "pages_json": json.dumps([reverse(name) for name in SHELL_PAGES]),
        "photo_prefix_json": json.dumps("/cases/"),
        "static_prefix_json": json.dumps(settings.STATIC_URL),
        "offline_title_json": json.dumps(_("无网络信号"), ensure_ascii=False),
        "offline_text_json": json.dumps(_("该页面尚未保存到本机，请在有信号时打开一次。"), ensure_ascii=False),
    })
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:home")
    response["Cache-Control"] = "no-cache"
    return response


# ---------------------------------------------------------------- the outbox's endpoints

def _catalogue_item(value) -> CatalogueItem:
    value = (value or "").strip()
    item = CatalogueItem.objects.filter(pk=id_or_none(value)).first()
    if item is None:
        raise InvalidInput(_("请选择问题分类"), field="item")
    return item


def _yes_no(value, *, field: str) -> bool:
    value = (value or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise InvalidInput(_("请选择结论"), field=field)


def _case_or_404(user, number: str):
    case = cases_visible_to(user=user).filter(number=number).first()
    if case is None:
        raise Http404
    return case


def json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(_("请求内容不是有效的 JSON")) from error
    if not isinstance(body, dict):
        raise InvalidInput(_("请求内容不是有效的 JSON"))
    return body


# Not part of what was submitted: the key itself and the CSRF token (new after a sign-in).
NOT_SUBMITTED = ("key", "csrfmiddlewaretoken")


def _form_fingerprint(request: HttpRequest) -> str:
    return request_fingerprint(data=request.POST, files=request.FILES, ignore=NOT_SUBMITTED)


def _own_patrol_or_404(user, client_id) -> Patrol:
    # Another person's patrol answers like one that does not exist: nobody extends or stops it.
    patrol = Patrol.objects.filter(client_id=client_id, user=user).first()
    if patrol is None:
        raise Http404
    return patrol


def _patrol_body(patrol: Patrol) -> dict:
    return {
        "patrol": str(patrol.client_id), "url": reverse("field:patrol-detail", args=[patrol.client_id]),
        "started_at": patrol.started_at.isoformat(), "ended_at": patrol.ended_at.isoformat() if patrol.ended_at else None,
        "point_count": patrol.point_count, "distance_m": patrol.distance_m, "duration_s": patrol.duration_s,
    }


@field_api
def api_report(request: HttpRequest) -> HttpResponse:
    data = request.POST
    longitude, latitude = (data.get("longitude") or "").strip() or None, (data.get("latitude") or "").strip() or None
    asset = asset_for_report(asset_id=data.get("asset"), longitude=longitude, latitude=latitude,
                             crs=data.get("crs") or "wgs84")
    answer = services.field_report(
        by=request.user, key=data.get("key"), item=_catalogue_item(data.get("item")),
        longitude=(data.get("longitude") or "").strip() or None, latitude=(data.get("latitude") or "").strip() or None,
        crs=data.get("crs") or "wgs84", description=data.get("description", ""), address=data.get("address", ""),
        photos=request.FILES.getlist("photos"), after_photos=request.FILES.getlist("after_photos"),
        self_handled=(data.get("self_handled") or "").lower() in {"1", "true", "on", "yes"},
        patrol_client_id=data.get("patrol", ""), fingerprint=_form_fingerprint(request),
        also=asset_link_for(asset, by=request.user),
    )
    return answer_json(answer)


@field_api
def api_verify(request: HttpRequest, number: str) -> HttpResponse:
    data = request.POST
    answer = services.field_verify(
        by=request.user, key=data.get("key"), case=_case_or_404(request.user, number),
        seen_stage=data.get("seen_stage", ""), confirmed=_yes_no(data.get("confirmed"), field="confirmed"),
        opinion=data.get("opinion", ""), photos=request.FILES.getlist("photos"),
        fingerprint=_form_fingerprint(request),
    )
    return answer_json(answer)


@field_api
def api_check(request: HttpRequest, number: str) -> HttpResponse:
    data = request.POST
    answer = services.field_check(
        by=request.user, key=data.get("key"), case=_case_or_404(request.user, number),
        seen_stage=data.get("seen_stage", ""), passed=_yes_no(data.get("passed"), field="passed"),
        opinion=data.get("opinion", ""), photos=request.FILES.getlist("photos"),
        fingerprint=_form_fingerprint(request),
    )
    return answer_json(answer)


@field_api
def api_patrol_start(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    patrol, created = services.patrol_start(by=request.user, client_id=body.get("client_id"),
                                            started_at=body.get("started_at"))
    return JsonResponse(_patrol_body(patrol), status=201 if created else 200)


@field_api
def api_patrol_points(request: HttpRequest, client_id) -> HttpResponse:
    body = json_body(request)
    patrol = _own_patrol_or_404(request.user, client_id)
    answer = services.patrol_points_add(by=request.user, patrol=patrol, key=body.get("key"),
                                        points=body.get("points"), crs=body.get("crs") or "wgs84",
                                        fingerprint=request_fingerprint(data=body, ignore=NOT_SUBMITTED))
    return answer_json(answer)


@field_api
def api_patrol_stop(request: HttpRequest, client_id) -> HttpResponse:
    body = json_body(request)
    patrol = services.patrol_stop(by=request.user, patrol=_own_patrol_or_404(request.user, client_id),
                                  ended_at=body.get("ended_at"))
    return JsonResponse(_patrol_body(patrol))
