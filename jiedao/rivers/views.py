"""The river register's office pages (/rivers/): the compliance map, the segment list and page,
chiefs and their monthly 巡河日志, a patrol, the 交办函 and the dredging and cleaning works.
Every page reads through the selectors, cut to the reader's segments; writes call the services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.cases.errors import CaseError
from jiedao.field.views import duration_words
from jiedao.params import BadParameter, choice_param, date_param, id_or_none, id_param, page_param, text_param
from jiedao.territory.models import Unit, UnitLevel
from jiedao.territory.services import ImportRejected, import_upload
from jiedao.web.downloads import download

from . import services
from .access import may_follow_up_letters, may_keep_register, may_read_rivers
from .models import (
    LETTER_TRANSITIONS,
    Assignment,
    LetterAction,
    LetterState,
    ProblemPhoto,
    RiverChief,
    RiverPatrol,
    RiverProblem,
    RiverWork,
    Waterbody,
    WorkKind,
)
from .selectors import (
    WeekStatus,
    chief_month_log,
    chiefs_compliance,
    chiefs_visible_to,
    compliance_map,
    letters_visible_to,
    patrols_visible_to,
    reason_texts,
    segment_cases,
    segment_week_counts,
    segments_visible_to,
    week_status,
    week_status_label,
)

SEGMENTS_PER_PAGE = 50


def json_script_text(text: str, element_id: str) -> str:
    """`json_script` for JSON already serialised, escaped the same way (str.replace: translate()
    takes tens of milliseconds on a map's megabyte)."""
    escaped = text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    return format_html('<script id="{}" type="application/json">{}</script>', element_id,
                       mark_safe(escaped))

PATROLS_ON_SEGMENT = 30
LETTERS_PER_PAGE = 50


def _reader(request: HttpRequest) -> None:
    if not may_read_rivers(user=request.user):
        raise PermissionDenied(_("河长制页面仅供河长、河长办和街道领导查看"))


def _keeper(request: HttpRequest) -> None:
    if not may_keep_register(user=request.user):
        raise PermissionDenied(_("河湖名录由河长办和系统管理员维护"))


def _status_labels() -> dict:
    return {status: week_status_label(status) for status in (WeekStatus.DONE, WeekStatus.NOT_COUNTING,
                                                             WeekStatus.MISSED)}


# ---------------------------------------------------------------- the compliance map

def _map_page(request: HttpRequest, *, import_errors=(), status=200) -> HttpResponse:
    waterbody_id = id_param(request.GET, "waterbody")
    now = clock.now()
    found = compliance_map(user=request.user, now=now, waterbody_id=waterbody_id)
    return render(request, "rivers/map.html", {
        "counts": found.counts, "total": found.total, "labels": _status_labels(),
        "segments_script": json_script_text(found.collection_json, "river-segments-data"),
        "waterbodies": Waterbody.objects.filter(segments__in=segments_visible_to(user=request.user)).distinct(),
        "waterbody_id": waterbody_id, "may_keep": may_keep_register(user=request.user),
        "import_errors": import_errors,
        "map_data": {"labels": _status_labels(),
                     "segmentUrl": reverse("rivers:segment-detail", args=[0]), **map_reference()},
    }, status=status)


@login_required
@require_GET
def river_map(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return _map_page(request)


@login_required
@require_POST
def register_import(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    by = request.user
    try:
        result = import_upload(request.FILES.get("file"), max_bytes=services.MAX_BYTES,
                               from_geojson=lambda data: services.register_import_geojson(data=data, by=by),
                               from_xlsx=lambda file: services.register_import_xlsx(file=file, by=by))
    except ImportRejected as rejected:
        messages.error(request, _("导入失败，未写入任何数据：共 %(n)d 处错误") % {"n": len(rejected.errors)})
        return _map_page(request, import_errors=rejected.errors, status=400)
    messages.success(request, _("导入成功：新增河段 %(created)d，更新 %(updated)d，新增河湖 %(waterbodies)d")
                     % {"created": result.created, "updated": result.updated,
                        "waterbodies": result.extra["waterbodies"]})
    return redirect("rivers:map")


# ---------------------------------------------------------------- segments

@login_required
@require_GET
def segment_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    user = request.user
    segments = segments_visible_to(user=user).filter(is_active=True).select_related("waterbody")
    waterbody_id = id_param(request.GET, "waterbody")
    unit_id = id_param(request.GET, "unit")
    query = text_param(request.GET, "q", max_length=40)
    status = choice_param(request.GET, "status", [WeekStatus.DONE, WeekStatus.NOT_COUNTING, WeekStatus.MISSED])
    if waterbody_id:
        segments = segments.filter(waterbody_id=waterbody_id)
    if unit_id:
        segments = segments.filter(units__pk=unit_id)
    if query:
        segments = segments.filter(name__contains=query) | segments.filter(code__contains=query)
    counts = segment_week_counts(now=clock.now(), segments=segments)
    if status:
        wanted = [pk for pk in segments.values_list("pk", flat=True) if week_status(counts.get(pk)) == status]
        segments = segments.filter(pk__in=wanted)
    page = Paginator(segments.order_by("code").prefetch_related("chiefs"), SEGMENTS_PER_PAGE).get_page(
        page_param(request.GET))
    rows = [(segment, week_status(counts.get(segment.pk)), counts.get(segment.pk, (0, 0))) for segment in page]
    communities = Unit.objects.filter(level=UnitLevel.COMMUNITY,
                                      river_segments__in=segments_visible_to(user=user)).distinct().order_by("path")
    return render(request, "rivers/segment_list.html", {
        "page": page, "rows": rows, "labels": _status_labels(), "waterbodies": Waterbody.objects.order_by("code"),
        "communities": communities, "filters": {"waterbody": waterbody_id, "unit": unit_id, "q": query,
                                                "status": status},
    })


def _segment_or_404(user, pk: int):
    segment = segments_visible_to(user=user).select_related("waterbody").filter(pk=pk).first()
    if segment is None:
        raise Http404(_("未找到该河段"))
    return segment


@login_required
@require_GET
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    user = request.user
    segment = _segment_or_404(user, pk)
    now = clock.now()
    found = segment_cases(user=user, segment=segment)
    cases = list(found.visible[:100])
    chiefs = list(segment.chiefs.filter(is_active=True).select_related("user", "unit"))
    patrols = list(segment.patrols.filter(submitted_at__isnull=False).select_related("chief", "patrolled_by")
                   .order_by("-started_at")[:PATROLS_ON_SEGMENT])
    problems = list(RiverProblem.objects.filter(patrol__segment=segment).select_related("case", "letter")
                    .order_by("-found_at")[:50])
    units = segment.units.filter(level__in=[UnitLevel.COMMUNITY, UnitLevel.GRID]).order_by("path")
    return render(request, "rivers/segment_detail.html", {
        "segment": segment, "chiefs": chiefs, "compliance": chiefs_compliance(chiefs=chiefs, now=now),
        "week": _status_labels()[week_status(segment_week_counts(now=now, segments=segments_visible_to(user=user)
                                                                  .filter(pk=segment.pk)).get(segment.pk))],
        "patrols": [(patrol, reason_texts(patrol.validity_reasons)) for patrol in patrols],
        "problems": problems, "cases": cases, "hidden_count": found.hidden_count,
        "communities": [u for u in units if u.level == UnitLevel.COMMUNITY],
        "grids": [u for u in units if u.level == UnitLevel.GRID],
        "works": list(segment.works.order_by("planned_start")),
        "map_data": {"segment": segment.geometry,
                     "cases": [{"number": c.number, "lat": c.latitude, "lon": c.longitude, "item": c.item.name,
                                "url": reverse("web:case-detail", args=[c.number])} for c in cases if c.latitude],
                     **map_reference()},
    })


# ---------------------------------------------------------------- chiefs

def _chiefs_page(request: HttpRequest, *, form_error="", form=None, status=200) -> HttpResponse:
    user = request.user
    chiefs = list(chiefs_visible_to(user=user).prefetch_related("segments"))
    return render(request, "rivers/chief_list.html", {
        "rows": chiefs_compliance(chiefs=chiefs, now=clock.now()), "may_keep": may_keep_register(user=user),
        "form_error": form_error, "form": form or {}, "this_month": timezone.localdate().strftime("%Y-%m"),
    }, status=status)


@login_required
@require_GET
def chief_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return _chiefs_page(request)


@login_required
@require_POST
def chief_assign(request: HttpRequest) -> HttpResponse:
    """Make a chief responsible for more segments (by code); refused whole if one lies outside."""
    _keeper(request)
    form = {"chief": request.POST.get("chief", ""), "segments": request.POST.get("segments", "")[:500]}
    chief = RiverChief.objects.filter(pk=id_or_none(form["chief"])).select_related("unit").first()
    codes = [code.strip() for code in form["segments"].replace("，", ",").split(",") if code.strip()]
    segments = list(segments_visible_to(user=request.user).filter(code__in=codes))
    unknown = sorted(set(codes) - {segment.code for segment in segments})
    try:
        if chief is None:
            raise CaseError(_("请选择河长"))
        if not codes or unknown:
            raise CaseError(_("没有河段 %(codes)s") % {"codes": "、".join(unknown)} if unknown else _("请填写河段编码"))
        services.chief_segments_assign(chief=chief, segments=segments, by=request.user)
    except CaseError as error:
        return _chiefs_page(request, form_error=error.message, form=form, status=400)
    messages.success(request, _("已将 %(n)d 个河段交由 %(chief)s 负责") % {"n": len(segments), "chief": chief.name})
    return redirect("rivers:chief-list")


def _month_param(request: HttpRequest) -> date:
    value = text_param(request.GET, "month", max_length=7)
    if not value:
        return timezone.localdate().replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return date_param({"month": f"{year:04d}-{month:02d}-01"}, "month")
    except (ValueError, BadParameter) as error:
        raise BadParameter(_("参数 month 的格式应为 年-月，例如 2026-11"), field="month") from error


@login_required
@require_GET
def chief_log(request: HttpRequest, pk: int) -> HttpResponse:
    """巡河日志 of a chief's month, printable (the page's print stylesheet)."""
    _reader(request)
    chief = chiefs_visible_to(user=request.user).filter(pk=pk).first()
    if chief is None:
        raise Http404(_("未找到该河长"))
    month = _month_param(request)
    entries = chief_month_log(chief=chief, month=month)
    previous = (month.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timezone.timedelta(days=5)).replace(day=1)
    context = {
        "chief": chief, "month": month, "entries": entries, "previous": previous, "following": following,
        "counted": sum(1 for entry in entries if not entry.reasons),
        "problem_count": sum(len(entry.problems) for entry in entries),
    }
    if choice_param(request.GET, "format", ["html", "pdf"]) == "pdf":
        return download(chief_log_pdf(context), f"river-log-{chief.pk}-{month:%Y-%m}.pdf", request=request,
                        rows=len(entries), detail={"chief": chief.pk, "month": f"{month:%Y-%m}"})
    return render(request, "rivers/chief_log.html", context)


def chief_log_pdf(context: dict) -> bytes:
    """The month's 巡河日志 as a PDF, drawn like the bulletin (WeasyPrint with the CJK font the
    project ships, reports/fonts.py)."""
    from weasyprint import HTML

    from jiedao.reports.fonts import CJK_FONT, cjk_font_file

    html = render_to_string("reports/river_log.html", {**context, "font": CJK_FONT,
                                                           "font_url": cjk_font_file().as_uri()})
    return HTML(string=html).write_pdf()


# ---------------------------------------------------------------- a patrol

@login_required
@require_GET
def patrol_detail(request: HttpRequest, client_id) -> HttpResponse:
    user = request.user
    patrol = (patrols_visible_to(user=user).select_related("segment__waterbody", "chief", "patrolled_by")
              .filter(client_id=client_id).first())
    # The patroller reads their own patrol from the field app whatever their other duties.
    if patrol is None:
        patrol = RiverPatrol.objects.select_related("segment__waterbody", "chief", "patrolled_by") \
            .filter(client_id=client_id, patrolled_by=user).first() if user.is_authenticated else None
    if patrol is None:
        raise Http404(_("未找到该巡河记录"))
    problems = list(patrol.problems.select_related("case", "letter", "checklist_item").prefetch_related("photos"))
    return render(request, "rivers/patrol_detail.html", {
        "patrol": patrol, "problems": problems, "reasons": reason_texts(patrol.validity_reasons),
        "duration": duration_words(patrol.duration_s), "distance_km": f"{patrol.distance_m / 1000:.2f}",
        "map_data": {"segment": patrol.segment.geometry, "track": [[lat, lon] for lon, lat, _t in patrol.track],
                     "cases": [], **map_reference()},
    })


@login_required
@require_GET
def problem_photo(request: HttpRequest, pk: int, photo_id: int, size: str) -> HttpResponse:
    problem = RiverProblem.objects.filter(pk=pk).select_related("patrol").first()
    if problem is None or not (patrols_visible_to(user=request.user).filter(pk=problem.patrol_id).exists()
                               or problem.patrol.patrolled_by_id == request.user.pk):
        raise Http404
    photo = get_object_or_404(ProblemPhoto, pk=photo_id, problem=problem)
    stored = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg" if size == "thumb" else photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------- 交办函

@login_required
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    state = choice_param(request.GET, "state", LetterState.values)
    letters = letters_visible_to(user=request.user).select_related("segment__waterbody", "sent_by")
    if state:
        letters = letters.filter(state=state)
    page = Paginator(letters.order_by("-sent_at", "-id"), LETTERS_PER_PAGE).get_page(page_param(request.GET))
    return render(request, "rivers/letter_list.html", {"page": page, "state": state, "states": LetterState.choices,
                                                       "now": clock.now()})


def _letter_page(request: HttpRequest, letter: Assignment, *, form_error="", form=None, status=200):
    user = request.user
    actions = [LetterAction(action) for action, (sources, _target) in LETTER_TRANSITIONS.items()
               if letter.state in sources] if may_follow_up_letters(user=user, segment=letter.segment) else []
    return render(request, "rivers/letter_detail.html", {
        "letter": letter, "events": list(letter.events.select_related("actor")), "actions": actions,
        "problem": letter.problem, "now": clock.now(), "form_error": form_error, "form": form or {},
    }, status=status)


def _letter_or_404(user, pk: int) -> Assignment:
    letter = letters_visible_to(user=user).select_related("segment__waterbody", "problem__patrol", "sent_by") \
        .filter(pk=pk).first()
    if letter is None:
        raise Http404(_("未找到该交办函"))
    return letter


@login_required
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    return _letter_page(request, _letter_or_404(request.user, pk))


@login_required
@require_POST
def letter_act(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    letter = _letter_or_404(request.user, pk)
    form = {"action": request.POST.get("action", ""), "reason": request.POST.get("reason", "")[:500]}
    try:
        services.letter_act(by=request.user, letter=letter, action=form["action"], reason=form["reason"])
    except CaseError as error:
        if error.status == 403:
            raise PermissionDenied(str(error.message)) from error
        return _letter_page(request, letter, form_error=error.message, form=form, status=400)
    messages.success(request, _("已记录"))
    return redirect("rivers:letter-detail", pk=letter.pk)


# ---------------------------------------------------------------- dredging and cleaning works

def _works_page(request: HttpRequest, *, form_error="", form=None, status=200) -> HttpResponse:
    works = (RiverWork.objects.filter(segment__in=segments_visible_to(user=request.user).values("pk"))
             .select_related("segment__waterbody", "organisation").order_by("-planned_start", "id"))
    return render(request, "rivers/work_list.html", {
        "works": list(works[:200]), "kinds": WorkKind.choices, "may_keep": may_keep_register(user=request.user),
        "form_error": form_error, "form": form or {}, "today": timezone.localdate(),
    }, status=status)


@login_required
@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    return _works_page(request)


@login_required
@require_POST
def work_record(request: HttpRequest, pk: int) -> HttpResponse:
    _keeper(request)
    work = get_object_or_404(RiverWork.objects.filter(segment__in=segments_visible_to(user=request.user).values("pk")),
                             pk=pk)
    form = {key: request.POST.get(key, "")[:20] for key in ("volume", "weight", "done_on")}
    try:
        done_on = date_param(request.POST, "done_on")
        services.river_work_record(by=request.user, work=work, volume_m3=form["volume"], weight_t=form["weight"],
                                   done_on=done_on)
    except (CaseError, BadParameter) as error:
        return _works_page(request, form_error=getattr(error, "message", str(error)), form={**form, "work": pk},
                           status=400)
    messages.success(request, _("已记录完成量：%(title)s") % {"title": work.title})
    return redirect("rivers:work-list")
