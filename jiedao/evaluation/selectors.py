"""Reads of the evaluation: base counts by unit, department and person in a few aggregate
queries, the evaluated rows (rates, 分值, 综合指标值, grade), rankings, and the cases behind any
count ("a number nobody can check is not evidence").

Every count is defined once, as a `Q` over `Case` (or over `CaseEvent`) in `_case_conditions`
and `_event_conditions`: the aggregate counts with it and the drill-down filters with it, so the
list behind a number is exactly the cases counted. The meaning of each count is written on
`indicators.BaseCounts`.
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.cases.models import OPEN_STATES, Case, CaseEvent, CasePolicy, CaseSource, CaseState, ClosureType
from jiedao.cases.workflow import STEPS, SUPERVISE_STEP
from jiedao.territory.models import (
    FIELD_ROLES,
    Duty,
    GridClass,
    Organisation,
    OrganisationKind,
    Role,
    Unit,
    UnitLevel,
)

from .indicators import (
    COUNT_NAMES,
    RATES,
    BaseCounts,
    blended_score,
    bottom_ranks,
    competition_ranks,
    composite_score,
    grade_for,
    rate_score,
    rates_of,
    stepped_score,
)
from .models import GradeScale, ObjectType, RankingPublication, RankingRule, ScoringScheme, VolumeBasis

# standards.md §3.2 漏报 / 监督举报: "found first by the public or by inspectors".
PUBLIC_SOURCES = frozenset({CaseSource.RESIDENT, CaseSource.HOTLINE, CaseSource.INSPECTION})
# Counts read from CaseEvent rather than from the case row.
EVENT_COUNTS = frozenset({"dispatches", "returns", "supervised"})
# Counts read from the events that end a step with its own time limit (`_step_conditions`).
STEP_COUNTS = ("accepted", "accepted_filed", "filed_on_time", "missed", "dispatched_on_time", "verify_sent",
               "verify_sent_on_time", "check_sent", "check_sent_on_time", "closings", "closings_on_time")
# Event counts that count cases (one case supervised twice — by the ladder and by a leader — is one 督办).
DISTINCT_CASE_COUNTS = frozenset({"supervised"})
FIELD_WORK_COUNTS = frozenset({"verify_due", "verify_on_time", "check_due", "check_on_time"})
CASE_COUNTS = tuple(name for name in COUNT_NAMES if name not in EVENT_COUNTS | FIELD_WORK_COUNTS | set(STEP_COUNTS))
# The region 立案数分值 is stepped per 单元网格 and grid class (§3.3); above the grid it is the
# mean of the grids' scores.
FILED_VOLUME = "filed_volume"
# The posts' volume scores (§3.3 受理数分值, 派遣数分值): score name → the count it steps.
DESK_VOLUMES = {"intake_volume": "accepted", "dispatch_volume": "dispatches"}


# ---------------------------------------------------------------- the definitions, once

def _between(name: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{name}__gte": start, f"{name}__lt": end})


def _case_conditions(*, start: datetime, end: datetime, as_of: datetime) -> dict[str, Q]:
    """The Q of every case count over [start, end); `as_of` = min(end, now) judges overdue."""
    voided = Q(state=CaseState.VOIDED)
    reported = _between("reported_at", start, end)
    filed = _between("filed_at", start, end)
    due_handling = _between("dispatched_at", start, end) & ~voided
    handled = due_handling & Q(fixed_at__lt=end)
    pending = due_handling & (Q(fixed_at__isnull=True) | Q(fixed_at__gte=end))
    # §4.3: 挂账 pauses the clock — a case suspended at the end of the period is not overdue.
    paused_at_end = Q(state=CaseState.SUSPENDED, suspended_at__lt=end)
    overdue_pending = pending & Q(deadline_at__lt=as_of) & ~paused_at_end
    due_closure = handled | overdue_pending  # §3.1 应结案数 = 处置数 + 超时未处置数
    closed = handled & Q(state=CaseState.CLOSED, closed_at__lt=end)
    rated = closed & Q(rating__at__lt=end)
    return {
        "reported": reported,
        "valid_reported": reported & Q(filed_at__isnull=False) & ~voided,
        "filed": filed,
        "filed_then_voided": filed & voided,
        "public_reported": filed & Q(source__in=PUBLIC_SOURCES),
        "voided": voided & _between("closed_at", start, end),
        # 不予立案 (§2.3 "VOID 作废/不予立案"): ended before 立案 — 核实不属实, 不予受理, a void or a
        # merge at intake — in the period.
        "not_filed": voided & _between("closed_at", start, end) & Q(filed_at__isnull=True),
        "due_handling": due_handling,
        "handled": handled,
        "handled_on_time": handled & Q(fixed_at__lte=F("deadline_at")),
        "handled_late": handled & Q(fixed_at__gt=F("deadline_at")),
        "pending": pending,
        "overdue_pending": overdue_pending,
        "suspended": due_handling & paused_at_end,
        "extended": due_handling & Q(extension_count__gt=0),
        "due_closure": due_closure,
        "closed": closed,
        "closed_on_time": closed & Q(closure_type=ClosureType.NORMAL),
        "reworked": due_closure & Q(rework_count__gt=0),
        "first_time_closed": closed & Q(rework_count=0),
        "error_closed": closed & Q(closure_type=ClosureType.ERROR),
        "rated": rated,
        "satisfied": rated & Q(rating__score__gte=CasePolicy.current().satisfied_min_score),
    }


def _cases_touching(start: datetime, end: datetime) -> Q:
    """Every case any count can include: it was reported, filed, dispatched or ended in the period."""
    return (_between("reported_at", start, end) | _between("filed_at", start, end)
            | _between("dispatched_at", start, end) | _between("closed_at", start, end))


def _event_conditions(*, start: datetime, end: datetime) -> dict[str, Q]:
    in_period = _between("at", start, end)
    return {
        "dispatches": in_period & Q(action="dispatch"),
        # 督办: the ladder's and a leader's by hand are one kind of event (cases.workflow.SUPERVISE_STEP)
        "supervised": in_period & Q(action="escalate", data__step=SUPERVISE_STEP),
        "returns": in_period & Q(action="decide_return", data__approved=True),
    }


# ---------------------------------------------------------------- steps with their own time limit

def _step_events(step_code: str, *, start: datetime, end: datetime) -> QuerySet[CaseEvent]:
    """The events that ended a step of the loop in [start, end) (cases.workflow.STEPS), each with
    `waited_since` — when the case last came to wait for the step (the latest event *into* its waiting
    state) — and `due_by`, that moment plus the step's limit (CasePolicy, clock minutes, §4.1, §4.3)."""
    step = STEPS[step_code]
    limit = timedelta(minutes=getattr(CasePolicy.current(), step.limit_field))
    waited_since = (CaseEvent.objects.filter(case_id=OuterRef("case_id"), to_state=step.waiting_state,
                                             at__lte=OuterRef("at"))
                    .exclude(from_state=step.waiting_state).order_by("-at", "-id").values("at")[:1])
    return (CaseEvent.objects.filter(_between("at", start, end), action__in=step.actions)
            .annotate(waited_since=Subquery(waited_since))
            .annotate(due_by=ExpressionWrapper(F("waited_since") + Value(limit), output_field=DateTimeField())))


# On time: within the limit; a step with nothing to wait for (a 领导交办 files and dispatches at once) is.
_ON_TIME = Q(waited_since__isnull=True) | Q(at__lte=F("due_by"))


def _step_conditions(*, end: datetime) -> dict[str, tuple[str, Q, bool]]:
    """Each step count: (the step whose events it reads, the condition on them, counts cases once)."""
    return {
        "accepted": ("accept", Q(), True),
        "accepted_filed": ("accept", Q(case__filed_at__lt=end), True),
        "verify_sent": ("accept", Q(action="send_to_verify"), False),
        "verify_sent_on_time": ("accept", Q(action="send_to_verify") & _ON_TIME, False),
        "check_sent": ("assign_check", Q(), False),
        "check_sent_on_time": ("assign_check", _ON_TIME, False),
        "filed_on_time": ("file", _ON_TIME, False),
        "missed": ("file", Q(data__has_key="missed_by"), False),
        "dispatched_on_time": ("dispatch", _ON_TIME, False),
        "closings": ("close", Q(), False),
        "closings_on_time": ("close", _ON_TIME, False),
    }


def _step_counts(*, start: datetime, end: datetime, key: str, keys: dict[str, str] | None = None,
                 names: Iterable[str] = STEP_COUNTS) -> dict:
    """The step counts grouped by `key` (an event field path such as "case__grid_id" or "actor_id";
    `keys` overrides it per step or per count), one grouped query per step."""
    conditions = _step_conditions(end=end)
    wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in names:
        step = conditions[name][0]
        group = (keys or {}).get(name) or (keys or {}).get(step) or key
        wanted[(step, group)].append(name)
    result: dict = defaultdict(dict)
    for (step, group), step_names in wanted.items():
        rows = (_step_events(step, start=start, end=end).order_by().values(group)
                .annotate(**{name: Count("case_id" if conditions[name][2] else "id", filter=conditions[name][1],
                                         distinct=conditions[name][2]) for name in step_names}))
        for row in rows:
            result[row.pop(group)].update(row)
    return result


def _step_events_behind(indicator: str, *, start: datetime, end: datetime) -> QuerySet[CaseEvent]:
    step, condition, _distinct = _step_conditions(end=end)[indicator]
    return _step_events(step, start=start, end=end).filter(condition)


def _event_count(name: str, condition: Q) -> Count:
    if name in DISTINCT_CASE_COUNTS:
        return Count("case_id", filter=condition, distinct=True)
    return Count("id", filter=condition)


def _as_of(end: datetime) -> datetime:
    return min(end, clock.now())


def _aggregate(rows: Iterable[dict], key: str) -> dict:
    result: dict = {}
    for row in rows:
        result[row.pop(key)] = row
    return result


# ---------------------------------------------------------------- counts by unit

_shared: ContextVar[dict | None] = ContextVar("evaluation_shared_counts", default=None)


@contextmanager
def shared_counts():
    """Within this block, evaluations of the same period share one read of the per-grid counts:
    every level of the tree (a bulletin, a nightly computation) costs what one level costs."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _counts_by_grid(*, start: datetime, end: datetime) -> dict[int, BaseCounts]:
    shared = _shared.get()
    if shared is not None and (start, end) in shared:
        return shared[(start, end)]
    counts = _read_counts_by_grid(start=start, end=end)
    if shared is not None:
        shared[(start, end)] = counts
    return counts


def _read_counts_by_grid(*, start: datetime, end: datetime) -> dict[int, BaseCounts]:
    """Two aggregate queries: the cases grouped by grid, the dispatch events grouped by grid."""
    conditions = _case_conditions(start=start, end=end, as_of=_as_of(end))
    case_rows = _aggregate(
        Case.objects.filter(_cases_touching(start, end)).order_by().values("grid_id")
        .annotate(**{name: Count("id", filter=conditions[name]) for name in CASE_COUNTS}),
        "grid_id",
    )
    events = _event_conditions(start=start, end=end)
    event_rows = _aggregate(
        CaseEvent.objects.filter(events["dispatches"] | events["returns"] | events["supervised"]).order_by()
        .values("case__grid_id").annotate(**{name: _event_count(name, condition) for name, condition in events.items()}),
        "case__grid_id",
    )
    step_rows = _step_counts(start=start, end=end, key="case__grid_id")
    counts: dict[int, BaseCounts] = {}
    for grid_id in case_rows.keys() | event_rows.keys() | step_rows.keys():
        counts[grid_id] = BaseCounts(**case_rows.get(grid_id, {}), **event_rows.get(grid_id, {}),
                                     **step_rows.get(grid_id, {}))
    return counts


def _grids() -> list[dict]:
    # The class by its code: the per-class 立案数 tables of a scheme are keyed by GridClass.code.
    return list(Unit.objects.filter(level=UnitLevel.GRID).values("id", "path", grid_class_code=F("grid_class__code")))


def _ancestor_of_level(path: str, units_by_path: dict[str, Unit]) -> Unit | None:
    parts = path.strip("/").split("/")
    for depth in range(len(parts), 0, -1):
        unit = units_by_path.get("/" + "/".join(parts[:depth]) + "/")
        if unit is not None:
            return unit
    return None


def _grids_by_unit(level: str) -> tuple[list[Unit], dict[int, list[dict]]]:
    units = list(Unit.objects.filter(level=level).order_by("path"))
    by_path = {unit.path: unit for unit in units}
    grids_of: dict[int, list[dict]] = defaultdict(list)
    for grid in _grids():
        unit = _ancestor_of_level(grid["path"], by_path)
        if unit is not None:
            grids_of[unit.pk].append(grid)
    return units, grids_of


def counts_by_unit(*, level: str, start: datetime, end: datetime) -> dict[Unit, BaseCounts]:
    """Base counts of every unit of a level (grid, community, area, sub-district, district), zero
    rows included: counted once per grid, rolled up to the ancestors in Python by the path."""
    units, grids_of = _grids_by_unit(level)
    by_grid = _counts_by_grid(start=start, end=end)
    result = {}
    for unit in units:
        total = BaseCounts()
        for grid in grids_of.get(unit.pk, []):
            total = total + by_grid.get(grid["id"], BaseCounts())
        result[unit] = total
    return result


def units_grids(units: list[Unit]) -> dict[int, list[int]]:
    """The grid ids under each unit (a grid is under itself)."""
    grids = _grids()
    return {unit.pk: [grid["id"] for grid in grids if grid["path"].startswith(unit.path)] for unit in units}


def overdue_now_condition(now: datetime) -> Q:
    """当前超期: in handling and past the deadline at `now`, whenever it was dispatched (a suspended
    case is not in handling: its clock is paused)."""
    return Q(state=CaseState.HANDLING, deadline_at__lt=now)


def live_counts_by_grid(*, now: datetime) -> dict[int, tuple[int, int]]:
    """(open, overdue) cases of each grid at `now`, from one grouped read of the open cases."""
    rows = (Case.objects.filter(state__in=OPEN_STATES).order_by().values("grid_id")
            .annotate(open=Count("id"), overdue=Count("id", filter=overdue_now_condition(now))))
    return {row["grid_id"]: (row["open"], row["overdue"]) for row in rows}


# ---------------------------------------------------------------- counts by department

def _dispatch_events_of_returns(*, start: datetime, end: datetime) -> list[tuple[int, int | None]]:
    """(case id, department id) of each approved return in the period: the department is that of
    the dispatch the return answered (the case row forgets it when it goes back)."""
    returns = list(CaseEvent.objects.filter(_event_conditions(start=start, end=end)["returns"])
                   .values_list("case_id", "at"))
    if not returns:
        return []
    dispatches = defaultdict(list)
    for case_id, at, department in (CaseEvent.objects.filter(case_id__in={c for c, _at in returns},
                                                             action="dispatch", at__lt=end)
                                    .values_list("case_id", "at", "data__department")):
        dispatches[case_id].append((at, department))
    result = []
    for case_id, at in returns:
        before = [pair for pair in dispatches[case_id] if pair[0] <= at]
        result.append((case_id, max(before, key=lambda pair: pair[0])[1] if before else None))
    return result


def counts_by_department(*, start: datetime, end: datetime) -> dict[Organisation, BaseCounts]:
    """Base counts of every functional department: the cases by their department, the dispatches
    by the department named in the dispatch event, the returns by the department returning."""
    conditions = _case_conditions(start=start, end=end, as_of=_as_of(end))
    case_rows = _aggregate(
        Case.objects.filter(_cases_touching(start, end), department__isnull=False).order_by()
        .values("department_id").annotate(**{name: Count("id", filter=conditions[name]) for name in CASE_COUNTS}),
        "department_id",
    )
    dispatches = dict(
        CaseEvent.objects.filter(_event_conditions(start=start, end=end)["dispatches"]).order_by()
        .values_list("data__department").annotate(n=Count("id")).values_list("data__department", "n")
    )
    returns: dict[int | None, int] = defaultdict(int)
    for _case_id, department_id in _dispatch_events_of_returns(start=start, end=end):
        returns[department_id] += 1
    supervised = dict(  # by the department the case is with
        CaseEvent.objects.filter(_event_conditions(start=start, end=end)["supervised"]).order_by()
        .values_list("case__department_id").annotate(n=Count("case_id", distinct=True))
        .values_list("case__department_id", "n"))
    # the steps by the case's department; a dispatch by the department it named
    steps = _step_counts(start=start, end=end, key="case__department_id", keys={"dispatch": "data__department"})
    result = {}
    for department in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("code"):
        result[department] = BaseCounts(**case_rows.get(department.pk, {}),
                                        dispatches=dispatches.get(department.pk, 0),
                                        returns=returns.get(department.pk, 0),
                                        supervised=supervised.get(department.pk, 0),
                                        **steps.get(department.pk, {}))
    return result


# ---------------------------------------------------------------- counts by person (field work)

def _field_workers() -> dict[int, list[Unit]]:
    """Grid workers and inspectors with the units they cover."""
    areas: dict[int, list[Unit]] = defaultdict(list)
    for duty in Duty.objects.filter(role__in=FIELD_ROLES, unit__isnull=False).select_related("unit"):
        areas[duty.user_id].append(duty.unit)
    return areas


def _covered_grid_ids(units: list[Unit], grids: list[dict]) -> set[int]:
    return {grid["id"] for grid in grids if any(grid["path"].startswith(unit.path) for unit in units)}


def _field_work(*, start: datetime, end: datetime) -> dict[int, dict[str, list[int]]]:
    """Per person, the case ids behind 应核实/按时核实/应核查/按时核查 (standards.md §3.2
    "在规定的工作时限内完成核实"; limits from CasePolicy, in clock minutes, §4.1 "分钟")."""
    policy = CasePolicy.current()
    verify_limit = timedelta(minutes=policy.verify_limit_minutes)
    check_limit = timedelta(minutes=policy.check_limit_minutes)
    work: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))

    asked = list(CaseEvent.objects.filter(_between("at", start, end), action="send_to_verify")
                 .values_list("case_id", "at", "data__inspector"))
    answers = defaultdict(list)
    for case_id, at, actor_id in (CaseEvent.objects.filter(case_id__in={a[0] for a in asked}, action="verify",
                                                           at__gte=start).values_list("case_id", "at", "actor_id")):
        answers[case_id].append((at, actor_id))
    for case_id, at, inspector_id in asked:
        if inspector_id is None:
            continue
        work[inspector_id]["verify_due"].append(case_id)
        answer = min((pair for pair in answers[case_id] if pair[0] >= at), default=None, key=lambda p: p[0])
        if answer and answer[1] == inspector_id and answer[0] - at <= verify_limit:
            work[inspector_id]["verify_on_time"].append(case_id)

    checks = list(CaseEvent.objects.filter(_between("at", start, end), action__in=["check", "rework"],
                                           actor__isnull=False).values_list("case_id", "at", "actor_id"))
    fixes = defaultdict(list)
    for case_id, at in CaseEvent.objects.filter(case_id__in={c[0] for c in checks}, action="report_fix",
                                                at__lt=end).values_list("case_id", "at"):
        fixes[case_id].append(at)
    for case_id, at, actor_id in checks:
        work[actor_id]["check_due"].append(case_id)
        fixed = max((fix for fix in fixes[case_id] if fix <= at), default=None)
        if fixed is not None and at - fixed <= check_limit:
            work[actor_id]["check_on_time"].append(case_id)
    return work


def counts_by_person(*, start: datetime, end: datetime) -> dict:
    """Base counts of every grid worker and inspector: their reports (上报, 有效上报), the cases
    filed in the grids they cover (立案数, and 漏报数 = those found first by others), and their
    verifications and checks from CaseEvent."""
    conditions = _case_conditions(start=start, end=end, as_of=_as_of(end))
    reports = _aggregate(
        Case.objects.filter(conditions["reported"], reporter__isnull=False).order_by().values("reporter_id")
        .annotate(reported=Count("id"), valid_reported=Count("id", filter=conditions["valid_reported"])),
        "reporter_id",
    )
    by_grid = _counts_by_grid(start=start, end=end)
    grids = _grids()
    work = _field_work(start=start, end=end)
    areas = _field_workers()
    missed = _step_counts(start=start, end=end, key="data__missed_by", names=["missed"])
    result = {}
    for person in get_user_model().objects.filter(pk__in=areas.keys()).order_by("username"):
        covered = _covered_grid_ids(areas[person.pk], grids)
        filed = sum(by_grid[g].filed for g in covered if g in by_grid)
        public = sum(by_grid[g].public_reported for g in covered if g in by_grid)
        mine = work.get(person.pk, {})
        result[person] = BaseCounts(
            **reports.get(person.pk, {}), filed=filed, public_reported=public,
            missed=missed.get(person.pk, {}).get("missed", 0),
            **{name: len(mine.get(name, [])) for name in FIELD_WORK_COUNTS},
        )
    return result


# ---------------------------------------------------------------- counts by person (the command centre's posts)

# §3.3 岗位评价 of the command centre: the evaluated object type → the role whose holders it ranks.
DESK_ROLES = {ObjectType.INTAKE_CLERK: Role.INTAKE_CLERK, ObjectType.SHIFT_LEAD: Role.SHIFT_LEAD,
              ObjectType.DISPATCHER: Role.DISPATCHER}


def _desk_event_conditions(*, start: datetime, end: datetime) -> dict[str, Q]:
    """The person's own 立案 and 派遣 (by the event's actor) and of their 立案 those voided since."""
    in_period = _between("at", start, end)
    return {"filed": in_period & Q(action="file"),
            "filed_then_voided": in_period & Q(action="file", case__state=CaseState.VOIDED),
            "dispatches": in_period & Q(action="dispatch")}


def _returns_by_dispatcher(*, start: datetime, end: datetime) -> dict[int, list[int]]:
    """The cases of the approved returns in the period by who made the dispatch they answered."""
    returns = list(CaseEvent.objects.filter(_event_conditions(start=start, end=end)["returns"])
                   .values_list("case_id", "at"))
    dispatches = defaultdict(list)
    for case_id, at, actor_id in (CaseEvent.objects.filter(case_id__in={c for c, _at in returns}, action="dispatch",
                                                           at__lt=end).values_list("case_id", "at", "actor_id")):
        dispatches[case_id].append((at, actor_id))
    result: dict[int, list[int]] = defaultdict(list)
    for case_id, at in returns:
        before = [pair for pair in dispatches[case_id] if pair[0] <= at]
        if before:
            result[max(before, key=lambda pair: pair[0])[1]].append(case_id)
    return result


def counts_by_desk_person(*, object_type: str, start: datetime, end: datetime) -> dict:
    """Base counts of every holder of a command-centre post (受理员, 值班长, 派遣员): the steps they
    ended and how quickly, their 立案 and 派遣 and what became of them."""
    people = (get_user_model().objects.filter(duties__role=DESK_ROLES[object_type]).distinct().order_by("username"))
    steps = _step_counts(start=start, end=end, key="actor_id", names=[n for n in STEP_COUNTS if n != "missed"])
    own = _aggregate(CaseEvent.objects.filter(_between("at", start, end), action__in=["file", "dispatch"],
                                              actor__in=people).order_by().values("actor_id").annotate(
        **{name: Count("id", filter=condition)
           for name, condition in _desk_event_conditions(start=start, end=end).items()}), "actor_id")
    returns = _returns_by_dispatcher(start=start, end=end)
    return {person: BaseCounts(**steps.get(person.pk, {}), **own.get(person.pk, {}),
                               returns=len(returns.get(person.pk, [])))
            for person in people}


# ---------------------------------------------------------------- the people of a unit (drill-down's last step)

# What a department's staff member is shown on: the fixes they reported (处置), with its 口径.
STAFF_COUNTS = ("handled", "handled_on_time", "handled_late")
STAFF_COUNT_DEFINITIONS = {
    "handled": _("统计期内此人在这个单位的案件上报处置完毕的件数。"),
    "handled_on_time": _("其中在案件处置期限内上报的件数。"),
    "handled_late": _("其中超过案件处置期限才上报的件数。"),
}


def _fix_condition(*, start: datetime, end: datetime, unit: Unit) -> Q:
    return _between("at", start, end) & Q(action="report_fix", actor__isnull=False,
                                          case__territory_path__startswith=unit.path)


def _staff_fixes(*, start: datetime, end: datetime, unit: Unit, person=None) -> dict[int, dict[str, set[int]]]:
    """Per person, the case ids of the fixes they reported in the period on cases under `unit`:
    处置数 (distinct cases), 按期 (reported at or before the case's deadline) and 超期."""
    events = CaseEvent.objects.filter(_fix_condition(start=start, end=end, unit=unit))
    if person is not None:
        events = events.filter(actor=person)
    fixes: dict[int, dict[str, set[int]]] = defaultdict(lambda: {name: set() for name in STAFF_COUNTS})
    for actor_id, case_id, at, deadline in events.values_list("actor_id", "case_id", "at", "case__deadline_at"):
        mine = fixes[actor_id]
        mine["handled"].add(case_id)
        (mine["handled_on_time"] if deadline is None or at <= deadline else mine["handled_late"]).add(case_id)
    return fixes


@dataclass
class PersonRow:
    key: int
    name: str
    role: str  # 网格员/监督员 or the department's name
    counts: BaseCounts


def people_of(*, unit: Unit, start: datetime, end: datetime) -> tuple[list[PersonRow], list[PersonRow]]:
    """The people behind a unit's figures: the grid workers and inspectors whose duty covers it
    (or lies within it), with their field work, and the department staff who reported fixes on its
    cases in the period, with those fixes."""
    from jiedao.territory.models import Role

    covering = {duty.user_id: duty for duty in Duty.objects.filter(role__in=FIELD_ROLES, unit__isnull=False)
                .select_related("unit", "user").order_by("user__username")
                if unit.path.startswith(duty.unit.path) or duty.unit.path.startswith(unit.path)}
    by_person = {person.pk: counts for person, counts in counts_by_person(start=start, end=end).items()
                 if person.pk in covering}
    field_rows = [PersonRow(key=pk, name=duty.user.display_name, role=str(Role(duty.role).label),
                            counts=by_person.get(pk, BaseCounts()))
                  for pk, duty in covering.items()]
    fixes = _staff_fixes(start=start, end=end, unit=unit)
    people = {person.pk: person for person in get_user_model().objects.filter(pk__in=fixes.keys())}
    departments = {duty.user_id: duty.organisation.name for duty in
                   Duty.objects.filter(user_id__in=fixes.keys(), organisation__isnull=False).select_related("organisation")}
    staff_rows = sorted((PersonRow(key=pk, name=people[pk].display_name, role=departments.get(pk, ""),
                                   counts=BaseCounts(**{name: len(ids) for name, ids in mine.items()}))
                         for pk, mine in fixes.items()), key=lambda row: (-row.counts.handled, row.name))
    return field_rows, staff_rows


# ---------------------------------------------------------------- drill-down

def cases_behind(*, indicator: str, start: datetime, end: datetime, unit: Unit | None = None,
                 department: Organisation | None = None, person=None) -> QuerySet[Case]:
    """The cases behind one count of one object: the same condition the count used. Counts of
    events (派遣数, 回退数, 核实, 核查) open to the cases those events belong to. A person with a
    unit: a department staff member's fixes on that unit's cases (`people_of`)."""
    if indicator not in COUNT_NAMES:
        raise ValueError(f"unknown count {indicator!r}")
    if person is not None:
        return _cases_behind_person(indicator=indicator, start=start, end=end, person=person, unit=unit)
    if sum(x is not None for x in (unit, department)) != 1:
        raise ValueError("give exactly one of unit, department, person")
    cases = Case.objects.all()
    if indicator in STEP_COUNTS:
        events = _step_events_behind(indicator, start=start, end=end)
        if department is not None:
            field = "data__department" if indicator == "dispatched_on_time" else "case__department_id"
            events = events.filter(**{field: department.pk})
        else:
            cases = cases.filter(territory_path__startswith=unit.path)
        return cases.filter(pk__in=events.values("case_id")).order_by("reported_at")
    if indicator == "returns":
        if department is not None:
            ids = [case_id for case_id, dept in _dispatch_events_of_returns(start=start, end=end)
                   if dept == department.pk]
            return cases.filter(pk__in=ids).order_by("reported_at")
        events = CaseEvent.objects.filter(_event_conditions(start=start, end=end)["returns"])
        return cases.filter(pk__in=events.values("case_id"), territory_path__startswith=unit.path)
    if indicator == "dispatches":
        events = CaseEvent.objects.filter(_event_conditions(start=start, end=end)["dispatches"])
        if department is not None:
            events = events.filter(data__department=department.pk)
        else:
            cases = cases.filter(territory_path__startswith=unit.path)
        return cases.filter(pk__in=events.values("case_id")).order_by("reported_at")
    if indicator == "supervised":
        events = CaseEvent.objects.filter(_event_conditions(start=start, end=end)["supervised"])
        scope = Q(territory_path__startswith=unit.path) if unit is not None else Q(department=department)
        return cases.filter(scope, pk__in=events.values("case_id")).order_by("reported_at")
    if indicator in FIELD_WORK_COUNTS:
        return cases.none()  # a field-work count belongs to a person
    condition = _case_conditions(start=start, end=end, as_of=_as_of(end))[indicator]
    scope = Q(territory_path__startswith=unit.path) if unit is not None else Q(department=department)
    return cases.filter(condition & scope).order_by("reported_at")


def _cases_behind_person(*, indicator: str, start: datetime, end: datetime, person,
                         unit: Unit | None = None) -> QuerySet[Case]:
    cases = Case.objects.all()
    if indicator == "missed":  # the worker the 立案 named
        events = _step_events_behind(indicator, start=start, end=end).filter(data__missed_by=person.pk)
        return cases.filter(pk__in=events.values("case_id")).order_by("reported_at")
    if indicator in STEP_COUNTS:
        events = _step_events_behind(indicator, start=start, end=end).filter(actor=person)
        return cases.filter(pk__in=events.values("case_id")).order_by("reported_at")
    desk = _desk_event_conditions(start=start, end=end)
    if indicator in desk and not _field_workers().get(person.pk):
        events = CaseEvent.objects.filter(desk[indicator], actor=person)
        return cases.filter(pk__in=events.values("case_id")).order_by("reported_at")
    if indicator == "returns":
        return cases.filter(pk__in=_returns_by_dispatcher(start=start, end=end).get(person.pk, [])).order_by("reported_at")
    if indicator in STAFF_COUNTS and unit is not None:
        ids = _staff_fixes(start=start, end=end, unit=unit, person=person).get(person.pk, {}).get(indicator, set())
        return cases.filter(pk__in=ids).order_by("reported_at")
    if indicator in FIELD_WORK_COUNTS:
        ids = _field_work(start=start, end=end).get(person.pk, {}).get(indicator, [])
        return cases.filter(pk__in=ids).order_by("reported_at")
    conditions = _case_conditions(start=start, end=end, as_of=_as_of(end))
    if indicator in ("reported", "valid_reported"):
        return cases.filter(conditions[indicator], reporter=person).order_by("reported_at")
    if indicator in ("filed", "public_reported"):
        units = _field_workers().get(person.pk, [])
        covered = _covered_grid_ids(units, _grids())
        return cases.filter(conditions[indicator], grid_id__in=covered).order_by("reported_at")
    return cases.none()


# ---------------------------------------------------------------- evaluated rows

@dataclass
class EvaluationRow:
    key: int
    code: str
    name: str
    counts: BaseCounts
    rates: dict[str, Decimal | None]
    scores: dict[str, Decimal | None]
    composite: Decimal | None
    grade: str | None
    missing: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {
            "key": self.key, "code": self.code, "name": self.name, "counts": self.counts.as_dict(),
            "rates": {k: text(v) for k, v in self.rates.items()},
            "scores": {k: text(v) for k, v in self.scores.items()},
            "composite": text(self.composite), "grade": self.grade, "missing": self.missing,
        }


def grade_thresholds() -> list[tuple[str, Decimal]]:
    return list(GradeScale.objects.values_list("grade", "min_score"))


def _scores(*, rates: dict[str, Decimal | None], volumes: dict[str, Decimal | None]) -> dict[str, Decimal | None]:
    scores = {key: rate_score(rates[key], lower_is_better=rate.lower_is_better) for key, rate in RATES.items()}
    scores.update(volumes)
    return scores


def _row(*, key: int, code: str, name: str, counts: BaseCounts, volumes: dict, scheme: ScoringScheme,
         thresholds) -> EvaluationRow:
    rates = rates_of(counts)
    scores = _scores(rates=rates, volumes=volumes)
    composite = composite_score(scores, scheme.weights)
    return EvaluationRow(key=key, code=code, name=name, counts=counts, rates=rates, scores=scores,
                         composite=composite, grade=grade_for(composite, thresholds),
                         missing=sorted(k for k in scheme.weights if scores.get(k) is None))


def _region_filed_volume(*, grids: list[dict], by_grid: dict[int, BaseCounts], tables: dict) -> Decimal | None:
    """区域 立案数分值 (§3.3): each grid's 立案数 stepped by its class; a unit above the grid
    scores the mean of its grids."""
    if not tables or not grids:
        return None
    # The tables are keyed by the class code of the scheme in use ("1"/"2" for 一类/二类, "A"/"B"/"C" …),
    # so a scheme's tables apply to its grids. A grid without a class, or of a class with no table,
    # is scored on the table of the strictest class (order 1) that has one, else the first table.
    fallback = next((tables[code] for code in GridClass.objects.filter(scheme__is_in_use=True)
                     .order_by("order", "code").values_list("code", flat=True) if code in tables),
                    next(iter(tables.values())))
    scores = []
    for grid in grids:
        table = tables.get(grid["grid_class_code"] or "") or fallback
        scores.append(stepped_score(by_grid.get(grid["id"], BaseCounts()).filed, table))
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))


def _sorted(rows: list[EvaluationRow]) -> list[EvaluationRow]:
    return sorted(rows, key=lambda row: (row.composite is None, -(row.composite or 0), row.code))


def evaluation_for(*, object_type: str, start: datetime, end: datetime, level: str = "") -> list[EvaluationRow]:
    """Every object of a type (units of `level` for regions) with counts, rates, 分值, 综合指标值 and
    grade, best first; objects with nothing to measure ("—") last."""
    # Not yet seeded (`seed_evaluation`): counts and rates, no composite, no grade — never a crash.
    scheme = (ScoringScheme.objects.filter(object_type=object_type).first()
              or ScoringScheme(object_type=object_type, weights={}, stepped_tables={}))
    thresholds = grade_thresholds()
    tables = scheme.stepped_tables or {}
    rows = []
    if object_type == ObjectType.REGION:
        units, grids_of = _grids_by_unit(level)
        by_grid = _counts_by_grid(start=start, end=end)
        for unit in units:
            grids = grids_of.get(unit.pk, [])
            counts = sum((by_grid.get(g["id"], BaseCounts()) for g in grids), BaseCounts())
            volumes = {FILED_VOLUME: _region_filed_volume(grids=grids, by_grid=by_grid,
                                                          tables=tables.get(FILED_VOLUME, {}))}
            rows.append(_row(key=unit.pk, code=unit.code, name=unit.name, counts=counts, volumes=volumes,
                             scheme=scheme, thresholds=thresholds))
    elif object_type == ObjectType.DEPARTMENT:
        for department, counts in counts_by_department(start=start, end=end).items():
            # 专业部门 立案数分值 ("fewer problems is better"), on the count the scheme names (§3.3: 立案数)
            volume = getattr(counts, scheme.volume_basis or VolumeBasis.FILED)
            volumes = {FILED_VOLUME: stepped_score(volume, tables[FILED_VOLUME]) if FILED_VOLUME in tables else None}
            rows.append(_row(key=department.pk, code=department.code, name=department.name, counts=counts,
                             volumes=volumes, scheme=scheme, thresholds=thresholds))
    elif object_type in DESK_ROLES:
        for person, counts in counts_by_desk_person(object_type=object_type, start=start, end=end).items():
            volumes = {name: stepped_score(getattr(counts, count), tables[name]) if name in tables else None
                       for name, count in DESK_VOLUMES.items()}
            rows.append(_row(key=person.pk, code=person.username, name=person.display_name, counts=counts,
                             volumes=volumes, scheme=scheme, thresholds=thresholds))
    else:
        for person, counts in counts_by_person(start=start, end=end).items():
            rows.append(_row(key=person.pk, code=person.username, name=person.display_name, counts=counts,
                             volumes={}, scheme=scheme, thresholds=thresholds))
    return _sorted(rows)


# ---------------------------------------------------------------- rankings

@dataclass
class RankedRow:
    row: EvaluationRow
    rank: int | None
    is_red: bool
    is_black: bool
    vetoes: list[str]
    previous_rank: int | None = None
    movement: int | None = None  # places gained since the previous period (negative: fell)
    # What the rule ranks by: the 综合指标值, or blended with the inspection average (issue 9).
    score: Decimal | None = None
    inspection: Decimal | None = None

    def as_json(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {**self.row.as_json(), "rank": self.rank, "is_red": self.is_red, "is_black": self.is_black,
                "vetoes": self.vetoes, "previous_rank": self.previous_rank, "movement": self.movement,
                "score": text(self.score), "inspection": text(self.inspection)}


def vetoes_for(*, rule: RankingRule, counts: BaseCounts) -> list[str]:
    """一票否决 (standards.md §7): the conditions of the rule this object hits."""
    hits = []
    if rule.veto_overdue_pending_over is not None and counts.overdue_pending > rule.veto_overdue_pending_over:
        hits.append("overdue_pending")
    if rule.veto_error_closure and counts.error_closed > 0:
        hits.append("error_closed")
    return hits


def ranked(*, rule: RankingRule, rows: list[EvaluationRow],
           inspection: dict[int, Decimal | None] | None = None) -> list[RankedRow]:
    """Ranks (ties share a place), 红榜 and 黑榜 by the rule. An object without a score is unranked
    and on neither list unless a veto puts it on the 黑榜. `inspection`: each row's inspection
    average on 100, which the rule weighs with the 综合指标值 (`indicators.blended_score`)."""
    inspection = inspection or {}
    weight = rule.inspection_weight if rule.uses_inspections else 0
    scores = [blended_score(row.composite, inspection.get(row.key), weight) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: (scores[i] is None, -(scores[i] or 0), rows[i].code))
    rows, scores = [rows[i] for i in order], [scores[i] for i in order]
    top, bottom = competition_ranks(scores), bottom_ranks(scores)
    result = []
    for row, score, rank, from_bottom in zip(rows, scores, top, bottom, strict=True):
        vetoes = vetoes_for(rule=rule, counts=row.counts)
        red = rank is not None and not vetoes and (rule.red_top_n is not None or rule.red_min_score is not None)
        if red and rule.red_top_n is not None:
            red = rank <= rule.red_top_n
        if red and rule.red_min_score is not None:
            red = score >= rule.red_min_score
        black = from_bottom is not None and (rule.black_bottom_n is not None or rule.black_max_score is not None)
        if black and rule.black_bottom_n is not None:
            black = from_bottom <= rule.black_bottom_n
        if black and rule.black_max_score is not None:
            black = score < rule.black_max_score
        result.append(RankedRow(row=row, rank=rank, is_red=red, is_black=black or bool(vetoes), vetoes=vetoes,
                                score=score, inspection=inspection.get(row.key)))
    return result


def inspection_scores_for(*, rule: RankingRule, rows: list[EvaluationRow], start: datetime,
                          end: datetime) -> dict[int, Decimal | None]:
    """Each row's average inspection score on the rule's checklist, on 100 (issue 9)."""
    if not rule.uses_inspections:
        return {}
    from jiedao.inspections.selectors import unit_scores_on_hundred

    units = list(Unit.objects.filter(pk__in=[row.key for row in rows]))
    return unit_scores_on_hundred(checklist=rule.inspection_checklist, units=units, start=start, end=end)


def _previous_ranks(*, rule: RankingRule, start: datetime, end: datetime) -> dict[int, int | None]:
    """The ranks of the previous period: from its publication (a frozen snapshot) if there is one,
    else recomputed."""
    publication = (RankingPublication.objects.filter(rule=rule, period_start=start, period_end=end)
                   .order_by("-is_published").first())
    if publication is not None:
        return {row["key"]: row["rank"] for row in publication.rows}
    rows = evaluation_for(object_type=rule.object_type, level=rule.level, start=start, end=end)
    inspection = inspection_scores_for(rule=rule, rows=rows, start=start, end=end)
    return {item.row.key: item.rank for item in ranked(rule=rule, rows=rows, inspection=inspection)}


def ranking(*, rule: RankingRule, start: datetime, end: datetime,
            previous: tuple[datetime, datetime] | None = None) -> list[RankedRow]:
    rows = evaluation_for(object_type=rule.object_type, level=rule.level, start=start, end=end)
    inspection = inspection_scores_for(rule=rule, rows=rows, start=start, end=end)
    result = ranked(rule=rule, rows=rows, inspection=inspection)
    if previous is not None:
        before = _previous_ranks(rule=rule, start=previous[0], end=previous[1])
        for item in result:
            item.previous_rank = before.get(item.row.key)
            if item.rank is not None and item.previous_rank is not None:
                item.movement = item.previous_rank - item.rank
    return result


def publication_rows(publication: RankingPublication) -> list[dict]:
    """A snapshot's rows, each with the score it was ranked by (snapshots from before inspection
    scores joined the rankings hold only the 综合指标值, which was that score)."""
    return [{"score": row.get("composite"), "inspection": None, **row} for row in publication.rows]


def black_board(rows: list[dict]) -> list[dict]:
    """The 黑榜 (rows as `RankedRow.as_json` or a snapshot's) worst first: the lowest real place
    first ("第 6 名 / 共 6", then 5th …); a vetoed object without a score, unranked, last."""
    return sorted((row for row in rows if row["is_black"]), key=lambda row: (row["rank"] is None, -(row["rank"] or 0)))


def ranked_count(rows: list[dict]) -> int:
    """How many objects were ranked: the "共 N" of "第 5 名 / 共 N"."""
    return sum(1 for row in rows if row["rank"] is not None)


def latest_publications(*, rule: RankingRule) -> QuerySet[RankingPublication]:
    """Published rankings of a rule, newest period first (the public page)."""
    return RankingPublication.objects.filter(rule=rule, is_published=True).order_by("-period_end")
