"""The river patrol on the phone, in the field app (/field/rivers/): choose a segment, start, the
track recorded on the device and sent in batches, the patrol checklist, problems with photos
(fixed on the spot, a case, or a 交办函), submit. Every request goes through the field app's
outbox (IndexedDB) with its own key or the patrol's id, so the patrol works offline and a retry
never records twice."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiedao.addresses.maps import map_reference
from jiedao.cases.errors import InvalidInput
from jiedao.cases.idempotency import request_fingerprint
from jiedao.catalogue.models import CatalogueItem
from jiedao.checklists.models import ChecklistItem
from jiedao.field.access import is_field_user
from jiedao.field.views import NOT_SUBMITTED, answer_json, client_config, device_api, device_page, json_body
from jiedao.params import id_or_none, id_param

from . import services
from .access import may_patrol_rivers
from .models import ProblemHandling, RiverChief, RiverPatrol
from .selectors import patrol_checklist_version, patrol_choices

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
RECENT = 5
RIVER_PATROLLERS_ONLY = gettext_lazy("巡河仅供河长、河长助理、巡河员和保洁员使用")

river_page = device_page(may_use=lambda user: may_patrol_rivers(user=user), refusal=RIVER_PATROLLERS_ONLY)
river_api = device_api(may_use=lambda user: may_patrol_rivers(user=user), refusal=RIVER_PATROLLERS_ONLY)


def _config(request: HttpRequest, **extra) -> dict:
    config = client_config(request)
    # Whoever patrols rivers uses the outbox on these pages, grid worker or not.
    config["fieldUser"] = True
    config["urls"].update({
        "riverStart": reverse("rivers:api-start"),
        "riverPoints": reverse("rivers:api-points", args=[ZERO_UUID]),
        "riverProblem": reverse("rivers:api-problem", args=[ZERO_UUID]),
        "riverSubmit": reverse("rivers:api-submit", args=[ZERO_UUID]),
        "riverPatrolPage": reverse("rivers:patrol-detail", args=[ZERO_UUID]),
    })
    config["texts"].update({
        "riverStart": _("开始巡河"), "riverPoints": _("巡河轨迹 %(n)s 点"), "riverProblem": _("巡河问题：%(text)s"),
        "riverSubmit": _("提交巡河：%(segment)s"), "riverSubmitted": _("巡河已保存，待发送"),
        "riverRunning": _("巡河中"), "riverConfirmSubmit": _("提交后不能再修改，确定结束并提交本次巡河？"),
        "riverNoDescription": _("请描述发现的问题"), "riverNoMeasure": _("当场处理须填写采取的措施和效果"),
        "riverNoCategory": _("转部门立案须选择问题分类"), "riverProblemSaved": _("问题已保存，待发送"),
        "riverOtherRunning": _("另一河段的巡河尚未提交，请先提交"), "riverNotStarted": _("请先开始巡河"),
    })
    config.update(extra)
    return config


@river_page
@require_GET
def start_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "rivers/field_start.html", {
        "choices": patrol_choices(user=user), "hide_worker_tabs": not is_field_user(user=user),
        "recent": list(RiverPatrol.objects.filter(patrolled_by=user).select_related("segment")
                       .order_by("-started_at")[:RECENT]),
        "config": _config(request),
    })


@river_page
@require_GET
def patrol_page(request: HttpRequest, segment_id: int) -> HttpResponse:
    user = request.user
    chief_id = id_param(request.GET, "chief")
    choice = next((c for c in patrol_choices(user=user)
                   if c.segment.pk == segment_id and (c.chief.pk if c.chief else None) == chief_id), None)
    if choice is None:
        raise Http404(_("您不负责该河段"))
    version = patrol_checklist_version()
    items = list(ChecklistItem.objects.filter(section__version=version).select_related("category")
                 .order_by("section__position", "position")) if version else []
    categories = {item.category for item in items if item.category is not None}
    return render(request, "rivers/field_patrol.html", {
        "segment": choice.segment, "chief": choice.chief, "items": items,
        "categories": sorted(categories, key=lambda c: c.code), "handlings": ProblemHandling.choices,
        "hide_worker_tabs": not is_field_user(user=user),
        "map_data": {"segment": choice.segment.geometry, **map_reference()},
        "config": _config(request, river={"segment": choice.segment.pk, "chief": choice.chief.pk if choice.chief else None,
                                          "segmentName": str(choice.segment)}),
    })


# ---------------------------------------------------------------- the outbox's endpoints

def _own_patrol_or_404(user, client_id) -> RiverPatrol:
    # Another person's patrol answers like one that does not exist.
    patrol = RiverPatrol.objects.select_related("segment").filter(client_id=client_id, patrolled_by=user).first()
    if patrol is None:
        raise Http404
    return patrol


@river_api
def api_start(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    user = request.user
    choices = patrol_choices(user=user)
    segment_id = id_or_none(str(body.get("segment") or ""))
    chief_id = id_or_none(str(body.get("chief") or "")) if body.get("chief") else None
    segment = next((c.segment for c in choices if c.segment.pk == segment_id), None)
    if segment is None:
        raise InvalidInput(_("您不负责该河段"), field="segment")
    chief = RiverChief.objects.filter(pk=chief_id).first() if chief_id else None
    if chief_id and chief is None:
        raise InvalidInput(_("没有该河长"), field="chief")
    patrol, created = services.river_patrol_start(by=user, client_id=body.get("client_id"), segment=segment,
                                                  chief=chief, started_at=body.get("started_at"))
    return JsonResponse({"patrol": str(patrol.client_id), "message": _("巡河已开始：%(segment)s")
                         % {"segment": patrol.segment.name}}, status=201 if created else 200,
                        json_dumps_params={"ensure_ascii": False})


@river_api
def api_points(request: HttpRequest, client_id) -> HttpResponse:
    body = json_body(request)
    patrol = _own_patrol_or_404(request.user, client_id)
    answer = services.river_patrol_points_add(by=request.user, patrol=patrol, key=body.get("key"),
                                              points=body.get("points"), crs=str(body.get("crs") or "wgs84"),
                                              fingerprint=request_fingerprint(data=body, ignore=NOT_SUBMITTED))
    return answer_json(answer)


@river_api
def api_problem(request: HttpRequest, client_id) -> HttpResponse:
    data = request.POST
    patrol = _own_patrol_or_404(request.user, client_id)
    version = patrol_checklist_version()
    item = None
    if data.get("item"):
        item = ChecklistItem.objects.filter(pk=id_or_none(data.get("item")), section__version=version).first()
        if item is None:
            raise InvalidInput(_("没有该检查项"), field="item")
    category = None
    if data.get("category"):
        category = CatalogueItem.objects.filter(pk=id_or_none(data.get("category")), is_active=True).first()
        if category is None:
            raise InvalidInput(_("请选择问题分类"), field="category")
    answer = services.river_problem_record(
        by=request.user, patrol=patrol, key=data.get("key"), description=data.get("description", ""),
        longitude=(data.get("longitude") or "").strip() or None, latitude=(data.get("latitude") or "").strip() or None,
        crs=data.get("crs") or "wgs84", handling=data.get("handling", ""), checklist_item=item, category=category,
        measure=data.get("measure", ""), photos=request.FILES.getlist("photos"),
        fingerprint=request_fingerprint(data=data, files=request.FILES, ignore=NOT_SUBMITTED))
    return answer_json(answer)


@river_api
def api_submit(request: HttpRequest, client_id) -> HttpResponse:
    body = json_body(request)
    patrol = _own_patrol_or_404(request.user, client_id)
    answer = services.river_patrol_submit(by=request.user, patrol=patrol, ended_at=body.get("ended_at"),
                                          answers=body.get("answers"), note=str(body.get("note") or ""),
                                          fingerprint=request_fingerprint(data=body, ignore=NOT_SUBMITTED))
    answer.body["url"] = reverse("rivers:patrol-detail", args=[patrol.client_id])
    return answer_json(answer)
