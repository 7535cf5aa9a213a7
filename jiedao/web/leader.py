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
    """Where the campaign stands: figures, trend, categories, the map with the overdue cases and the
    repeat points, the units below (drill-down), the latest 红黑榜 and the register's open items."""
    from jiedao.accountability.selectors import repeat_points
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.selectors import latest_publications, publication_rows

    user = request.user
    if not may_view_dashboard(user=user):
        raise PermissionDenied
    now = clock.now()
    chosen = _period(request)
    unit, trail = _dashboard_unit(request, dashboard_tops(user=user))
    figures = _dashboard_figures(user=user, period=chosen, now=now, unit=unit, trail=trail)
    on_time_rate = figures.closed_on_time_count / figures.closed_count * 100 if figures.closed_count else None
    boards = []
    for rule in RankingRule.objects.filter(is_active=True).order_by("pk"):
        publication = latest_publications(rule=rule).first()
        rows = publication_rows(publication) if publication is not None else []
        boards.append({"rule": rule, "publication": publication,
                       "red": [row for row in rows if row["is_red"]][:DASHBOARD_BOARD_ROWS],
                       "black": [row for row in rows if row["is_black"]][:DASHBOARD_BOARD_ROWS]})
    hotspots = repeat_points(user=user, start=chosen.first_day, end=chosen.last_day,
                             within=unit.path if len(trail) > 1 else "")
    return render(request, "web/dashboard.html", {
        "figures": figures, "on_time_rate": on_time_rate, "period": chosen.code, "periods": PERIODS,
        "period_query": _period_query(chosen), "unit": unit, "trail": trail,
        "breakdown": figures.units_below,
        "findings_to_decide": register(state=FindingState.PROPOSED).count(),
        "findings": register(state=FindingState.PROPOSED)[:DASHBOARD_FINDINGS],
        "boards": boards, "hotspot_count": len(hotspots.points), "hotspots_hidden_count": hotspots.hidden_count,
        "start": chosen.first_day, "last_day": chosen.last_day,
        "chart_data": {"trend": figures.trend, "categories": figures.categories,
                       "labels": {"reported": _("上报"), "closed": _("结案")}},
        "map_data": {"grids": grids_geojson(at_most=DASHBOARD_GRIDS_AT_MOST), "points": figures.open_points,
                     "hotspots": hotspots.points, "hotspotLabel": _("重复发生点位"),
                     **map_reference(), "caseUrl": reverse("web:case-detail", args=["NUMBER"])},
    })


def _dashboard_figures(*, user, period: Period, now, unit: Unit | None, trail: list[Unit], refresh: bool = False):
    return dashboard_figures_cached(user=user, start=period.start, end=period.end, now=now,
                                    unit=unit if len(trail) > 1 else None, breakdown_of=unit, refresh=refresh)


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
    return len(people)


DASHBOARD_BOARD_ROWS = 3
DASHBOARD_FINDINGS = 5


# ---------------------------------------------------------------- evaluation (考核评价)

EVALUATION_OBJECTS = {
    "community": ("region", "community"), "grid": ("region", "grid"), "area": ("region", "area"),
    "department": ("department", ""), "person": ("field_worker", ""),
}
EVALUATION_CASES_LISTED = 500  # the drill-down page says "最多列出 500 件"


def _evaluation_request(request: HttpRequest):
    if not may_view_dashboard(user=request.user):
        raise PermissionDenied
    choice = request.GET.get("object") if request.GET.get("object") in EVALUATION_OBJECTS else "community"
    return choice, _period(request)


@login_required
@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    """Indicators of every unit of a level, every department or every grid worker and inspector for a
    period, best first; every count opens to the cases behind it, every empty rate is "—"."""
    from jiedao.evaluation.indicators import COUNT_LABELS, MEASURED_ON, RATES
    from jiedao.evaluation.selectors import evaluation_for

    choice, chosen = _evaluation_request(request)
    object_type, level = EVALUATION_OBJECTS[choice]
    counts, rates = MEASURED_ON[object_type]
    rows = evaluation_for(object_type=object_type, level=level, start=chosen.start, end=chosen.end)
    if request.GET.get("format") == "xlsx":
        columns = ([Column(_("名次"), "integer", 6), Column(_("人员") if choice == "person" else _("单位"), width=20)]
                   + [Column(str(COUNT_LABELS[c]), "integer", 10) for c in counts]
                   + [Column(str(RATES[r].label), "rate", 11) for r in rates]
                   + [Column(_("综合指标值"), "decimal", 11), Column(_("等级"), width=6)])
        table = [[index, row.name, *[getattr(row.counts, c) for c in counts],
                  *[row.rates[r] for r in rates], row.composite, row.grade or "—"]
                 for index, row in enumerate(rows, start=1)]
        data = table_to_xlsx(title=_("考核评价"), subtitle=f"{chosen.first_day:%Y-%m-%d} – {chosen.last_day:%Y-%m-%d}",
                             columns=columns, rows=table)
        return download(data, f"evaluation-{choice}-{chosen.first_day:%Y%m%d}.xlsx", request=request, rows=len(table),
                        detail={"period": [str(chosen.first_day), str(chosen.last_day)]})
    return render(request, "web/evaluation.html", {
        "rows": rows, "choice": choice, "period": chosen.code, "periods": PERIODS,
        "period_query": _period_query(chosen),
        "objects": [("community", _("社区（村）")), ("grid", _("网格")), ("area", _("片区")),
                    ("department", _("职能部门")), ("person", _("网格员/监督员"))],
        "count_columns": [(c, COUNT_LABELS[c]) for c in counts],
        "rate_columns": [(r, RATES[r].label) for r in rates],
        "start": chosen.first_day, "last_day": chosen.last_day,
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
    model, scope = {"department": (Organisation, "department"),
                    "person": (get_user_model(), "person")}.get(choice, (Unit, "unit"))
    subject = model.objects.filter(pk=key).first()
    if subject is None:
        raise Http404
    # The count is the office's; the list is only what this person may open (the case pages' rule).
    reach = cases_in_reach(user=request.user,
                           cases=cases_behind(indicator=indicator, start=start, end=end, **{scope: subject}))
    cases = reach.visible.select_related("item", "grid", "department").order_by("-reported_at")
    return render(request, "web/evaluation_cases.html", {
        "subject": getattr(subject, "display_name", subject), "indicator_label": COUNT_LABELS[indicator],
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
    from jiedao.evaluation.selectors import ranking
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
    return render(request, "web/rankings.html", {
        "rules": rules, "rule": rule, "rows": rows, "period": chosen.code,
        "periods": [(code, label) for code, label in PERIODS if code in RANKING_PERIODS],
        "start": chosen.first_day, "last_day": chosen.last_day,
        "may_publish": may_publish_rankings(user=request.user),
        "red": [item for item in rows if item.is_red], "black": [item for item in rows if item.is_black],
    })


@require_GET
def public_rankings(request: HttpRequest) -> HttpResponse:
    """The published 红黑榜, for everybody: no sign-in (only what the office chose to publish)."""
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.selectors import latest_publications, publication_rows

    boards = []
    for rule in RankingRule.objects.filter(is_active=True).order_by("pk"):
        publication = latest_publications(rule=rule).first()
        if publication is not None:
            rows = publication_rows(publication)
            publication.rows = rows
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
