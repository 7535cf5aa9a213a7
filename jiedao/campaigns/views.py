"""The campaign pages: the list, one campaign at a level (drill-down like the dashboard's), its
日报/周报 downloads, and the two forms on it (targets for the leaders, evidence figures for the
leaders and the communities). Reads through the selectors, writes through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiedao import clock
from jiedao.addresses.maps import map_reference
from jiedao.params import LARGEST_ID, choice_param, date_param, id_param
from jiedao.reports.bulletin import bar_chart_svg, bulletin_docx, bulletin_pdf
from jiedao.reports.xlsx import sheets_to_xlsx
from jiedao.territory.models import Unit
from jiedao.territory.selectors import way_down
from jiedao.web.downloads import download

from .access import campaign_tops, may_edit_campaign, may_enter_figures, may_view_campaigns
from .models import SCOPE_LEVELS, Campaign, KeyPlaceKind, PhaseKind, TargetMeasure
from .progress import DEFINITIONS
from .report import REPORT_KINDS, campaign_report, phase_text
from .selectors import (
    campaign_map_cases,
    campaign_progress,
    campaign_trend,
    campaigns_readable,
    figures_recent,
    key_places_geojson,
    laggards,
)
from .services import figure_document_file, figure_photo_file, figure_record, target_set

REPORT_FORMATS = ("xlsx", "pdf", "docx")
LAGGARDS_SHOWN = 3


def _today():
    return timezone.localtime(clock.now()).date()


def _readable(request: HttpRequest, pk: int) -> tuple[Campaign, list[Unit]]:
    if not may_view_campaigns(user=request.user):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign.objects.select_related("scope"), pk=pk, is_active=True)
    tops = campaign_tops(user=request.user, campaign=campaign)
    if not tops:
        raise Http404
    return campaign, tops


def campaign_level(request: HttpRequest, tops: list[Unit]) -> tuple[Unit, list[Unit]]:
    """The unit asked for (`?unit=`) and the way down to it from the reader's top; a unit outside
    what they read, or below the communities, is not found."""
    key = id_param(request.GET if request.method == "GET" else request.POST, "unit")
    if key is None:
        return tops[0], [tops[0]]
    unit = Unit.objects.filter(pk=key, level__in=SCOPE_LEVELS).first()
    trail = way_down(unit=unit, tops=tops) if unit is not None else None
    if trail is None:
        raise Http404
    return unit, trail


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    if not may_view_campaigns(user=request.user):
        raise PermissionDenied
    now, today = clock.now(), _today()
    rows = []
    for campaign, tops in campaigns_readable(user=request.user):
        progress = campaign_progress(campaign=campaign, level=tops[0], until=now)
        rows.append({"campaign": campaign, "level": tops[0], "phase": phase_text(campaign, today),
                     "completion": progress.completion, "total": progress.total})
    return render(request, "campaigns/campaign_list.html", {"rows": rows})


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, tops = _readable(request, pk)
    level, trail = campaign_level(request, tops)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign, level, trail))


def _detail_context(request: HttpRequest, campaign: Campaign, level: Unit, trail: list[Unit], *,
                    figure_form: dict | None = None, figure_errors: dict | None = None) -> dict:
    user, now, today = request.user, clock.now(), _today()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    progress = campaign_progress(campaign=campaign, level=level, until=now, recent_start=start_of_today)
    trend = campaign_trend(campaign=campaign, level=level, until=now)
    on_map = campaign_map_cases(user=user, progress=progress)
    groups = []
    for line in progress.lines:
        if not groups or groups[-1]["group"].pk != line.group_id:
            groups.append({"group": line.group, "lines": []})
        groups[-1]["lines"].append(line)
    count_target = sum((row.cell.count_target or 0 for row in progress.line_rows), 0)
    cumulative, running = [], 0
    for day in trend:
        running += day.done
        cumulative.append(running)
    figure_communities = [row.unit for row in progress.communities
                          if may_enter_figures(user=user, campaign=campaign, community=row.unit)]
    figure_community_ids = {unit.pk for unit in figure_communities}
    may_edit = may_edit_campaign(user=user, campaign=campaign)
    level_query = f"unit={level.pk}"
    children = [child for child in Unit.objects.filter(parent=level, is_active=True, level__in=SCOPE_LEVELS)
                .exclude(level=level.level).order_by("code")] if level.level != "community" else []
    return {
        "campaign": campaign, "level": level, "trail": trail, "progress": progress, "total": progress.total,
        "groups": groups, "phases": list(campaign.phases.order_by("starts_on")),
        "current_phase": campaign.phase_on(today), "phase_text": phase_text(campaign, today),
        "definitions": DEFINITIONS, "children": children, "level_query": level_query,
        "community_laggards": laggards(progress.communities, count=LAGGARDS_SHOWN),
        "place_laggards": laggards(progress.key_places, count=LAGGARDS_SHOWN),
        "hidden_count": on_map.hidden_count, "figures": figures_recent(campaign=campaign, level=level, user=user),
        "may_edit": may_edit, "figure_communities": figure_communities,
        "figure_places": [row.place for row in progress.key_places if row.place.community_id in figure_community_ids],
        "figure_form": figure_form or {"on_date": today.isoformat()}, "figure_errors": figure_errors or {},
        "measures": TargetMeasure.choices, "report_kinds": list(REPORT_KINDS.items()), "today": today,
        "chart_data": {
            "days": [day.day.isoformat() for day in trend], "found": [day.found for day in trend],
            "groups": [{"name": group["group"].name, "done": [day.done_by_group.get(group["group"].pk, 0)
                                                                for day in trend]} for group in groups],
            "cumulative": cumulative, "target": float(count_target),
            "labels": {"found": _("发现"), "cumulative": _("累计完成"), "target": _("目标")},
        },
        "map_data": {
            "places": key_places_geojson(progress.key_places), "points": on_map.points,
            "boundary": level.boundary, **map_reference(),
            "caseUrl": reverse("web:case-detail", args=["NUMBER"]),
            "labels": {"open": _("在办")},
            "lineKinds": [KeyPlaceKind.BACK_STREET],
        },
        "phase_kinds": PhaseKind.choices,
    }


def _back(campaign: Campaign, unit_id, anchor: str = "") -> str:
    url = reverse("campaigns:campaign-detail", args=[campaign.pk])
    return f"{url}?unit={unit_id}{anchor}" if unit_id else f"{url}{anchor}"


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@login_required
@require_POST
def campaign_target(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, tops = _readable(request, pk)
    level, _trail = campaign_level(request, tops)
    post = request.POST
    try:
        target = target_set(campaign=campaign, by=request.user, line_id=post.get("line"), unit_id=post.get("target_unit"),
                            key_place_id=post.get("key_place") or None,
                            measure=post.get("measure") or TargetMeasure.COUNT, value=post.get("value", ""),
                            note=post.get("note", ""))
    except ValidationError as error:
        messages.error(request, _("目标未保存：%(why)s") % {"why": _messages_of(error)})
    else:
        place = target.key_place.name if target.key_place_id else target.unit.name
        messages.success(request, _("已下达目标：%(place)s · %(line)s · %(value)s") % {
            "place": place, "line": target.line.name, "value": target.value})
    return redirect(_back(campaign, level.pk, "#targets"))


@login_required
@require_POST
def campaign_figure(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, tops = _readable(request, pk)
    level, trail = campaign_level(request, tops)
    post = request.POST
    values = {name: post.get(name, "").strip() for name in
              ("line", "community", "key_place", "case", "on_date", "count", "quantity", "note")}
    try:
        on_date = date_param(post, "on_date")
        figure_record(campaign=campaign, by=request.user, line_id=values["line"], community_id=values["community"],
                      key_place_id=values["key_place"] or None, case_number=values["case"], on_date=on_date,
                      count=values["count"] or 0, quantity=values["quantity"] or 0, note=values["note"],
                      photos=request.FILES.getlist("photos"), document=request.FILES.get("document"))
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"form": error.messages}
        messages.error(request, _("佐证数据未保存：%(why)s") % {"why": _messages_of(error)})
        context = _detail_context(request, campaign, level, trail, figure_form=values,
                                  figure_errors={name: " ".join(texts) for name, texts in errors.items()})
        return render(request, "campaigns/campaign_detail.html", context, status=400)
    messages.success(request, _("佐证数据已录入"))
    return redirect(_back(campaign, level.pk, "#figures"))


def _report_asked(request: HttpRequest, pk: int):
    """The campaign, the level and the report the query asks for (`kind`, `date`, `unit`)."""
    campaign, tops = _readable(request, pk)
    level, _trail = campaign_level(request, tops)
    kind = choice_param(request.GET, "kind", list(REPORT_KINDS), default="daily")
    day = min(max(date_param(request.GET, "date", default=_today()), campaign.starts_on), _today())
    return campaign, level, campaign_report(campaign=campaign, level=level, kind=kind, day=day, now=clock.now())


@login_required
@require_GET
def campaign_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The 日报 or 周报 of a day at the page's level, as .xlsx, PDF or Word."""
    campaign, level, report = _report_asked(request, pk)
    wanted = choice_param(request.GET, "format", REPORT_FORMATS, default="xlsx")
    if wanted == "xlsx":
        data = sheets_to_xlsx(report.sheets)
    else:
        data = (bulletin_pdf if wanted == "pdf" else bulletin_docx)(report.bulletin)
    return download(data, f"{report.filename_stem}.{wanted}", request=request,
                    rows=len(report.progress.communities) + len(report.progress.key_places),
                    detail={"campaign": campaign.code, "unit": level.code, "kind": report.kind, "day": str(report.day)})


@login_required
@require_GET
def campaign_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The same report read on the page, as the bulletin is."""
    campaign, level, report = _report_asked(request, pk)
    return render(request, "campaigns/campaign_report.html", {
        "campaign": campaign, "level": level, "report": report, "bulletin": report.bulletin,
        "chart": bar_chart_svg(report.bulletin.chart_bars), "kind": report.kind, "day": report.day,
        "report_kinds": list(REPORT_KINDS.items()),
    })


@login_required
@require_GET
def figure_photo(request: HttpRequest, figure_id: int, photo_id: int, size: str) -> HttpResponse:
    if max(figure_id, photo_id) > LARGEST_ID:  # a path of more digits than any row id has
        raise Http404
    stored = figure_photo_file(user=request.user, figure_id=figure_id, photo_id=photo_id, size=size)
    if stored is None:
        raise Http404
    response = FileResponse(stored.open("rb"), content_type=stored.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def figure_document(request: HttpRequest, figure_id: int) -> HttpResponse:
    if figure_id > LARGEST_ID:
        raise Http404
    stored = figure_document_file(user=request.user, figure_id=figure_id)
    if stored is None:
        raise Http404
    with stored.open("rb") as handle:
        data = handle.read()
    return download(data, f"campaign-evidence-{figure_id}.pdf", request=request, detail={"figure": figure_id})
