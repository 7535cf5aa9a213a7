"""The leader's pages: the dashboard, the evaluation with its drill-down, the 红黑榜 (and its public
page) and the 通报 bulletin. Read-only over the selectors, except publishing a ranking."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jiedao import clock
from jiedao.accountability.models import FindingState
from jiedao.accountability.selectors import register
from jiedao.addresses.maps import map_reference
from jiedao.cases.access import DASHBOARD_ROLES, dashboard_tops, may_view_dashboard
from jiedao.cases.selectors import dashboard_figures_cached
from jiedao.evaluation.periods import CUSTOM, PERIODS, Period, PeriodError, period_between, period_named
from jiedao.params import BadParameter, date_param, id_param
from jiedao.reports.xlsx import Column, table_to_xlsx
from jiedao.territory.models import Unit
from jiedao.territory.selectors import grids_geojson, way_down

from .downloads import download

# ---------------------------------------------------------------- the leader's view

@login_required
@require_GET
def themes(request: HttpRequest) -> HttpResponse:
    """专题: the theme pages the reader may open (`web.themes`); none → 403."""
    from .themes import themes_for

    offered = themes_for(user=request.user)
    if not offered:
        raise PermissionDenied
    return render(request, "web/themes.html", {"themes": offered})


def _period(request: HttpRequest, *, allowed=None) -> Period:
    """The period asked for: a named one, or custom (`from`, `to` as dates) where allowed. A custom
    period that cannot be read falls back to this month with a message saying why."""
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("period", "")
    now = timezone.localtime(clock.now())
    if code == CUSTOM and (allowed is None or CUSTOM in allowed):
        try:
            first_day, last_day = (date_param(source, name) for name in ("from", "to"))
            if first_day is None or last_day is None:
                raise PeriodError(_("日期格式应为 年-月-日，例如 2026-11-01"))
            return period_between(first_day, last_day, tz=now.tzinfo)
        except (PeriodError, BadParameter) as error:
            text = error.message if isinstance(error, BadParameter) else str(error)
            messages.error(request, _("自定义周期无效：%(why)s") % {"why": text})
            code = "month"
    return period_named(code if allowed is None or code in allowed else "month", now=now)


def _period_query(period: Period) -> str:
    """The query string that names `period` again (links, exports)."""
    if period.code == CUSTOM:
        return f"period={CUSTOM}&from={period.first_day:%Y-%m-%d}&to={period.last_day:%Y-%m-%d}"
    return f"period={period.code}"


# Above this many grids the dashboard map shows the cases without the grid outlines.
DASHBOARD_GRIDS_AT_MOST = 500


def _dashboard_unit(request: HttpRequest, tops: list[Unit]) -> tuple[Unit | None, list[Unit]]:
    """The unit drilled into (`?unit=`) and the way down to it from the person's top; a unit outside
    what they lead is not found."""
    key = id_param(request.GET, "unit")
    if key is None:
        return (tops[0], [tops[0]]) if len(tops) == 1 else (None, [])
    unit = Unit.objects.filter(pk=key).first()
    trail = way_down(unit=unit, tops=tops) if unit is not None else None
    if trail is None:
        raise Http404
    return unit, trail


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where the campaign stands: the headline figures (`evaluation.measures.headline_for`, the same
    the evaluation and the 通报 show), trend, categories, the map with the overdue cases and the
    repeat points zoomed to the unit drilled into, the units below (drill-down) down to the grid and
    its people, the latest 红黑榜 and the register's open items."""
    from jiedao.accountability.selectors import repeat_points
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.selectors import black_board, latest_publications, publication_rows, ranked_count

    user = request.user
    if not may_view_dashboard(user=user):
        raise PermissionDenied
    now = clock.now()
    chosen = _period(request)
    tops = dashboard_tops(user=user)
    unit, trail = _dashboard_unit(request, tops)
    figures = _dashboard_figures(user=user, period=chosen, now=now, unit=unit, trail=trail)
    headline = _headline(units=[unit] if unit is not None else tops, period=chosen, now=now)
    boards = []
    for rule in RankingRule.objects.filter(is_active=True).order_by("pk"):
        publication = latest_publications(rule=rule).first()
        rows = publication_rows(publication) if publication is not None else []
        boards.append({"rule": rule, "publication": publication,
                       "red": [row for row in rows if row["is_red"]][:DASHBOARD_BOARD_ROWS],
                       "black": black_board(rows)[:DASHBOARD_BOARD_ROWS], "ranked": ranked_count(rows)})
    hotspots = repeat_points(user=user, start=chosen.first_day, end=chosen.last_day,
                             within=unit.path if len(trail) > 1 else "")
    breakdown, people = _units_below(unit=unit, period=chosen, now=now) if unit is not None else ([], None)
    return render(request, "web/dashboard.html", {
        "figures": figures, "headline": _headline_tiles(headline, unit=unit, period=chosen),
        "period": chosen.code, "periods": PERIODS,
        "period_query": _period_query(chosen), "unit": unit, "trail": trail,
        "breakdown": breakdown, "breakdown_figures": _breakdown_figures(), "people": people,
        "findings": register(state=FindingState.PROPOSED)[:DASHBOARD_FINDINGS],
        "boards": boards, "hotspot_count": len(hotspots.points), "hotspots_hidden_count": hotspots.hidden_count,
        "start": chosen.first_day, "last_day": chosen.last_day,
        "chart_data": {"trend": figures.trend, "categories": figures.categories,
                       "labels": {"reported": _("上报"), "closed": _("当日结案（按结案时间）")}},
        "map_data": {"grids": grids_geojson(at_most=DASHBOARD_GRIDS_AT_MOST), "points": figures.open_points,
                     "hotspots": hotspots.points, "hotspotLabel": _("重复发生点位"),
                     "focus": unit_outline(unit) if unit is not None else None,
                     **map_reference(), "caseUrl": reverse("web:case-detail", args=["NUMBER"])},
    })


def _dashboard_figures(*, user, period: Period, now, unit: Unit | None, trail: list[Unit], refresh: bool = False):
    """The trend, the categories and the map's cases (the counts are `_headline`'s)."""
    return dashboard_figures_cached(user=user, start=period.start, end=period.end, now=now,
                                    unit=unit if len(trail) > 1 else None, refresh=refresh)


# The headline figures are kept as long as the dashboard's other figures (the worker recomputes
# each leader's default view every minute): "now" figures may lag by about a minute.
HEADLINE_CACHE_SECONDS = 150


def _headline(*, units: list[Unit], period: Period, now, refresh: bool = False):
    from django.core.cache import cache

    from jiedao.evaluation.measures import headline_of, standing_for

    key = "headline:" + ",".join(str(unit.pk) for unit in units) + f":{period.start.isoformat()}:{period.end.isoformat()}"
    standing = None if refresh else cache.get(key)
    if standing is None:
        standing = standing_for(units, period.start, period.end, now)
        cache.set(key, standing, HEADLINE_CACHE_SECONDS)
    return headline_of(standing)


# Where each tile leads: the cases behind a period's count (evaluation's drill-down, cut to the
# reader's reach), the inbox for the cases of now, the register for the findings.
ALERT_FIGURES = frozenset({"overdue_now", "overdue_pending", "findings_to_decide"})


def _headline_tiles(headline, *, unit: Unit | None, period: Period) -> list[dict]:
    tiles = []
    for figure, text in headline.figures:
        link = ""
        if figure.count and unit is not None:
            link = (f"{reverse('web:evaluation-cases')}?object=community&{_period_query(period)}"
                    f"&indicator={figure.count}&key={unit.pk}")
        elif figure.key == "open_now":
            link = f"{reverse('web:inbox')}?box=all&state=handling"
        elif figure.key == "overdue_now":
            link = f"{reverse('web:inbox')}?box=overdue"
        elif figure.key == "findings_to_decide":
            link = f"{reverse('accountability:finding-table')}?state=proposed"
        value = figure.value(headline.standing)
        tiles.append({"figure": figure, "text": text, "link": link,
                      "alert": figure.key in ALERT_FIGURES and bool(value)})
    return tiles


def _breakdown_figures():
    """The columns of the units-below table, in order."""
    from jiedao.evaluation.measures import headline_figures

    return [figure for key, figure in headline_figures().items() if key != "findings_to_decide"]


def _units_below(*, unit: Unit, period: Period, now) -> tuple[list[dict], dict | None]:
    """The units right below `unit` with the headline figures of each; at a grid (nothing below),
    the people behind its figures."""
    from jiedao.evaluation.measures import standings_of

    children = list(Unit.objects.filter(parent=unit, is_active=True).order_by("code"))
    if not children:
        return [], _people(unit=unit, period=period)
    standings = standings_of(children, period.start, period.end, now)
    figures = _breakdown_figures()
    rows = [{"unit": child, "cells": [(figure, figure.text(standings[child.pk]),
                                       bool(figure.key in ALERT_FIGURES and figure.value(standings[child.pk])))
                                      for figure in figures]}
            for child in children]
    return rows, None


def _people(*, unit: Unit, period: Period) -> dict:
    """The people of a unit for the drill-down's last step: grid workers and inspectors with their
    field work, department staff with the fixes they reported on the unit's cases."""
    from jiedao.evaluation.indicators import COUNT_DEFINITIONS, COUNT_LABELS, MEASURED_ON
    from jiedao.evaluation.selectors import STAFF_COUNT_DEFINITIONS, STAFF_COUNTS, people_of

    field_rows, staff_rows = people_of(unit=unit, start=period.start, end=period.end)

    return {"field": field_rows, "staff": staff_rows, "unit": unit,
            "field_columns": [(name, COUNT_LABELS[name], COUNT_DEFINITIONS[name])
                              for name in MEASURED_ON["field_worker"][0]],
            "staff_columns": [(name, COUNT_LABELS[name], STAFF_COUNT_DEFINITIONS[name]) for name in STAFF_COUNTS],
            "cases_url": f"{reverse('web:evaluation-cases')}?object=person&{_period_query(period)}&unit={unit.pk}"}


def unit_outline(unit: Unit) -> dict | None:
    """The unit's boundary for the map to zoom to: its own, else its grids' (as a FeatureCollection);
    None for a unit holding every grid (the map's own view)."""
    from jiedao.territory.models import UnitLevel

    grids = Unit.objects.filter(level=UnitLevel.GRID, is_active=True, boundary__isnull=False)
    shapes = ([unit.boundary] if unit.boundary else
              [boundary for boundary in grids.filter(path__startswith=unit.path).values_list("boundary", flat=True)
               if boundary])
    if not shapes or (not unit.boundary and len(shapes) == grids.count()):
        return None  # nothing to outline, or every grid: the map shows them all anyway
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": shape, "properties": {"name": unit.name}} for shape in shapes]}


def dashboard_warm(*, now, within_days: int = 7) -> int:
    """The worker's minute job: recompute the default view (this month, from the top of their
    scope) of everyone who may open the dashboard and signed in within `within_days`, so that their
    page reads it from the cache. Returns how many views were computed."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Q

    people = (get_user_model().objects.filter(is_active=True, last_login__gte=now - timedelta(days=within_days))
              .filter(Q(is_superuser=True) | Q(duties__role__in=DASHBOARD_ROLES)).distinct().order_by("pk"))
    month = period_named("month", now=timezone.localtime(now))
    for person in people:
        tops = dashboard_tops(user=person)
        unit, trail = (tops[0], [tops[0]]) if len(tops) == 1 else (None, [])
        _dashboard_figures(user=person, period=month, now=now, unit=unit, trail=trail, refresh=True)
        _headline(units=[unit] if unit is not None else tops, period=month, now=now, refresh=True)
    return len(people)


DASHBOARD_BOARD_ROWS = 3
DASHBOARD_FINDINGS = 5


# ---------------------------------------------------------------- evaluation (考核评价)

EVALUATION_OBJECTS = {
    "subdistrict": ("region", "subdistrict"), "area": ("region", "area"), "community": ("region", "community"),
    "grid": ("region", "grid"), "department": ("department", ""), "person": ("field_worker", ""),
    # §3.3 the command centre's posts
    "intake_clerk": ("intake_clerk", ""), "shift_lead": ("shift_lead", ""), "dispatcher": ("dispatcher", ""),
}
# The choices whose rows are people (the drill-down finds the cases behind a person's count).
PERSON_CHOICES = frozenset({"person", "intake_clerk", "shift_lead", "dispatcher"})
EVALUATION_CASES_LISTED = 500  # the drill-down page says "最多列出 500 件"


def _evaluation_request(request: HttpRequest):
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    choice = request.GET.get("object") if request.GET.get("object") in EVALUATION_OBJECTS else "community"
    return choice, _period(request)


def _evaluation_drill(request: HttpRequest) -> tuple[Unit | None, list[Unit], list[Unit]]:
    """The unit drilled into (`?unit=`), the way down to it, and the units right below it."""
    key = id_param(request.GET, "unit")
    if key is None:
        return None, [], []
    unit = Unit.objects.filter(pk=key).first()
    if unit is None:
        raise Http404
    trail = list(Unit.objects.filter(path__in=_ancestor_paths(unit.path)).order_by("path"))
    return unit, trail, list(Unit.objects.filter(parent=unit, is_active=True).order_by("code"))


def _ancestor_paths(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


@login_required
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    """Indicators of every unit of a level, every department or every grid worker and inspector for a
    period, best first (the 综合指标值 and grade right after the name); every count opens to the cases
    behind it, every empty rate is "—". `?unit=` drills down: the units right below one unit, and at a
    grid the people behind its figures."""
    from jiedao.evaluation.indicators import (
        COUNT_DEFINITIONS,
        COUNT_LABELS,
        MEASURED_ON,
        RATES,
        rate_definition,
    )
    from jiedao.evaluation.measures import COMPOSITE_DEFINITION, grade_definition
    from jiedao.evaluation.selectors import evaluation_for

    choice, chosen = _evaluation_request(request)
    unit, trail, children = _evaluation_drill(request)
    if unit is not None:
        choice = "community"  # any unit: the cases behind a count are found by the unit's id
        object_type, level = "region", children[0].level if children else unit.level
    else:
        object_type, level = EVALUATION_OBJECTS[choice]
    counts, rates = MEASURED_ON[object_type]
    rows = evaluation_for(object_type=object_type, level=level, start=chosen.start, end=chosen.end)
    if unit is not None:
        wanted = {child.pk for child in children} if children else {unit.pk}
        rows = [row for row in rows if row.key in wanted]
    if request.GET.get("format") == "xlsx":
        columns = ([Column(_("名次"), "integer", 6), Column(_("人员") if choice in PERSON_CHOICES else _("单位"), width=20),
                    Column(_("综合指标值"), "decimal", 11), Column(_("等级"), width=6)]
                   + [Column(str(COUNT_LABELS[c]), "integer", 10) for c in counts]
                   + [Column(str(RATES[r].label), "rate", 11) for r in rates])
        table = [[index, row.name, row.composite, row.grade or "—", *[getattr(row.counts, c) for c in counts],
                  *[row.rates[r] for r in rates]]
                 for index, row in enumerate(rows, start=1)]
        data = table_to_xlsx(title=_("考核评价"), subtitle=f"{chosen.first_day:%Y-%m-%d} – {chosen.last_day:%Y-%m-%d}",
                             columns=columns, rows=table)
        return download(data, f"evaluation-{choice}-{chosen.first_day:%Y%m%d}.xlsx", request=request, rows=len(table),
                        detail={"period": [str(chosen.first_day), str(chosen.last_day)]})
    return render(request, "web/evaluation.html", {
        "rows": rows, "choice": choice, "period": chosen.code, "periods": PERIODS,
        "period_query": _period_query(chosen), "unit": unit, "trail": trail,
        "drillable": object_type == "region",
        "people": _people(unit=unit, period=chosen) if unit is not None and not children else None,
        "objects": [("subdistrict", _("街道")), ("area", _("片区")), ("community", _("社区（村）")), ("grid", _("网格")),
                    ("department", _("职能部门")), ("person", _("网格员/监督员")), ("intake_clerk", _("受理员")),
                    ("shift_lead", _("值班长")), ("dispatcher", _("派遣员"))],
        "by_person": choice in PERSON_CHOICES,
        "count_columns": [(c, COUNT_LABELS[c], COUNT_DEFINITIONS[c]) for c in counts],
        "rate_columns": [(r, RATES[r].label, rate_definition(r)) for r in rates],
        "composite_definition": COMPOSITE_DEFINITION, "grade_definition": grade_definition(),
        "start": chosen.first_day, "last_day": chosen.last_day,
    })


@login_required
@require_GET
def figure_definitions(request: HttpRequest) -> HttpResponse:
    """口径: what every figure of the leader's pages counts, from the same definitions the figures
    are computed with."""
    from jiedao.evaluation.indicators import (
        COUNT_DEFINITIONS,
        COUNT_LABELS,
        COUNT_NAMES,
        RATES,
        rate_definition,
    )
    from jiedao.evaluation.measures import COMPOSITE_DEFINITION, grade_definition, headline_figures

    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    return render(request, "web/figure_definitions.html", {
        "headline": list(headline_figures().values()),
        "counts": [(name, COUNT_LABELS[name], COUNT_DEFINITIONS[name]) for name in COUNT_NAMES],
        "rates": [(key, rate.label, rate_definition(key)) for key, rate in RATES.items()],
        "composite_definition": COMPOSITE_DEFINITION, "grade_definition": grade_definition(),
    })


@login_required
@require_GET
def evaluation_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one count: a number nobody can check is not evidence."""
    from django.contrib.auth import get_user_model

    from jiedao.cases.selectors import cases_in_reach
    from jiedao.evaluation.indicators import COUNT_LABELS
    from jiedao.evaluation.selectors import cases_behind
    from jiedao.territory.models import Organisation, Unit

    choice, chosen = _evaluation_request(request)
    start, end = chosen.start, chosen.end
    indicator = request.GET.get("indicator", "")
    key = id_param(request.GET, "key")
    if indicator not in COUNT_LABELS or key is None:
        raise Http404
    model, scope = ((get_user_model(), "person") if choice in PERSON_CHOICES
                    else {"department": (Organisation, "department")}.get(choice, (Unit, "unit")))
    subject = model.objects.filter(pk=key).first()
    if subject is None:
        raise Http404
    within = {}
    if scope == "person" and (unit_key := id_param(request.GET, "unit")) is not None:
        within["unit"] = Unit.objects.filter(pk=unit_key).first()
        if within["unit"] is None:
            raise Http404
    # The count is the office's; the list is only what this person may open (the case pages' rule).
    reach = cases_in_reach(user=request.user,
                           cases=cases_behind(indicator=indicator, start=start, end=end, **{scope: subject}, **within))
    cases = reach.visible.select_related("item", "grid", "department").order_by("-reported_at")
    return render(request, "web/evaluation_cases.html", {
        "subject": getattr(subject, "display_name", subject), "indicator_label": COUNT_LABELS[indicator],
        "within": within.get("unit"),
        "cases": cases[:EVALUATION_CASES_LISTED], "case_count": cases.count(),
        "hidden_count": reach.hidden_count, "start": chosen.first_day, "last_day": chosen.last_day,
        "back": f"{reverse('web:evaluation')}?object={choice}&{_period_query(chosen)}",
    })


# ---------------------------------------------------------------- rankings (红黑榜)

RANKING_PERIODS = frozenset({"week", "month", "last_month", "quarter"})

@login_required
@require_http_methods(["GET", "POST"])
def rankings(request: HttpRequest) -> HttpResponse:
    """The ranking of a rule for a period, with 红榜/黑榜 and movement; leaders publish it."""
    from django.core.exceptions import ValidationError

    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.selectors import black_board, ranked_count, ranking
    from jiedao.evaluation.services import may_publish_rankings, ranking_compute, ranking_publish

    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    rules = list(RankingRule.objects.filter(is_active=True).order_by("pk"))
    source = request.POST if request.method == "POST" else request.GET
    rule = next((r for r in rules if str(r.pk) == source.get("rule")), rules[0] if rules else None)
    chosen = _period(request, allowed=RANKING_PERIODS)
    start, end, before = chosen.start, chosen.end, chosen.previous()
    previous = (before.start, before.end)
    if request.method == "POST":
        if rule is None or not may_publish_rankings(user=request.user):
            raise PermissionDenied
        try:
            ranking_publish(publication=ranking_compute(rule=rule, start=start, end=end, previous=previous),
                            by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("排名已发布，公开页面可见"))
        return redirect(f"{reverse('web:rankings')}?rule={rule.pk}&period={chosen.code}")
    rows = ranking(rule=rule, start=start, end=end, previous=previous) if rule else []
    as_json = [item.as_json() for item in rows]
    return render(request, "web/rankings.html", {
        "rules": rules, "rule": rule, "rows": rows, "period": chosen.code,
        "periods": [(code, label) for code, label in PERIODS if code in RANKING_PERIODS],
        "start": chosen.first_day, "last_day": chosen.last_day,
        "may_publish": may_publish_rankings(user=request.user),
        "red": [row for row in as_json if row["is_red"]], "black": black_board(as_json),
        "ranked": ranked_count(as_json),
    })


@require_GET
def public_rankings(request: HttpRequest) -> HttpResponse:
    """The published 红黑榜, for everybody: no sign-in (only what the office chose to publish)."""
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.selectors import black_board, latest_publications, publication_rows, ranked_count

    boards = []
    for rule in RankingRule.objects.filter(is_active=True).order_by("pk"):
        publication = latest_publications(rule=rule).first()
        if publication is not None:
            rows = publication_rows(publication)
            publication.rows = rows
            publication.red = [row for row in rows if row["is_red"]]
            publication.black = black_board(rows)
            publication.ranked = ranked_count(rows)
            boards.append((rule, publication, any(row["inspection"] is not None for row in rows)))
    return render(request, "web/public_rankings.html", {"boards": boards})


# ---------------------------------------------------------------- the bulletin (通报)

BULLETIN_FORMATS = ("pdf", "docx")


@login_required
@require_GET
def bulletin(request: HttpRequest) -> HttpResponse:
    """The 通报 of a period: read on the page, downloaded as PDF or DOCX to pass around."""
    from jiedao.evaluation.bulletin import bulletin_for
    from jiedao.reports.bulletin import bar_chart_svg, bulletin_docx, bulletin_pdf

    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    chosen = _period(request)
    issue = bulletin_for(period=chosen, now=clock.now(), viewer=request.user)
    wanted = request.GET.get("format", "")
    if wanted in BULLETIN_FORMATS:
        render_file = bulletin_pdf if wanted == "pdf" else bulletin_docx
        return download(render_file(issue), f"bulletin-{chosen.first_day:%Y%m%d}-{chosen.last_day:%Y%m%d}.{wanted}",
                        request=request, detail={"period": [str(chosen.first_day), str(chosen.last_day)]})
    return render(request, "web/bulletin.html", {
        "bulletin": issue, "chart": bar_chart_svg(issue.chart_bars), "period": chosen.code, "periods": PERIODS,
        "period_query": _period_query(chosen), "start": chosen.first_day, "last_day": chosen.last_day,
    })
