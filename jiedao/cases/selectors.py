"""Reads: which cases a person sees, their inbox, the derived deadline light, dispatch suggestions."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.catalogue.selectors import case_rule_for
from jiedao.territory.access import user_duties
from jiedao.territory.models import ORGANISATION_ROLES, Organisation, Role, Unit
from jiedao.worktime.deadlines import deadline_light
from jiedao.worktime.selectors import working_calendar

from .access import visible_cases_filter, within_territory
from .models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CasePolicy,
    CaseRequest,
    CaseState,
    ClosureType,
    DeadlineLight,
    RequestState,
)


def cases_visible_to(*, user) -> QuerySet[Case]:
    condition = visible_cases_filter(user)
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


@dataclass(frozen=True)
class CasesInReach:
    """Of some cases (behind a figure, on a map, in a register's evidence), the ones a person may
    open and how many others there are: those are counted, never named."""

    visible: QuerySet[Case]
    hidden_count: int


def cases_in_reach(*, user, cases: QuerySet[Case]) -> CasesInReach:
    """`cases` cut to what `user` may open, by the rule of the case pages (`cases_visible_to`).
    Every list of cases shown behind a figure goes through here."""
    condition = visible_cases_filter(user)
    visible = cases.filter(condition) if condition is not None else cases.none()
    return CasesInReach(visible=visible, hidden_count=cases.count() - visible.count())


@dataclass(frozen=True)
class MergeLinks:
    """A merged case's neighbours (合并重复): the case a duplicate went into, and the duplicates a
    kept case took in — each cut to what the reader may open, the others only counted."""

    into: CasesInReach | None
    duplicates: CasesInReach


def merge_links(*, user, case: Case) -> MergeLinks:
    into = (cases_in_reach(user=user, cases=Case.objects.filter(pk=case.merged_into_id))
            if case.merged_into_id else None)
    duplicates = cases_in_reach(user=user, cases=Case.objects.filter(merged_into=case).order_by("reported_at"))
    return MergeLinks(into=into, duplicates=duplicates)


@dataclass(frozen=True)
class Box:
    code: str
    label: str


BOXES = [
    Box("to_accept", _("待受理")),
    Box("to_verify", _("待核实")),
    Box("to_file", _("待立案")),
    Box("to_dispatch", _("待派遣")),
    Box("to_handle", _("待处置")),
    Box("to_approve", _("待审批")),
    Box("to_check", _("待核查")),
    Box("to_close", _("待结案")),
    Box("overdue", _("我的超期")),
    Box("overdue_all", _("全部超期")),
    Box("reported_by_me", _("我上报的")),
    Box("all", _("全部案件")),
]
BOX_BY_CODE = {box.code: box for box in BOXES}


def _territorial_scope(user, roles: set[str]) -> Q | None:
    clauses = [within_territory(d.unit.path) for d in user_duties(user)
               if d.role in roles and d.unit is not None]
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def _department_scope(user, roles: set[str] = ORGANISATION_ROLES) -> Q | None:
    organisation_ids = [d.organisation_id for d in user_duties(user) if d.role in roles and d.organisation_id]
    return Q(department_id__in=organisation_ids) if organisation_ids else None


def _box_filter(user, code: str) -> Q | None:
    """The cases in one inbox for this user, or None when the box is not theirs."""
    if code == "to_accept":
        scope = _territorial_scope(user, {Role.INTAKE_CLERK, Role.SHIFT_LEAD})
        return scope & Q(state=CaseState.REPORTED) if scope else None
    if code == "to_verify":
        return Q(state=CaseState.VERIFYING, assignee=user) if _is_field(user) else None
    if code == "to_file":
        scope = _territorial_scope(user, {Role.SHIFT_LEAD})
        return scope & Q(state__in=[CaseState.ACCEPTED, CaseState.SELF_HANDLED]) if scope else None
    if code == "to_dispatch":
        scope = _territorial_scope(user, {Role.DISPATCHER})
        return scope & Q(state=CaseState.FILED) if scope else None
    if code == "to_handle":
        scope = _department_scope(user)
        return scope & Q(state__in=[CaseState.HANDLING, CaseState.SUSPENDED]) if scope else None
    if code == "to_approve":
        dispatcher = _territorial_scope(user, {Role.DISPATCHER})
        shift_lead = _territorial_scope(user, {Role.SHIFT_LEAD})
        clauses = []
        if dispatcher:
            clauses.append(dispatcher & Q(requests__state=RequestState.PENDING,
                                          requests__kind__in=["return", "extension", "suspension"]))
        if shift_lead:
            clauses.append(shift_lead & (Q(requests__state=RequestState.PENDING, requests__kind="void")
                                         | rejection_awaiting_review_q()))
        if not clauses:
            return None
        return clauses[0] | clauses[1] if len(clauses) == 2 else clauses[0]
    if code == "to_check":
        return Q(state=CaseState.FIXED, assignee=user) if _is_field(user) else None
    if code == "to_close":
        scope = _territorial_scope(user, {Role.SHIFT_LEAD})
        return scope & Q(state=CaseState.CHECKED) if scope else None
    if code == "overdue":
        mine = my_overdue_scope(user)
        return _overdue() & mine.condition if mine.condition is not None else None
    if code == "overdue_all":
        return _overdue() if may_oversee_overdue(user) else None
    if code == "reported_by_me":
        return Q(reporter=user)
    if code == "all":
        return Q()
    return None


def rejection_awaiting_review_q() -> Q:
    """Cases whose latest 不予受理 step is a clerk's rejection the shift lead has not reviewed
    (as `services.rejection_awaiting_review`, for lists)."""
    latest = (CaseEvent.objects.filter(case=OuterRef(OuterRef("pk")), action__in=["reject", "review_rejection"])
              .order_by("-at", "-id").values("pk")[:1])
    return Q(state=CaseState.VOIDED) & Q(Exists(CaseEvent.objects.filter(
        pk=Subquery(latest), action="reject", data__review="pending")))


def _now() -> datetime:
    return clock.now()


# ---------------------------------------------------------------- overdue: mine and all

def _overdue() -> Q:
    """超期: in handling past the deadline (a suspended case's clock is paused, §4.3)."""
    return Q(state=CaseState.HANDLING, deadline_at__lt=_now())


# Those who oversee the loop rather than answer for a piece of it: the 全部超期 box, every overdue
# case they may open (cut by cases.access as every list).
OVERSEEING_ROLES = frozenset({
    Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.SUPERVISOR,
    Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER,  # the command centre
})


def may_oversee_overdue(user) -> bool:
    return user.is_superuser or any(duty.role in OVERSEEING_ROLES for duty in user_duties(user))


@dataclass(frozen=True)
class OverdueScope:
    """我的超期: which overdue cases a person answers for, as a filter and in words (one line per
    duty), or no condition when none of their duties makes them answer for an overdue case."""

    condition: Q | None
    words: list[str]


def my_overdue_scope(user) -> OverdueScope:
    """The overdue cases a person is responsible for, by role (territory.Duty):
    - department staff (处置人员, 部门管理员): their department's cases;
    - a dispatcher: the cases they dispatched, and those whose return, extension or suspension
      request waits on them;
    - a shift lead: the cases whose void request waits on them;
    - a grid worker: the cases in their grids; an inspector: the cases they reported;
    - a community secretary (第一责任人): the cases in their community or with it as 属地责任单位.
    Leaders, area leaders, 督查员 and administrators answer for no piece: they have 全部超期."""
    clauses: list[Q] = []
    words: list[str] = []

    def add(condition: Q, text) -> None:
        clauses.append(condition)
        text = str(text)
        if text not in words:
            words.append(text)

    for duty in user_duties(user):
        unit = duty.unit
        if duty.role in ORGANISATION_ROLES and duty.organisation_id:
            add(Q(department_id=duty.organisation_id),
                _("%(department)s的超期案件") % {"department": duty.organisation.name})
        elif duty.role == Role.DISPATCHER:
            from .models import CaseEvent

            add(Q(pk__in=CaseEvent.objects.filter(action="dispatch", actor=user).values("case_id")),
                _("您派遣的超期案件"))
            if unit is not None:
                add(within_territory(unit.path) & Q(pk__in=_pending_requests(["return", "extension", "suspension"])),
                    _("回退、延期或挂账申请待您审批的超期案件"))
        elif duty.role == Role.SHIFT_LEAD and unit is not None:
            add(within_territory(unit.path) & Q(pk__in=_pending_requests(["void"])),
                _("作废申请待您审批的超期案件"))
        elif duty.role == Role.GRID_WORKER and unit is not None:
            add(within_territory(unit.path), _("%(unit)s内的超期案件") % {"unit": unit.name})
        elif duty.role == Role.INSPECTOR:
            add(Q(reporter=user), _("您上报的超期案件"))
        elif duty.role == Role.FIRST_RESPONSIBLE and unit is not None:
            add(within_territory(unit.path) | Q(territorial_owner__path__startswith=unit.path),
                _("%(unit)s的超期案件（事发地或属地责任单位）") % {"unit": unit.name})
    if not clauses:
        return OverdueScope(condition=None, words=[])
    condition = clauses[0]
    for clause in clauses[1:]:
        condition |= clause
    return OverdueScope(condition=condition, words=words)


def _pending_requests(kinds: list[str]):
    return CaseRequest.objects.filter(state=RequestState.PENDING, kind__in=kinds).values("case_id")


def inbox_box_words(*, user, box: str) -> str:
    """Whose cases a box lists, in words, where the name alone does not say it (the overdue boxes)."""
    if box == "overdue":
        mine = my_overdue_scope(user)
        return str(_("处置期限已过、仍在处置中的案件中由您负责的：%(list)s。") % {"list": str(_("；")).join(mine.words)})
    if box == "overdue_all":
        return str(_("您可查看范围内所有处置期限已过、仍在处置中的案件（不论由谁负责）。"))
    return ""


def _is_field(user) -> bool:
    return any(d.role in {Role.GRID_WORKER, Role.INSPECTOR} for d in user_duties(user))


def inbox_boxes(*, user) -> list[Box]:
    """The boxes this user has, in the order of the loop."""
    return [box for box in BOXES if _box_filter(user, box.code) is not None]


@dataclass(frozen=True)
class BoxCount:
    box: Box
    count: int | None  # None: not counted (the boxes that grow without end)
    is_exact: bool


# Counting past this would read much of the table for a busy box; a page shows "999+".
BOX_COUNT_CAP = 999
UNCOUNTED_BOXES = frozenset({"all", "reported_by_me"})


def inbox_counts(*, user, cap: int = BOX_COUNT_CAP) -> list[BoxCount]:
    """The user's boxes with the number of cases in each, counted up to `cap` (one bounded query
    per box, so a box of a million cases costs what a box of a thousand does)."""
    counts = []
    for box in inbox_boxes(user=user):
        if box.code in UNCOUNTED_BOXES:
            counts.append(BoxCount(box=box, count=None, is_exact=False))
            continue
        cases = cases_in_inbox(user=user, box=box.code).order_by()
        count = cases.values("pk")[: cap + 1].count()
        counts.append(BoxCount(box=box, count=min(count, cap), is_exact=count <= cap))
    return counts


def cases_in_inbox(*, user, box: str, query: str = "", state: str = "", item_id: int | None = None,
                   unit: Unit | None = None, light: str = "") -> QuerySet[Case]:
    box_filter = _box_filter(user, box)
    visible = cases_visible_to(user=user)
    if box_filter is None:
        return visible.none()
    cases = visible.filter(box_filter)
    if box == "to_approve":
        cases = cases.distinct()
    if state:
        cases = cases.filter(state=state)
    if item_id:
        cases = cases.filter(item_id=item_id)
    if unit is not None:
        cases = cases.filter(within_territory(unit.path))
    if query:
        query = query.strip()
        cases = cases.filter(Q(number__startswith=query) | Q(address__icontains=query)
                             | Q(description__icontains=query) | Q(item__name__icontains=query))
    if light == DeadlineLight.RED:
        cases = cases.filter(state=CaseState.HANDLING, deadline_at__lt=_now())
    # Related rows are fetched by a second query for the page only: a join here leads SQLite to plan
    # the whole table before the LIMIT (measured: 2.4 s instead of milliseconds at 1 M cases).
    return cases.prefetch_related("item", "grid", "department").order_by("-reported_at", "-id")


def case_deadline_light(*, case: Case, now: datetime, warning_ratio: float | None = None) -> str:
    """绿/黄/红/暂停, derived from the deadline and the clock at this moment, never stored."""
    if case.deadline_at is None or case.state not in {CaseState.HANDLING, CaseState.SUSPENDED}:
        return DeadlineLight.NONE
    if warning_ratio is None:
        warning_ratio = float(CasePolicy.current().warning_ratio)
    return deadline_light(now=now, deadline=case.deadline_at, budget_minutes=case.time_budget_minutes,
                          unit=case.deadline_unit, calendar=working_calendar(),
                          suspended=case.state == CaseState.SUSPENDED, warning_ratio=warning_ratio)


@dataclass(frozen=True)
class DispatchSuggestion:
    department: Organisation | None
    territorial_owner: Unit | None


def dispatch_suggestion(*, case: Case) -> DispatchSuggestion:
    """The department from the case rule (职责清单) and the 属地 from the grid; the dispatcher may override."""
    from .services import territorial_owner_for

    rule = case.rule or case_rule_for(item=case.item, grid_class=case.grid.grid_class)
    return DispatchSuggestion(department=rule.department if rule else None,
                              territorial_owner=territorial_owner_for(grid=case.grid))


def pending_request(*, case: Case) -> CaseRequest | None:
    return case.requests.filter(state=RequestState.PENDING).select_related("requested_by").first()


# What ends a case for the resident: a closure (结案, or an approved 自处置) and its rating.
CLOSING_ACTIONS = frozenset({"close", "rate"})


def superseded_closure_event_ids(events) -> frozenset[int]:
    """The closures and ratings that are no longer current: those a resident's later "not fixed"
    (`public_not_fixed` on a closed case) sent back to check. They stay in the history, marked as
    superseded; the case's current closure and rating are only those after the last reopening.
    `events` in the order they happened."""
    superseded: set[int] = set()
    since_reopening: list[int] = []
    for event in events:
        if event.action in CLOSING_ACTIONS or (event.action == "review_self_handled"
                                               and (event.data or {}).get("approved")):
            since_reopening.append(event.pk)
        elif event.action == "public_not_fixed" and event.from_state == CaseState.CLOSED:
            superseded.update(since_reopening)
            since_reopening = []
    return frozenset(superseded)


def current_rating(*, case: Case):
    """The rating of the case's current closure, or None while the case is not closed (a rating of a
    closure sent back by "not fixed" is no longer current: `services._rating_superseded`)."""
    from .models import CaseRating

    if case.state != CaseState.CLOSED:
        return None
    rating = CaseRating.objects.filter(case=case).first()
    # A rating older than the closure rated an earlier one (kept by a reopening recorded before
    # ratings were set aside on "not fixed").
    if rating is None or (case.closed_at is not None and rating.at < case.closed_at):
        return None
    return rating


def case_timeline(*, case: Case):
    return case.events.select_related("actor").prefetch_related("photos").order_by("at", "id")


def open_cases_by_unit_path() -> dict[str, int]:
    """Open cases under every unit, keyed by the unit's path (a case counts for each ancestor)."""
    counts: dict[str, int] = {}
    for path, count in (Case.objects.filter(state__in=OPEN_STATES).order_by()
                        .values_list("territory_path").annotate(n=Count("id"))):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            key = "/" + "/".join(parts[:depth]) + "/"
            counts[key] = counts.get(key, 0) + count
    return counts


def open_cases_by_department() -> dict[int, int]:
    return dict(Case.objects.filter(state__in=OPEN_STATES, department__isnull=False).order_by()
                .values_list("department_id").annotate(n=Count("id")))


@dataclass(frozen=True)
class DashboardFigures:
    open_count: int
    overdue_count: int
    reported_count: int
    closed_count: int
    closed_on_time_count: int
    trend: list[tuple[str, int, int]]  # (day, reported, closed)
    categories: list[tuple[str, int]]  # (category, reported in the period), largest first
    open_points: list[dict]  # handling cases for the map, overdue first
    units_below: list["UnitFigures"]  # the same figures for each unit right below the one asked for


MAP_POINTS = 1500


# The figures aggregate every case in a leader's scope (a million rows cost 1.5–2.5 s on the bench
# machine). The worker recomputes each leader's default view every minute (web.tasks) and the
# figures are kept a little longer than that, so a page reads them from the cache; "open" and
# "overdue" may lag by about a minute.
DASHBOARD_CACHE_SECONDS = 150


def dashboard_figures_cached(*, user, start: datetime, end: datetime, now: datetime,
                             unit: Unit | None = None, breakdown_of: Unit | None = None,
                             refresh: bool = False) -> DashboardFigures:
    """The figures from the cache (computed and kept when missing, or always with `refresh`)."""
    import hashlib

    from django.core.cache import cache

    scope = sorted((duty.role, duty.unit_id or 0, duty.organisation_id or 0) for duty in user_duties(user))
    signature = repr((user.pk, user.is_superuser, scope, start.isoformat(), end.isoformat(),
                      unit.path if unit is not None else "", breakdown_of.path if breakdown_of is not None else ""))
    key = "dashboard-figures:" + hashlib.sha256(signature.encode()).hexdigest()
    figures = None if refresh else cache.get(key)
    if figures is None:
        figures = dashboard_figures(user=user, start=start, end=end, now=now, unit=unit, breakdown_of=breakdown_of)
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return figures


def dashboard_figures(*, user, start: datetime, end: datetime, now: datetime,
                      unit: Unit | None = None, breakdown_of: Unit | None = None) -> DashboardFigures:
    """Where the campaign stands for the cases this person may see (under `unit`, when given): open
    and overdue now, reported and closed in [start, end), a day-by-day trend, the category mix, the
    cases on the map and, with `breakdown_of`, the figures of each unit right below it."""
    from django.db.models.functions import TruncDate

    visible = cases_visible_to(user=user).order_by()
    if unit is not None:
        visible = visible.filter(within_territory(unit.path))
    in_period = visible.filter(reported_at__gte=start, reported_at__lt=end)
    closed = visible.filter(state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=end)
    reported_by_day = dict(in_period.annotate(day=TruncDate("reported_at")).values_list("day")
                           .annotate(n=Count("id")))
    closed_by_day = dict(closed.annotate(day=TruncDate("closed_at")).values_list("day").annotate(n=Count("id")))
    days = sorted(set(reported_by_day) | set(closed_by_day))
    overdue = visible.filter(state=CaseState.HANDLING, deadline_at__lt=now)
    points = [
        {"number": number, "lon": lon, "lat": lat, "overdue": deadline is not None and deadline < now}
        for number, lon, lat, deadline in visible.filter(state=CaseState.HANDLING)
        .order_by("deadline_at").values_list("number", "longitude", "latitude", "deadline_at")[:MAP_POINTS]
    ]
    return DashboardFigures(
        open_count=visible.filter(state__in=OPEN_STATES).count(),
        overdue_count=overdue.count(),
        reported_count=sum(reported_by_day.values()),
        closed_count=closed.count(),
        closed_on_time_count=closed.exclude(closure_type=ClosureType.OVERDUE).count(),
        trend=[(day.isoformat(), reported_by_day.get(day, 0), closed_by_day.get(day, 0)) for day in days],
        categories=list(in_period.values_list("item__name").annotate(n=Count("id")).order_by("-n")[:10]),
        open_points=points,
        units_below=unit_breakdown(user=user, parent=breakdown_of, start=start, end=end, now=now)
        if breakdown_of is not None else [],
    )


@dataclass(frozen=True)
class UnitFigures:
    unit: Unit
    open_count: int
    overdue_count: int
    reported_count: int
    closed_count: int


def unit_breakdown(*, user, parent: Unit, start: datetime, end: datetime, now: datetime) -> list[UnitFigures]:
    """The same figures for each unit right below `parent` (drill-down), from three grouped reads."""
    children = list(Unit.objects.filter(parent=parent, is_active=True).order_by("code"))
    if not children:
        return []
    by_code = {child.code: child for child in children}
    visible = cases_visible_to(user=user).order_by().filter(within_territory(parent.path))

    def grouped(cases) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for path, count in cases.values_list("territory_path").annotate(n=Count("id")):
            code = path[len(parent.path):].split("/", 1)[0]
            if code in by_code:
                counts[code] += count
        return counts

    open_ = grouped(visible.filter(state__in=OPEN_STATES))
    overdue = grouped(visible.filter(state=CaseState.HANDLING, deadline_at__lt=now))
    reported = grouped(visible.filter(reported_at__gte=start, reported_at__lt=end))
    closed = grouped(visible.filter(state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=end))
    return [UnitFigures(unit=child, open_count=open_[child.code], overdue_count=overdue[child.code],
                        reported_count=reported[child.code], closed_count=closed[child.code])
            for child in children]


def case_photo_file(*, user, number: str, photo_id: int, size: str):
    """The stored file of one photo of a case the user may see ("image" or "thumbnail"), or None.
    Photos are evidence about people's streets: they are served only through this check."""
    if size not in {"image", "thumbnail"}:
        return None
    case = cases_visible_to(user=user).filter(number=number).only("pk").first()
    if case is None:
        return None
    photo = case.photos.filter(pk=photo_id).first()
    if photo is None:
        return None
    stored = getattr(photo, size)
    # Stored photos are re-encoded as JPEG (PNG kept only for images with transparency), thumbnails as JPEG.
    stored.content_type = "image/png" if stored.name.endswith(".png") else "image/jpeg"
    return stored


def satisfaction_counts(cases_qs) -> tuple[int, int, int]:
    """回访满意度 of these cases: (rated, satisfied, sum of scores). Satisfied means a score of at
    least CasePolicy.satisfied_min_score; a rate is satisfied / rated (undefined when none rated)."""
    from django.db.models import Sum

    from .models import CaseRating

    minimum = CasePolicy.current().satisfied_min_score
    figures = CaseRating.objects.filter(case__in=cases_qs.order_by().values("pk")).aggregate(
        rated=Count("id"), satisfied=Count("id", filter=Q(score__gte=minimum)), total=Sum("score"))
    return figures["rated"], figures["satisfied"], figures["total"] or 0


EARTH_RADIUS_M = 6_371_000


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine), enough for tens of metres apart."""
    import math

    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class NearbyCase:
    case: Case
    distance_m: float


def open_cases_near(*, longitude: float, latitude: float, item_id: int | None, now: datetime,
                    radius_m: int | None = None, hours: int | None = None, exclude_pk: int | None = None,
                    limit: int = 5) -> list[NearbyCase]:
    """Possible duplicates: open cases of the category within `radius_m` reported in the last `hours`
    (defaults: CasePolicy.duplicate_radius_m / duplicate_hours), nearest first."""
    import math
    from datetime import timedelta

    policy = CasePolicy.current()
    radius_m = policy.duplicate_radius_m if radius_m is None else radius_m
    hours = policy.duplicate_hours if hours is None else hours
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(0.01, math.cos(math.radians(latitude))))
    candidates = (Case.objects.filter(state__in=OPEN_STATES, reported_at__gte=now - timedelta(hours=hours),
                                      latitude__range=(latitude - dlat, latitude + dlat),
                                      longitude__range=(longitude - dlon, longitude + dlon))
                  .select_related("item").order_by("-reported_at"))
    if item_id is not None:
        candidates = candidates.filter(item_id=item_id)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    nearby = [NearbyCase(case=case, distance_m=distance_m(longitude, latitude, case.longitude, case.latitude))
              for case in candidates[:200]]
    nearby = [entry for entry in nearby if entry.distance_m <= radius_m]
    nearby.sort(key=lambda entry: (entry.distance_m, -entry.case.reported_at.timestamp()))
    return nearby[:limit]
