"""The pages. Each view reads through selectors and writes through the domain services; a refusal
of a service (`CaseError`) becomes a message on the page and nothing is written."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.addresses.selectors import location_words
from jiedao.assets.services import asset_for_report, asset_link_for
from jiedao.cases import services
from jiedao.cases.access import (
    allowed_actions,
    may_report,
    user_roles,
)
from jiedao.cases.contact import case_contact_reveal, case_contacts
from jiedao.cases.errors import CaseError, InvalidInput
from jiedao.cases.models import CasePolicy, CaseSource, CaseState, PhotoStage
from jiedao.cases.selectors import (
    BOX_BY_CODE,
    case_photo_file,
    case_timeline,
    cases_in_inbox,
    inbox_box_words,
    inbox_boxes,
    inbox_counts,
    merge_links,
    pending_request,
)
from jiedao.cases.workflow import ACTIONS
from jiedao.catalogue.models import CatalogueItem
from jiedao.catalogue.selectors import catalogue_search as catalogue_search_items
from jiedao.params import choice_param, id_or_none, id_param, page_param, text_param
from jiedao.reports.xlsx import Column, table_to_xlsx
from jiedao.territory.access import may_import_org, may_view_org_tree
from jiedao.territory.models import FIELD_ROLES, Role
from jiedao.territory.selectors import grids_geojson
from jiedao.territory.services import ImportRejected, RowError, people_import_xlsx, units_import_geojson
from jiedao.worktime.deadlines import DeadlineLight

from . import selectors
from .actions import ACTION_FORMS, expected_version
from .downloads import download
from .presenters import light_view, timeline_entries

CASES_PER_PAGE = 30
SUGGESTIONS = 12


# ---------------------------------------------------------------- inbox

def _inbox_selection(request: HttpRequest):
    """The box and filters asked for in the query string, and the cases they select."""
    user = request.user
    codes = [box.code for box in inbox_boxes(user=user)]
    box = request.GET.get("box") or (codes[0] if codes else "all")
    if box == "overdue" and box not in codes and "overdue_all" in codes:
        box = "overdue_all"  # e.g. the dashboard's 超期 tile, for a leader who answers for no piece
    if box not in codes:
        box = codes[0] if codes else "all"
    item_id = id_param(request.GET, "item")
    filters = {
        "q": text_param(request.GET, "q", max_length=60),
        "state": choice_param(request.GET, "state", CaseState.values),
        "item": str(item_id) if item_id else "",
        "light": choice_param(request.GET, "light", DeadlineLight.values),
    }
    cases = cases_in_inbox(user=user, box=box, query=filters["q"], state=filters["state"], item_id=item_id,
                           light=filters["light"] if filters["light"] == DeadlineLight.RED else "")
    return box, filters, cases


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    box, filters, cases = _inbox_selection(request)
    now = clock.now()
    warning_ratio = float(CasePolicy.current().warning_ratio)
    page = selectors.cases_page(cases=cases, number=page_param(request.GET), per_page=CASES_PER_PAGE, light=filters["light"],
                                now=now, warning_ratio=warning_ratio)
    rows = [(case, light_view(case=case, now=now, warning_ratio=warning_ratio)) for case in page.cases]
    tabs = inbox_counts(user=user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/inbox.html", {
        "tabs": tabs, "box": BOX_BY_CODE.get(box), "box_code": box, "rows": rows, "page": page,
        "box_words": inbox_box_words(user=user, box=box),
        "filters": filters, "query_without_page": query.urlencode(),
        "states": CaseState.choices, "lights": [c for c in DeadlineLight.choices if c[0] != DeadlineLight.NONE],
        "items": CatalogueItem.objects.filter(is_active=True, rules__is_active=True).distinct().order_by("code"),
    })


EXPORT_LIMIT = 10_000


@login_required
@require_GET
def inbox_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered on the page, as an Excel workbook (at most EXPORT_LIMIT rows)."""
    box, filters, cases = _inbox_selection(request)
    now = clock.now()
    warning_ratio = float(CasePolicy.current().warning_ratio)
    columns = [Column(_("案件编号"), width=14), Column(_("问题分类"), width=18), Column(_("事发位置"), width=32),
               Column(_("单元网格"), width=18), Column(_("职能部门"), width=16), Column(_("状态"), width=10),
               Column(_("时限"), width=10), Column(_("上报时间"), "datetime", 18),
               Column(_("处置期限"), "datetime", 18), Column(_("结案时间"), "datetime", 18)]
    rows = [(case.number, case.item.name, case.address, case.grid.name,
             case.department.name if case.department else "", case.get_state_display(),
             light_view(case=case, now=now, warning_ratio=warning_ratio).label, case.reported_at,
             case.deadline_at, case.closed_at)
            for case in cases[:EXPORT_LIMIT]]
    label = BOX_BY_CODE[box].label if box in BOX_BY_CODE else box
    data = table_to_xlsx(title=f"{_('案件清单')} · {label}",
                         subtitle=_("导出时间 %(now)s") % {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
                         columns=columns, rows=rows)
    return download(data, f"cases-{box}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx", request=request, rows=len(rows),
                    detail={"box": box, "filters": {name: value for name, value in filters.items() if value}})


# ---------------------------------------------------------------- one case

def _case_or_404(request: HttpRequest, number: str):
    # 404, never 403: whether a number exists is itself not for everybody to learn.
    case = selectors.case_for_page_or_none(user=request.user, number=number)
    if case is None:
        raise Http404(_("未找到该案件"))
    return case


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _case_page(request, _case_or_404(request, number))


def _case_page(request: HttpRequest, case, *, failed_action: str = "", error: CaseError | None = None,
               status: int = 200) -> HttpResponse:
    """The case page; after a form's input was refused, that form again with what was chosen and
    written (`request.POST`), open, with the error beside it."""
    user = request.user
    now = clock.now()
    warning_ratio = float(CasePolicy.current().warning_ratio)
    forms = []
    for action in sorted(allowed_actions(user=user, case=case), key=_side_path_last):
        form = ACTION_FORMS.get(action.code)
        if form is None:
            continue
        is_failed = action.code == failed_action
        forms.append({"action": action, "template": form.template, "takes_photos": form.takes_photos,
                      "confirm": form.confirm, "values": request.POST if is_failed else {},
                      "error": error if is_failed else None,
                      **(form.context(case) if form.context else {})})
    photos = list(case.photos.all())
    events = list(case_timeline(case=case))
    contacts = case_contacts(user=user, case=case, events=events)
    merges = merge_links(user=user, case=case)
    return render(request, "web/case_detail.html", {
        "case": case,
        "failed_action": failed_action if any(form["error"] for form in forms) else "",
        "merged_into": merges.into.visible.first() if merges.into else None,
        "merged_into_hidden": bool(merges.into and merges.into.hidden_count),
        "duplicates": list(merges.duplicates.visible), "duplicates_hidden": merges.duplicates.hidden_count,
        "light": light_view(case=case, now=now, warning_ratio=warning_ratio),
        "timeline": timeline_entries(events, contacts=contacts),
        "contacts": contacts,
        "pending": pending_request(case=case),
        "forms": forms,
        "photo_groups": [(label, [p for p in photos if p.stage == stage]) for stage, label in PhotoStage.choices],
        "may_publish_photos": services.photo_publishing_role(user=user, case=case) is not None,
        "map_data": map_reference(point=[case.longitude, case.latitude], grid=case.grid.boundary),
        # 事发位置 of a case reported with a point only (the field app): the nearest standard address.
        "location_words": "" if case.address else location_words(
            longitude=case.longitude, latitude=case.latitude, grid_name=case.grid.name),
    }, status=status)


@login_required
@require_POST
@never_cache
def case_contact(request: HttpRequest, number: str) -> HttpResponse:
    """The residents' contacts on one case in full, for the command centre to call back; each
    time in the security log, never cached."""
    case = _case_or_404(request, number)
    try:
        contacts = case_contact_reveal(user=request.user, case=case, request=request)
    except CaseError as error:
        raise PermissionDenied(error.message) from error
    events = [event for event in case_timeline(case=case) if event.pk in contacts.updates]
    return render(request, "web/case_contact.html", {
        "case": case, "contacts": contacts,
        "updates": [(event, contacts.updates[event.pk]) for event in events]})


@login_required
@require_POST
def case_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _case_or_404(request, number)
    form = ACTION_FORMS.get(action)
    if form is None:
        raise Http404(_("未知的操作"))
    try:
        form.run(request, case, request.user, expected_version(request))
    except InvalidInput as error:
        if error.field == "expected_version":
            messages.error(request, error.message)
            return redirect(reverse("web:case-detail", args=[case.number]) + f"#action-{action}")
        # A refused input: the same form again, keeping what was chosen, with the error beside it.
        messages.error(request, error.message)
        return _case_page(request, case, failed_action=action, error=error, status=400)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(reverse("web:case-detail", args=[case.number]) + f"#action-{action}")
    messages.success(request, _("已完成：%(action)s") % {"action": _action_label(action)})
    return redirect("web:case-detail", number=case.number)


def _side_path_last(action) -> bool:
    """The main path's next step comes first (open), applications and voiding after it."""
    return action.code.startswith("request_") or action.code == "void"


def _action_label(code: str) -> str:
    return str(ACTIONS[code].label)


# ---------------------------------------------------------------- report a case

def _default_source(roles: set[str]) -> str:
    if roles & FIELD_ROLES:
        return CaseSource.PATROL
    if roles & {Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER}:
        return CaseSource.HOTLINE
    if roles & {Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE}:
        return CaseSource.LEADER
    if Role.SUPERVISOR in roles:
        return CaseSource.INSPECTION
    return CaseSource.PATROL


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_report(user=user):
        raise PermissionDenied(_("您没有上报案件的权限"))
    roles = user_roles(user)
    values = {"source": _default_source(roles), "crs": "wgs84"}
    errors: dict[str, str] = {}
    item = None
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in
                  ("item", "item_query", "longitude", "latitude", "crs", "address", "description", "source",
                   "reporter_name", "reporter_phone", "asset")}
        values["self_handled"] = request.POST.get("self_handled") == "on"
        item = CatalogueItem.objects.filter(pk=id_or_none(values["item"]), is_active=True).first()
        try:
            if item is None:
                raise InvalidInput(_("请选择问题分类"), field="item")
            # The asset picked from the nearest ones: the case names it (jiedao/assets), in the same transaction.
            asset = asset_for_report(asset_id=values["asset"], longitude=values["longitude"],
                                     latitude=values["latitude"], crs=values["crs"] or "wgs84")
            case = services.case_report(
                by=user, source=values["source"], item=item,
                longitude=values["longitude"] or None, latitude=values["latitude"] or None,
                crs=values["crs"] or "wgs84", description=values["description"], address=values["address"],
                photos=request.FILES.getlist("photos"), after_photos=request.FILES.getlist("after_photos"),
                self_handled=values["self_handled"], reporter_name=values["reporter_name"],
                reporter_phone=values["reporter_phone"], also=asset_link_for(asset, by=user),
            )
        except CaseError as error:
            errors[error.field or "form"] = str(error.message)
            messages.error(request, error.message)
        else:
            messages.success(request, _("案件 %(number)s 已上报") % {"number": case.number})
            return redirect("web:case-detail", number=case.number)
    return render(request, "web/case_form.html", {
        "values": values, "errors": errors, "item": item, "sources": CaseSource.choices,
        "may_self_handle": bool(roles & FIELD_ROLES),
        "map_data": map_reference(grids=grids_geojson()),
    }, status=400 if errors else 200)


@login_required
@require_GET
def catalogue_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for the category field, as an HTML fragment (htmx)."""
    query = text_param(request.GET, "item_query" if "item_query" in request.GET else "q", max_length=40)
    items = catalogue_search_items(query=query, limit=SUGGESTIONS) if query else []
    return render(request, "web/_catalogue_suggestions.html", {"items": items, "query": query})


# ---------------------------------------------------------------- organisation

@login_required
@require_http_methods(["GET", "POST"])
def org_tree(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_view_org_tree(user=user):
        raise PermissionDenied(_("只有系统管理员和街道领导可以查看组织架构"))
    may_import = may_import_org(user=user)
    import_errors = []
    status = 200
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied(_("只有系统管理员可以导入"))
        import_errors = _org_import(request)
        if not import_errors:
            return redirect("web:org-tree")
        status = 400
    return render(request, "web/org_tree.html", {
        "tree": selectors.org_tree(), "departments": selectors.departments_overview(),
        "may_import": may_import, "import_errors": import_errors,
    }, status=status)


def _org_import(request: HttpRequest) -> list:
    kind = request.POST.get("kind")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的文件"))
        return [RowError(None, "file", _("请选择要导入的文件"))]
    try:
        if kind == "units":
            result = units_import_geojson(data=upload.read())
        elif kind == "people":
            result = people_import_xlsx(file=upload, request=request)
        else:
            raise Http404
    except ImportRejected as rejected:
        messages.error(request, _("导入失败，未写入任何数据：共 %(n)d 处错误") % {"n": len(rejected.errors)})
        return rejected.errors
    except (ValueError, KeyError, OSError) as error:  # a file that is not what it claims to be
        messages.error(request, _("无法读取该文件"))
        return [RowError(None, "file", str(error))]
    messages.success(request, _("导入成功：新增 %(created)d，更新 %(updated)d")
                     % {"created": result.created, "updated": result.updated})
    return []


@login_required
@require_GET
def case_photo(request: HttpRequest, number: str, photo_id: int, size: str) -> HttpResponse:
    stored = case_photo_file(user=request.user, number=number, photo_id=photo_id, size=size)
    if stored is None:
        raise Http404
    response = FileResponse(stored.open("rb"), content_type=stored.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
