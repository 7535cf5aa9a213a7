"""The residents' pages (no sign-in). Each reads through selectors and writes through services; a
refusal (`CaseError`) becomes a message on the page with nothing written. The abuse limits apply
here only, so the office's pages are never slowed by a flood of public requests."""

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.cases.errors import CaseError, InvalidInput
from jiedao.cases.models import OPEN_STATES, Case, CasePhoto, CasePolicy, CaseState
from jiedao.cases.selectors import current_rating, open_cases_near
from jiedao.cases.services import case_rate, case_resident_update, may_send_back_for_check
from jiedao.catalogue.models import CatalogueItem
from jiedao.catalogue.selectors import catalogue_search as catalogue_search_items
from jiedao.params import id_or_none
from jiedao.territory.coordinates import CoordinateError, to_wgs84
from jiedao.territory.models import Unit
from jiedao.territory.selectors import grids_geojson
from jiedao.web.bounds import limit_before_body

from . import selectors, services
from .models import FollowKind, PortalPolicy
from .public import closing_note, public_location, public_photos, public_status, public_timeline
from .ratelimits import DAY, HOUR, Limit, client_ip, hit, is_exhausted

SUGGESTIONS = 10
NEARBY = 3
REMEMBERED_CODES = 10
SCORE_LABELS = [(5, gettext_lazy("非常满意")), (4, gettext_lazy("满意")), (3, gettext_lazy("基本满意")), (2, gettext_lazy("不满意")),
                (1, gettext_lazy("很不满意"))]
# Form fields as the services name them → as the forms name them.
FIELD_NAMES = {"text": "description", "contact": "phone", "reporter_phone": "phone", "client_key": "form"}


def _limits(policy: PortalPolicy) -> dict[str, Limit]:
    return {
        "report-ip": Limit("report-ip", policy.reports_per_ip_per_hour, HOUR),
        "report-phone": Limit("report-phone", policy.reports_per_phone_per_day, DAY),
        "update-ip": Limit("update-ip", policy.updates_per_ip_per_hour, HOUR),
        "follow-ip": Limit("follow-ip", policy.follows_per_ip_per_hour, HOUR),
        "follow-email": Limit("follow-email", policy.follows_per_ip_per_hour, DAY),
        "lookup-miss": Limit("lookup-miss", policy.lookups_missed_per_ip_per_hour, HOUR),
    }


def _too_many(request: HttpRequest, *, retry_after: int = HOUR) -> HttpResponse:
    response = render(request, "portal/429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _reports_per_ip(request: HttpRequest, **kwargs) -> HttpResponse | None:
    """Runs before CSRF or the view reads the form and its photos (web/bounds.py)."""
    if hit(_limits(PortalPolicy.current())["report-ip"], client_ip(request)):
        return _too_many(request)
    return None


def _updates_per_ip(request: HttpRequest, **kwargs) -> HttpResponse | None:
    if hit(_limits(PortalPolicy.current())["update-ip"], client_ip(request)):
        return _too_many(request)
    return None


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/404.html", {"message": message}, status=404)


def _form_key() -> str:
    """A fresh idempotency key for each form shown: a double submit sends the same key twice."""
    return secrets.token_urlsafe(16)


def _error(errors: dict, error: CaseError) -> None:
    errors[FIELD_NAMES.get(error.field or "form", error.field or "form")] = str(error.message)


def _remember(request: HttpRequest, code: str) -> None:
    codes = [code] + [c for c in request.session.get("portal_codes", []) if c != code]
    request.session["portal_codes"] = codes[:REMEMBERED_CODES]


def _map_data(**extra) -> dict:
    return map_reference(**extra)


# ---------------------------------------------------------------- home, report

@require_GET
def home(request: HttpRequest) -> HttpResponse:
    remembered = list(Case.objects.filter(tracking_code__in=request.session.get("portal_codes", []))
                      .select_related("item").order_by("-reported_at"))
    return render(request, "portal/home.html", {
        "remembered": [(case, public_status(case)) for case in remembered],
    })


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "")
    return redirect("portal:track", code=selectors.normalised_tracking_code(code) or code.strip()[:20] or "-")


@limit_before_body(_reports_per_ip)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    policy = PortalPolicy.current()
    limits = _limits(policy)
    values: dict = {"crs": "wgs84", "client_key": _form_key()}
    errors: dict[str, str] = {}
    item = None
    if request.method == "POST":  # the per-address limit has run before the body was read
        values = {name: request.POST.get(name, "").strip() for name in
                  ("item", "item_query", "longitude", "latitude", "crs", "address", "description", "name", "phone",
                   "client_key", "add_to")}
        item = CatalogueItem.objects.filter(pk=id_or_none(values["item"]), is_active=True).first()
        photos = request.FILES.getlist("photos")
        try:
            phone = services.normalised_phone(values["phone"])
            if phone and hit(limits["report-phone"], phone):
                return _too_many(request, retry_after=DAY)
            if values["add_to"]:
                target = services.open_case_for_addition(values["add_to"])
                event = case_resident_update(
                    case=target, text=values["description"], photos=photos, name=values["name"], contact=phone,
                    client_key=services.portal_client_key(values["client_key"], purpose="add"))
                messages.success(request, _("已补充到该问题，谢谢！想知道进展，可以在下方用邮箱关注。"))
                return redirect("portal:case", code=event.case.public_code)
            case, _created = services.resident_report(
                item=item, longitude=values["longitude"] or None, latitude=values["latitude"] or None,
                crs=values["crs"] or "wgs84", description=values["description"], address=values["address"],
                photos=photos, name=values["name"], phone=phone,
                client_key=services.portal_client_key(values["client_key"], purpose="report"))
        except CaseError as error:
            _error(errors, error)
            messages.error(request, error.message)
        else:
            _remember(request, case.tracking_code)
            return redirect(reverse("portal:track", args=[case.tracking_code]) + "?new=1")
    return render(request, "portal/report.html", {
        "values": values, "errors": errors, "item": item,
        "map_data": _map_data(grids=grids_geojson()),
    }, status=400 if errors else 200)


@require_GET
def catalogue_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("item_query", request.GET.get("q", "")).strip()[:40]
    items = catalogue_search_items(query=query, limit=SUGGESTIONS) if query else []
    return render(request, "web/_catalogue_suggestions.html", {"items": items, "query": query})


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """While reporting: the same problem reported close by and recently, to add to instead (htmx)."""
    item_id = request.GET.get("item", "")
    found = []
    try:
        longitude, latitude = to_wgs84(lon=float(request.GET.get("longitude", "")),
                                       lat=float(request.GET.get("latitude", "")),
                                       crs=request.GET.get("crs", "wgs84") or "wgs84")
    except (CoordinateError, TypeError, ValueError):
        longitude = latitude = None
    # Sensitive categories are never suggested: probing points for "someone reported this N m away"
    # would give away the place the public map only shows approximately.
    item = CatalogueItem.objects.filter(pk=id_or_none(item_id), is_sensitive=False).first()
    if item is not None and longitude is not None:
        # Reports intake has not accepted are not published, not even as "reported nearby".
        found = [entry for entry in open_cases_near(longitude=longitude, latitude=latitude, item_id=item.pk,
                                                    now=clock.now(), limit=NEARBY * 4)
                 if entry.case.state not in selectors.UNPUBLISHED_STATES][:NEARBY]
    return render(request, "portal/_nearby.html", {
        "nearby": [(entry, public_status(entry.case)) for entry in found], "now": clock.now()})


# ---------------------------------------------------------------- one case: by tracking code, or in public

def _live_case(case: Case) -> Case:
    """Where a merged duplicate's problem is followed now."""
    seen = {case.pk}
    while case.merged_into_id is not None and case.merged_into_id not in seen:
        seen.add(case.merged_into_id)
        case = Case.objects.select_related("item", "merged_into").get(pk=case.merged_into_id)
    return case


def _case_context(request: HttpRequest, case: Case, *, holder: bool) -> dict:
    policy, case_policy = PortalPolicy.current(), CasePolicy.current()
    now = clock.now()
    events = list(selectors.public_events(case))
    live = _live_case(case) if case.merged_into_id else None
    location = public_location(live or case, blur_m=policy.location_blur_m)
    rating = current_rating(case=case)
    # A merged duplicate's reporter speaks about the problem, which lives on in the case it joined.
    subject = live or case
    within_window = may_send_back_for_check(case=subject, now=now)
    followed = live or case
    grid = followed.grid
    community = grid.parent if grid and grid.parent_id else None
    follow_choices = [(FollowKind.CASE.value, _("关注这个问题的进展"), followed.public_code),
                      (FollowKind.CATEGORY.value, _("关注所有“%(item)s”问题") % {"item": followed.item.name},
                       followed.item_id)]
    if community is not None:
        follow_choices.append((FollowKind.AREA.value, _("关注%(area)s的新问题和办结") % {"area": community.name},
                               community.code))
    return {
        "case": case, "holder": holder, "status": public_status(case), "steps": public_timeline(events),
        "closing_note": closing_note(events), "photos": public_photos(case), "location": location,
        "live": live, "live_status": public_status(live) if live else None,
        # The kept case says how many reports were merged into it (counted: the others' reports are
        # theirs, and most were never published).
        "merged_reports": Case.objects.filter(merged_into=case).count(),
        "live_steps": public_timeline(selectors.public_events(live)) if live else [],
        "live_photos": public_photos(live) if live else None,
        # The current stage only: a closure and rating a later "not fixed" sent back are in the history.
        "is_closed": case.state == CaseState.CLOSED,
        "rating": rating, "may_rate": holder and case.state == CaseState.CLOSED and rating is None,
        "may_say_not_fixed": holder and subject.state in {CaseState.FIXED, CaseState.CHECKED, CaseState.CLOSED},
        "within_window": within_window, "reopen_window_days": case_policy.reopen_window_days,
        "may_add": holder and subject.state in OPEN_STATES and subject.state not in {CaseState.FIXED,
                                                                                     CaseState.CHECKED},
        "form_key": _form_key(), "follow_choices": follow_choices,
        "score_labels": [(score, label, "★" * score) for score, label in SCORE_LABELS],
        "map_data": _map_data(point=[location.longitude, location.latitude], approximate=location.is_approximate,
                              radius=policy.location_blur_m, grid=grid.boundary if grid else None),
    }


def _tracked_or_response(request: HttpRequest, code: str, limits: dict) -> Case | HttpResponse:
    ip = client_ip(request)
    if is_exhausted(limits["lookup-miss"], ip):
        return _too_many(request)
    case = selectors.case_by_tracking_code(code)
    if case is None:
        hit(limits["lookup-miss"], ip)
        return _not_found(request, _("没有找到这个查询码对应的反映，请核对后重试（查询码为 10 位字母和数字）。"))
    return case


@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    case = _tracked_or_response(request, code, _limits(PortalPolicy.current()))
    if isinstance(case, HttpResponse):
        return case
    return render(request, "portal/case.html", {**_case_context(request, case, holder=True),
                                                "is_new": request.GET.get("new") == "1"})


@limit_before_body(_updates_per_ip)
@require_POST
def track_update(request: HttpRequest, code: str) -> HttpResponse:
    """“This is not fixed” (with a photo), or more information on an open case."""
    limits = _limits(PortalPolicy.current())
    case = _tracked_or_response(request, code, limits)
    if isinstance(case, HttpResponse):
        return case
    not_fixed = request.POST.get("not_fixed") == "yes"
    errors: dict[str, str] = {}
    try:
        event = case_resident_update(
            case=case, text=request.POST.get("text", ""), photos=request.FILES.getlist("photos"), not_fixed=not_fixed,
            client_key=services.portal_client_key(request.POST.get("client_key", ""), purpose="update"))
    except CaseError as error:
        _error(errors, error)
        messages.error(request, error.message)
        return render(request, "portal/case.html", {**_case_context(request, case, holder=True), "errors": errors,
                                                    "values": {"text": request.POST.get("text", "")},
                                                    "open_form": "not_fixed" if not_fixed else "update"},
                      status=400)
    if event.action == "public_not_fixed":
        messages.success(request, _("已收到。案件已退回，工作人员会重新到现场核查，结果会在本页更新。"))
    elif event.action == "public_complaint" and event.data.get("too_late"):
        messages.warning(request, _("该问题办结已超过 %(days)d 天，您的反馈已记录。如果问题仍然存在，请重新反映。")
                         % {"days": CasePolicy.current().reopen_window_days})
    elif event.action == "public_complaint":
        messages.success(request, _("已记录您的反馈，工作人员会看到。"))
    else:
        messages.success(request, _("已补充，谢谢！"))
    return redirect("portal:track", code=case.tracking_code)


@limit_before_body(_updates_per_ip)
@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    limits = _limits(PortalPolicy.current())
    case = _tracked_or_response(request, code, limits)
    if isinstance(case, HttpResponse):
        return case
    try:
        case_rate(case=case, score=request.POST.get("score"), comment=request.POST.get("comment", ""),
                  tracking_code=case.tracking_code)
    except CaseError as error:
        messages.error(request, error.message)
        return render(request, "portal/case.html", {**_case_context(request, case, holder=True),
                                                    "errors": {FIELD_NAMES.get(error.field, error.field): error.message},
                                                    "values": {"comment": request.POST.get("comment", ""),
                                                               "score": request.POST.get("score", "")}},
                      status=400)
    messages.success(request, _("感谢您的评价！"))
    return redirect("portal:track", code=case.tracking_code)


@require_GET
def public_case(request: HttpRequest, code: str) -> HttpResponse:
    case = selectors.public_case(code)
    if case is None:
        return _not_found(request, _("没有找到这个问题，或它还在受理中。"))
    return render(request, "portal/case.html", _case_context(request, case, holder=False))


@require_GET
def photo(request: HttpRequest, photo_id: int, size: str) -> HttpResponse:
    """A photo staff made public; any other is as if it did not exist."""
    from django.http import FileResponse

    stored_photo = CasePhoto.objects.filter(pk=photo_id, is_public=True).first()
    if stored_photo is None or size not in {"image", "thumbnail"}:
        return _not_found(request, _("照片不存在或未公开。"))
    stored = getattr(stored_photo, size)
    content_type = "image/png" if stored.name.endswith(".png") else "image/jpeg"
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=600"
    return response


# ---------------------------------------------------------------- map and areas

@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    policy = PortalPolicy.current()
    return render(request, "portal/map.html", {
        "days": policy.map_days,
        "map_data": _map_data(grids=grids_geojson(), pointsUrl=reverse("portal:map-data")),
    })


@require_GET
def public_map_data(request: HttpRequest) -> JsonResponse:
    policy = PortalPolicy.current()
    try:
        days = int(request.GET.get("days", policy.map_days))
    except ValueError:
        days = policy.map_days
    days = max(1, min(days, policy.map_days))
    points = selectors.public_map_points(now=clock.now(), days=days, blur_m=policy.location_blur_m)
    response = JsonResponse({"days": days, "points": points}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/areas.html", {"units": selectors.followable_units(),
                                                 "follow_kinds": FollowKind})


# ---------------------------------------------------------------- follows

def _follow_target(kind: str, target: str):
    target = (target or "").strip()
    if kind == FollowKind.CASE:
        return Case.objects.filter(public_code=target.upper()).first() if target else None
    if kind == FollowKind.AREA:
        return Unit.objects.filter(code=target, is_active=True).first()
    if kind == FollowKind.CATEGORY:
        return CatalogueItem.objects.filter(pk=id_or_none(target), is_active=True).first()
    return None


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    limits = _limits(PortalPolicy.current())
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/p/"):
        back = reverse("portal:home")
    if hit(limits["follow-ip"], client_ip(request)):
        return _too_many(request)
    kind = request.POST.get("kind", "")
    target = _follow_target(kind, request.POST.get(f"target_{kind}") or request.POST.get("target", ""))
    email = request.POST.get("email", "").strip().lower()
    user = request.user if request.user.is_authenticated else None
    if user is None and email and hit(limits["follow-email"], email):
        return _too_many(request, retry_after=DAY)
    try:
        if target is None:
            raise InvalidInput(_("请选择要关注的内容"), field="kind")
        followed = services.follow_start(kind=kind, target=target, email=email, user=user, now=clock.now())
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(back + "#follow")
    if followed.confirmed_at is not None:
        messages.success(request, _("已关注“%(target)s”，有新进展会发邮件到 %(email)s")
                         % {"target": followed.target_label, "email": followed.email})
    else:
        messages.success(request, _("确认邮件已发到 %(email)s，请点击邮件中的链接完成关注。")
                         % {"email": followed.email})
    return redirect(back + "#follow")


@require_GET
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    followed = services.follow_confirm(token=token, now=clock.now())
    if followed is None:
        return _not_found(request, _("链接已失效：可能已经退订，或链接不完整。"))
    return render(request, "portal/follow_done.html", {"follow": followed, "confirmed": True})


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a form; the token authorises
@require_http_methods(["GET", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        from .models import Follow

        followed = Follow.objects.filter(token=token).select_related("case__item", "unit", "item").first()
        if followed is None:
            return _not_found(request, _("链接已失效：可能已经退订，或链接不完整。"))
        return render(request, "portal/follow_done.html", {"follow": followed, "ask_unsubscribe": True})
    followed = services.follow_unsubscribe(token=token, now=clock.now())
    if followed is None:
        return _not_found(request, _("链接已失效：可能已经退订，或链接不完整。"))
    return render(request, "portal/follow_done.html", {"follow": followed, "unsubscribed": True})
