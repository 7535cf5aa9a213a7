"""The inspection sheet on the phone, in the field app (/field/inspections/): choose a unit and a
checklist, score item by item at 390 px with the running score computed on the device from the
sheet's rules (sent as JSON), the server's answer authoritative when online; every request goes
through the device's outbox (IndexedDB) with its idempotency key, so the sheet works offline."""

import uuid
from datetime import UTC, datetime

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from jiedao.cases.errors import InvalidInput
from jiedao.cases.idempotency import request_fingerprint
from jiedao.checklists.models import ChecklistVersion, VersionStatus
from jiedao.checklists.selectors import checklists_in_force, version_items
from jiedao.field.access import is_field_user
from jiedao.field.views import NOT_SUBMITTED, answer_json, client_config, device_api, device_page, json_body
from jiedao.params import id_or_none, id_param
from jiedao.territory.models import Unit, UnitLevel

from . import services
from .access import may_inspect, units_to_inspect
from .models import Inspection, InspectionKind
from .selectors import inspections_visible_to, plans_visible_to

RECENT = 10
ZERO_UUID = "00000000-0000-0000-0000-000000000000"
# What an inspection is usually of: a community or village, or one of its grids.
INSPECTED_LEVELS = (UnitLevel.AREA, UnitLevel.COMMUNITY, UnitLevel.GRID)
INSPECTORS_ONLY = gettext_lazy("检查评分仅供监督员、督查员和街道、片区领导使用")

inspector_page = device_page(may_use=lambda user: may_inspect(user=user), refusal=INSPECTORS_ONLY)
inspector_api = device_api(may_use=lambda user: may_inspect(user=user), refusal=INSPECTORS_ONLY)


def _units(user) -> list[Unit]:
    """The units this person may inspect, communities first (what is usually inspected), then grids, areas."""
    order = {UnitLevel.COMMUNITY: 0, UnitLevel.GRID: 1, UnitLevel.AREA: 2}
    return sorted(units_to_inspect(user=user, levels=INSPECTED_LEVELS), key=lambda unit: (order[unit.level], unit.path))


def _config(request: HttpRequest, **extra) -> dict:
    config = client_config(request)
    # Whoever may inspect uses the outbox on these pages, field worker or not.
    config["fieldUser"] = True
    config["urls"].update({
        "inspectionStart": reverse("inspections:api-start"),
        "inspectionItem": reverse("inspections:api-item", args=[ZERO_UUID]),
        "inspectionSubmit": reverse("inspections:api-submit", args=[ZERO_UUID]),
        "inspectionPage": reverse("inspections:inspection-detail", args=[0]),
        "sheet": reverse("inspections:field-sheet", args=[0]),
    })
    config["texts"].update(_sheet_texts())
    config.update(extra)
    return config


def _sheet_texts() -> dict:
    return {
        "inspectionStart": _("开始检查"), "inspectionItem": _("检查记录：%(item)s"),
        "inspectionSubmit": _("提交检查：%(unit)s"), "itemSaved": _("已保存"), "itemDirty": _("未保存"),
        "itemQueued": _("待发送"), "itemRefused": _("被退回：%(message)s"), "noUnit": _("请选择被检查单位"),
        "synced": _("服务器已确认"), "local": _("本机计算"), "submitted": _("检查已保存，待发送"),
        "confirmSubmit": _("提交后不能再修改，确定提交？"), "viewInspection": _("查看检查"),
        "newSheet": _("开始新的检查"), "failedItems": _("扣分 %(n)s 项"), "vetoed": _("一票否决"),
        "photoCount": _("照片 %(n)s 张"), "located": _("已定位，精度约 %(m)s 米"), "locating": _("正在定位…"), "locateFailed": _("无法获取定位"),
    }


# ---------------------------------------------------------------- pages

@inspector_page
@require_GET
def start_page(request: HttpRequest) -> HttpResponse:
    """Choose the unit and the checklist; the device opens the sheet (the form works without script)."""
    user = request.user
    version_id = id_param(request.GET, "version")
    if version_id is not None:
        query = request.GET.copy()
        query.pop("version")
        return redirect(reverse("inspections:field-sheet", args=[version_id]) + ("?" + query.urlencode() if query else ""))
    return render(request, "inspections/field_start.html", {
        "units": _units(user), "hide_worker_tabs": not is_field_user(user=user),
        "versions": list(checklists_in_force()),
        "kinds": InspectionKind.choices,
        "recent": list(inspections_visible_to(user=user).filter(inspector=user)[:RECENT]),
        "config": _config(request),
    })


def sheet_json(version: ChecklistVersion) -> dict:
    """The sheet's rules as the device scores them (the same numbers `checklists.scoring` uses)."""
    sections: dict[int, dict] = {}
    items = []
    for item in version_items(version):
        section = item.section
        sections.setdefault(section.pk, {"id": section.pk, "number": section.number, "name": section.name,
                                         "max": f"{section.max_score:.2f}"})
        items.append({"id": item.pk, "section": section.pk, "number": item.number, "name": item.name,
                      "method": item.method, "max": f"{item.max_score:.2f}", "per": f"{item.per_occurrence:.2f}",
                      "cap": None if item.cap is None else f"{item.cap:.2f}", "veto": item.veto_scope})
    return {"version": version.pk, "checklist": version.checklist.name,
            "bonusCap": None if version.bonus_cap is None else f"{version.bonus_cap:.2f}",
            "sections": list(sections.values()), "items": items}


@inspector_page
@require_GET
def sheet_page(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(ChecklistVersion.objects.select_related("checklist"), pk=version_id,
                                status=VersionStatus.PUBLISHED)
    user = request.user
    units = _units(user)
    unit_id = id_param(request.GET, "unit")
    plan = plans_visible_to(user=user).filter(pk=id_param(request.GET, "plan"), checklist=version.checklist).first()
    kind = plan.kind if plan else (request.GET.get("kind") if request.GET.get("kind") in InspectionKind.values
                                   else InspectionKind.NOTIFIED)
    sections: dict[int, dict] = {}
    for item in version_items(version):
        sections.setdefault(item.section_id, {"section": item.section, "items": []})["items"].append(item)
    return render(request, "inspections/field_sheet.html", {
        "version": version, "sections": list(sections.values()), "units": units,
        "unit_id": unit_id if any(unit.pk == unit_id for unit in units) else None,
        "plan": plan, "kind": kind, "kinds": InspectionKind.choices,
        "sheet": sheet_json(version), "config": _config(request, user=user.pk),
        "hide_worker_tabs": not is_field_user(user=user),
    })


# ---------------------------------------------------------------- the outbox's endpoints

def _own_draft_or_404(user, client_id) -> Inspection:
    # Another person's inspection answers like one that does not exist.
    inspection = Inspection.objects.select_related("version", "unit").filter(client_id=client_id, inspector=user).first()
    if inspection is None:
        raise Http404
    return inspection


def _started_at(value) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise InvalidInput(_("时间格式不正确"), field="started_at") from error


@inspector_api
def api_start(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    version = ChecklistVersion.objects.filter(pk=id_or_none(str(body.get("version") or ""))).first()
    if version is None:
        raise InvalidInput(_("请选择考评细则"), field="version")
    unit = Unit.objects.filter(pk=id_or_none(str(body.get("unit") or ""))).first()
    if unit is None:
        raise InvalidInput(_("请选择被检查单位"), field="unit")
    plan = None
    if body.get("plan"):
        # A plan the person may not read answers like one that does not exist (plans name 暗访 targets).
        plan = plans_visible_to(user=request.user).filter(pk=id_or_none(str(body.get("plan")))).first()
        if plan is None:
            raise InvalidInput(_("没有该检查计划"), field="plan")
    client_id = body.get("client_id")
    try:
        uuid.UUID(str(client_id or ""))
    except ValueError as error:
        raise InvalidInput(_("检查编号格式不正确"), field="client_id") from error
    inspection, created = services.inspection_start(
        by=request.user, version=version, unit=unit, kind=str(body.get("kind") or InspectionKind.NOTIFIED),
        plan=plan, place=body.get("place") or "", longitude=body.get("longitude"), latitude=body.get("latitude"),
        crs=str(body.get("crs") or "wgs84"), client_id=client_id, started_at=_started_at(body.get("started_at")))
    receipt = services.inspection_receipt(inspection, message=_("检查已开始：%(unit)s") % {"unit": inspection.unit.name})
    return JsonResponse(receipt, status=201 if created else 200, json_dumps_params={"ensure_ascii": False})


def _yes(value) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@inspector_api
def api_item(request: HttpRequest, client_id) -> HttpResponse:
    data = request.POST
    inspection = _own_draft_or_404(request.user, client_id)
    item_id = id_or_none(data.get("item"))
    if item_id is None:
        raise InvalidInput(_("没有该细则条目"), field="item")
    answer = services.inspection_score_item_once(
        key=data.get("key"), by=request.user, inspection=inspection,
        fingerprint=request_fingerprint(data=data, files=request.FILES, ignore=NOT_SUBMITTED),
        item_id=item_id, occurrences=data.get("occurrences", ""), vetoed=_yes(data.get("vetoed")),
        note=data.get("note", ""), longitude=(data.get("longitude") or "").strip() or None,
        latitude=(data.get("latitude") or "").strip() or None, crs=data.get("crs") or "wgs84",
        photos=request.FILES.getlist("photos"))
    return answer_json(answer)


@inspector_api
def api_submit(request: HttpRequest, client_id) -> HttpResponse:
    body = json_body(request)
    inspection = _own_draft_or_404(request.user, client_id)
    results = body.get("results")
    if results is not None and not (isinstance(results, list)
                                    and all(isinstance(row, list) and len(row) == 3 for row in results)):
        raise InvalidInput(_("检查结果格式不正确"), field="results")
    answer = services.inspection_submit_once(
        key=body.get("key"), by=request.user, inspection=inspection, results_seen=results,
        fingerprint=request_fingerprint(data=body, ignore=NOT_SUBMITTED))
    return answer_json(answer)
