"""Pages at /air/: the register (map and list, filtered by type), a source's page, reading entry,
a site check, and the leaders' page `/air/overview/` with its drill-down and the records behind each
figure. Every source is checked against `access.py`; out of reach is a 404; every case named goes
through `cases_in_reach`."""

import uuid
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiedao import clock
from jiedao.cases.models import OPEN_STATES, Case
from jiedao.cases.selectors import cases_in_reach
from jiedao.catalogue.models import CaseRule
from jiedao.checklists.models import ChecklistItem
from jiedao.params import BadParameter, choice_param, date_param, id_param
from jiedao.territory.models import Unit, UnitLevel

from . import services
from .access import (
    enterable_sources_filter,
    may_enter_air,
    may_enter_at_source,
    may_read_air,
    reader_tops,
)
from .models import Parameter, PollutionSource, SourceCheck, SourceType
from .rules import UNIT_FACTORS, share
from .selectors import (
    PAGE_ROWS,
    air_categories,
    ban_flags,
    chart_series,
    exceeding_readings,
    figures_by_source,
    figures_by_unit,
    limits_of,
    source_readings,
    sources_by_type,
    sources_visible,
)

FIGURES = ("sources", "exceedances", "cases", "checks", "checks_failed")


def _today() -> date:
    return timezone.localdate(clock.now())


def _reader(request: HttpRequest) -> None:
    if not may_read_air(user=request.user):
        raise Http404


def _period(request: HttpRequest) -> tuple[date, date]:
    """[start, end] both included; this month by default."""
    today = _today()
    start = date_param(request.GET, "start", default=today.replace(day=1))
    end = date_param(request.GET, "end", default=today)
    if end < start:
        raise BadParameter(_("结束日期不能早于开始日期"), field="end")
    if (end - start).days > 366:
        raise BadParameter(_("统计周期不能超过一年"), field="end")
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    types = list(SourceType.objects.all())
    type_code = choice_param(request.GET, "type", [t.code for t in types])
    community_id = id_param(request.GET, "community")
    visible = sources_visible(user=request.user)
    communities = Unit.objects.filter(level=UnitLevel.COMMUNITY, is_active=True,
                                      pk__in=visible.values("grid__parent_id")).order_by("code")
    chosen = visible.filter(is_active=True)
    if type_code:
        chosen = chosen.filter(source_type__code=type_code)
    if community_id:
        community = Unit.objects.filter(pk=community_id).first()
        chosen = chosen.filter(territory_path__startswith=community.path) if community else chosen.none()
    start, end = _today().replace(day=1), _today()
    rows = list(chosen[:PAGE_ROWS])
    figures = figures_by_source(sources=rows, start=start, end=end + timedelta(days=1))
    map_points = [{"id": s.pk, "name": f"{s.code} {s.name}", "type": s.source_type.name, "lon": s.longitude,
                   "lat": s.latitude, "exceeding": figures[s.pk].exceedances > 0} for s in rows]
    return render(request, "air/source_list.html", {
        "rows": [(s, figures[s.pk]) for s in rows], "types": types, "communities": communities,
        "filters": {"type": type_code, "community": community_id}, "total": chosen.count(),
        "truncated": chosen.count() > PAGE_ROWS, "map_points": map_points, "month_start": start,
        "may_enter": may_enter_air(user=request.user)})


def _source_or_404(request: HttpRequest, source_id: int) -> PollutionSource:
    source = sources_visible(user=request.user).filter(pk=source_id).first()
    if source is None:
        raise Http404
    return source


@login_required
@require_GET
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    _reader(request)
    source = _source_or_404(request, source_id)
    limits = limits_of(source.source_type)
    readings = source_readings(source=source)
    category = source.source_type.category
    rule = CaseRule.objects.filter(item=category, is_active=True).select_related("department").first() \
        if category else None
    case_ids = set(source.readings.exclude(case=None).values_list("case_id", flat=True).distinct()[:500])
    cases = cases_in_reach(user=request.user, cases=Case.objects.filter(
        Q(pk__in=case_ids) | Q(client_key__startswith=f"air:{source.pk}:")).order_by("-reported_at"))
    flags = []
    if source.source_type.is_ban_zone and category is not None:
        near = [flag for flag in ban_flags(cases=Case.objects.filter(item=category)) if flag.zone == source]
        reach = cases_in_reach(user=request.user, cases=Case.objects.filter(pk__in=[f.case.pk for f in near]))
        visible_ids = set(reach.visible.values_list("pk", flat=True))
        flags = {"shown": [f for f in near if f.case.pk in visible_ids], "hidden": reach.hidden_count}
    return render(request, "air/source_detail.html", {
        "source": source, "limits": limits.values(), "readings": readings[:50],
        "series": chart_series(readings, limits), "exceedances": [r for r in readings if r.is_exceedance][:50],
        "checks": source.checks.select_related("checked_by", "version__checklist")[:50],
        "cases": cases.visible[:50], "cases_hidden": cases.hidden_count, "department": rule.department if rule else None,
        "flags": flags, "checklist": services.checklist_for(source.source_type),
        "may_enter": may_enter_at_source(user=request.user, source=source)})


@login_required
@require_http_methods(["GET", "POST"])
def reading_new(request: HttpRequest) -> HttpResponse:
    if not may_enter_air(user=request.user):
        raise Http404
    sources = PollutionSource.objects.filter(enterable_sources_filter(request.user), is_active=True,
                                             source_type__is_ban_zone=False).only("code", "name")[:PAGE_ROWS]
    now = timezone.localtime(clock.now())
    form = {"source": request.GET.get("source", "")[:32], "parameter": "", "value": "", "unit": "mg/m³",
            "measured_at": now.strftime("%Y-%m-%dT%H:%M"), "key": uuid.uuid4().hex}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {name: request.POST.get(name, "")[:64] for name in ("source", "parameter", "value", "unit",
                                                                  "measured_at", "key")}
        try:
            # The key was issued with the form: sending it twice (a double click, a retry) counts once.
            result = services.readings_ingest(by=request.user, rows=[{
                "source": form["source"], "parameter": form["parameter"], "value": form["value"],
                "unit": form["unit"], "measured_at": form["measured_at"], "idempotency_key": f"form:{form['key']}"}])
        except services.AirRejected as refused:
            errors = {key: message.split("：", 1)[-1] for key, message in refused.errors.items()}
        else:
            if result.exceedances:
                messages.warning(request, _("监测数据已录入：超过限值"))
            else:
                messages.success(request, _("监测数据已录入"))
            source = PollutionSource.objects.get(code=form["source"])
            return redirect("air:source-detail", source_id=source.pk)
    return render(request, "air/reading_form.html", {
        "form": form, "errors": errors, "sources": sources, "parameters": Parameter.choices,
        "units": list(UNIT_FACTORS)}, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def check_new(request: HttpRequest, source_id: int) -> HttpResponse:
    _reader(request)
    source = _source_or_404(request, source_id)
    if not may_enter_at_source(user=request.user, source=source):
        raise Http404
    version = services.checklist_for(source.source_type)
    if version is None:
        raise Http404
    items = list(ChecklistItem.objects.filter(section__version=version).select_related("section")
                 .order_by("section__position", "position"))
    values = {"checked_on": _today().isoformat(), "note": ""}
    counts: dict[int, str] = {}
    vetoes: set[int] = set()
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {"checked_on": request.POST.get("checked_on", "")[:20], "note": request.POST.get("note", "")[:600]}
        answers = {}
        for item in items:
            text = request.POST.get(f"item_{item.pk}", "").strip()[:8]
            counts[item.pk] = text
            vetoed = bool(item.veto_scope) and request.POST.get(f"veto_{item.pk}") == "on"
            if vetoed:
                vetoes.add(item.pk)
            if text or vetoed:
                if text and not text.isdigit():
                    errors["answers"] = _("第 %(item)s 项：次数须为整数") % {"item": f"{item.number} {item.name}"}
                    continue
                answers[item.pk] = (int(text or 0), vetoed)
        try:
            checked_on = date.fromisoformat(values["checked_on"])
        except ValueError:
            checked_on = None
        if not errors:
            try:
                services.check_record(by=request.user, source=source, checked_on=checked_on, today=_today(),
                                      answers=answers, note=values["note"])
            except services.AirRejected as refused:
                errors = refused.errors
            else:
                messages.success(request, _("现场检查已录入"))
                return redirect("air:source-detail", source_id=source.pk)
    rows = [{"item": item, "count": counts.get(item.pk, ""), "vetoed": item.pk in vetoes} for item in items]
    return render(request, "air/check_form.html", {
        "source": source, "version": version, "rows": rows, "values": values, "errors": errors},
        status=400 if errors else 200)


# ---------------------------------------------------------------- the leaders' page

def _unit_in_reach(request: HttpRequest) -> tuple[Unit, list[Unit]]:
    tops = reader_tops(user=request.user)
    if not tops:
        raise Http404
    unit_id = id_param(request.GET, "unit")
    if unit_id is None:
        return tops[0], tops
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not any(unit.path.startswith(top.path) for top in tops):
        raise Http404
    return unit, tops


def _below(unit: Unit) -> list[Unit]:
    """The drill-down's next level: communities under a sub-district, district or area."""
    if unit.level in (UnitLevel.COMMUNITY, UnitLevel.GRID):
        return []
    return list(Unit.objects.filter(level=UnitLevel.COMMUNITY, is_active=True, path__startswith=unit.path)
                .exclude(pk=unit.pk).order_by("code"))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _reader(request)
    unit, tops = _unit_in_reach(request)
    start, end = _period(request)
    day_after = end + timedelta(days=1)
    figures = figures_by_unit(units=[unit], start=start, end=day_after)[unit.pk]
    scope = sources_visible(user=request.user).filter(territory_path__startswith=unit.path)
    below = _below(unit)
    rows = []
    if below:
        by_unit = figures_by_unit(units=below, start=start, end=day_after)
        rows = [{"unit": u, "figures": by_unit[u.pk], "rate": share(by_unit[u.pk].exceedances, by_unit[u.pk].readings)}
                for u in below]
    source_rows = []
    if not below:
        sources = list(scope.filter(is_active=True)[:PAGE_ROWS])
        by_source = figures_by_source(sources=sources, start=start, end=day_after)
        source_rows = [{"source": s, "figures": by_source[s.pk],
                        "rate": share(by_source[s.pk].exceedances, by_source[s.pk].readings)} for s in sources]
    trail = [u for u in Unit.objects.filter(path__in=_prefixes(unit.path)).order_by("path")
             if any(u.path.startswith(top.path) for top in tops)]
    first, last = _bounds(start, end)
    ban = cases_in_reach(user=request.user, cases=Case.objects.filter(
        reported_at__gte=first, reported_at__lt=last, territory_path__startswith=unit.path))
    flags = ban_flags(cases=ban.visible)
    return render(request, "air/overview.html", {
        "unit": unit, "trail": trail, "start": start, "end": end, "figures": figures,
        "exceedance_rate": share(figures.exceedances, figures.readings),
        "pass_rate": share(figures.checks_passed, figures.checks),
        "by_type": sources_by_type(scope=scope), "rows": rows, "source_rows": source_rows, "flags": flags,
        "period_query": f"start={start.isoformat()}&end={end.isoformat()}"})


def _prefixes(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)] + [path]


@login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The records behind one figure of the leaders' page."""
    _reader(request)
    unit, _tops = _unit_in_reach(request)
    start, end = _period(request)
    figure = choice_param(request.GET, "figure", FIGURES, default="exceedances")
    type_code = choice_param(request.GET, "type", list(SourceType.objects.values_list("code", flat=True)))
    scope = sources_visible(user=request.user).filter(territory_path__startswith=unit.path)
    if type_code:
        scope = scope.filter(source_type__code=type_code)
    first, last = _bounds(start, end)
    context = {"unit": unit, "start": start, "end": end, "figure": figure, "type_code": type_code}
    if figure == "sources":
        context["sources"] = scope.filter(is_active=True)[:PAGE_ROWS]
    elif figure == "exceedances":
        context["readings"] = exceeding_readings(scope=scope, start=first, end=last)[:PAGE_ROWS]
    elif figure == "cases":
        reach = cases_in_reach(user=request.user, cases=Case.objects.filter(
            item_id__in=air_categories(), state__in=OPEN_STATES, territory_path__startswith=unit.path)
            .select_related("item").order_by("-reported_at"))
        context.update(cases=reach.visible[:PAGE_ROWS], cases_hidden=reach.hidden_count)
    else:
        checks = SourceCheck.objects.filter(source__in=scope, checked_on__gte=start, checked_on__lte=end)
        if figure == "checks_failed":
            checks = checks.filter(passed=False)
        context["checks"] = checks.select_related("source", "checked_by", "version__checklist")[:PAGE_ROWS]
    return render(request, "air/records.html", context)
