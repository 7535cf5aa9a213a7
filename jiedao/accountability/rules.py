"""The accountability rules: each a function of a period and its thresholds that reads the case
record and returns candidate findings with their evidence. Nothing is written here; the service
(`services.findings_refresh`) turns candidates into register entries.

Sources: seed/README.md ("the system detects perfunctory work (rework, fake closure found on
re-inspection — the inspections' 复查 rule), buck-passing (repeated transfer/return of a case between units), and failure to
deliver (overdue)"); standards.md §2.3 (推诿数, 返工数), §3.4 (重复投诉点位), §4.3 (督办, 通报/约谈/问责).
Every threshold is a parameter of `AccountabilityRule`, editable by an administrator."""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiedao.cases.models import Case, CaseEvent, CaseState, ClosureType
from jiedao.cases.workflow import SUPERVISE_STEP
from jiedao.worktime.calendar import WorkingCalendar

from .models import EvidenceRole, Measure, RuleCode, RuleKind, SubjectKind

EARTH_RADIUS_METRES = 6_371_008.8  # mean radius (IUGG)


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class Window:
    """A period of whole days, `start` to `end` inclusive, in the office's time zone, and the
    moment of the run: nothing after `now` is counted as "not done yet"."""

    start: date
    end: date
    now: datetime
    calendar: WorkingCalendar

    @property
    def start_at(self) -> datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return _midnight(self.end + timedelta(days=1))

    @property
    def cutoff(self) -> datetime:
        """What is overdue or ignored is judged at the end of the period, or now if earlier."""
        return min(self.end_at, self.now)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class Subject:
    kind: str  # SubjectKind
    pk: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


@dataclass(frozen=True)
class Evidence:
    """A case (`case_id`), or an inspection (`inspection_id`, the re-inspection rule's evidence)."""

    case_id: int | None
    role: str  # EvidenceRole
    inspection_id: int | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.case_id or 0, self.inspection_id or 0, self.role)

    @property
    def text(self) -> str:
        """The row as it enters the evidence fingerprint (a case's as it always did)."""
        if self.inspection_id is not None:
            return f"inspection-{self.inspection_id}:{self.role}"
        return f"{self.case_id}:{self.role}"


@dataclass
class Candidate:
    subject: Subject
    evidence: frozenset[Evidence]
    facts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    kind: str
    measure: str
    defaults: dict[str, int]
    find: Callable[..., list[Candidate]]
    summary: str  # a lazy template filled with the subject's name and the facts


def _organisation(pk: int) -> Subject:
    return Subject(SubjectKind.ORGANISATION, pk)


# ---------------------------------------------------------------- who held the case when

def _walk(case_ids: Iterable[int], *, actions: set[str], before: datetime):
    """The events of these cases, in order, with the department holding each case at that moment
    (the last dispatch before it; None after an approved return)."""
    events = (CaseEvent.objects.filter(case_id__in=list(case_ids), action__in=actions | {"dispatch", "decide_return"},
                                       at__lt=before)
              .order_by("case_id", "at", "id").values("case_id", "action", "at", "actor_id", "data"))
    holder: dict[int, int | None] = {}
    for event in events:
        case_id = event["case_id"]
        if event["action"] == "dispatch":
            holder[case_id] = (event["data"] or {}).get("department")
            continue
        yield event, holder.get(case_id)
        if event["action"] == "decide_return" and (event["data"] or {}).get("approved"):
            holder[case_id] = None


# ---------------------------------------------------------------- 推诿扯皮

def find_returns(*, window: Window, parameters: dict) -> list[Candidate]:
    """A case returned (回退) more than `max_returns` times: every department that returned it.
    The case counts in the period of the return that crossed the threshold."""
    limit = parameters["max_returns"]
    case_ids = set(CaseEvent.objects.filter(action="decide_return", data__approved=True, at__gte=window.start_at,
                                            at__lt=window.end_at).values_list("case_id", flat=True))
    returns: dict[int, list[tuple[datetime, int | None]]] = defaultdict(list)
    for event, department in _walk(case_ids, actions={"decide_return"}, before=window.end_at):
        if event["action"] == "decide_return" and (event["data"] or {}).get("approved"):
            returns[event["case_id"]].append((event["at"], department))

    by_department: dict[int, dict[int, int]] = defaultdict(dict)  # department → case → returns
    for case_id, rows in returns.items():
        if len(rows) <= limit or not window.start_at <= rows[limit][0] < window.end_at:
            continue
        for _at, department in rows:
            if department is not None:
                by_department[department][case_id] = by_department[department].get(case_id, 0) + 1
    return [
        Candidate(subject=_organisation(department),
                  evidence=frozenset(Evidence(case_id, EvidenceRole.RETURNED) for case_id in cases),
                  facts={"cases": len(cases), "returns": sum(cases.values()), "limit": limit})
        for department, cases in by_department.items()
    ]


# ---------------------------------------------------------------- 敷衍塞责

def _reworks(window: Window) -> list[tuple[int, int | None, int | None]]:
    """(case, department that fixed it, person who reported the fix) for each 返工 in the period."""
    case_ids = set(CaseEvent.objects.filter(action="rework", at__gte=window.start_at, at__lt=window.end_at)
                   .values_list("case_id", flat=True))
    fixer: dict[int, int | None] = {}
    rows = []
    for event, department in _walk(case_ids, actions={"report_fix", "rework"}, before=window.end_at):
        if event["action"] == "report_fix":
            fixer[event["case_id"]] = event["actor_id"]
        elif event["action"] == "rework" and event["at"] >= window.start_at:
            rows.append((event["case_id"], department, fixer.get(event["case_id"])))
    return rows


def find_rework(*, window: Window, parameters: dict) -> list[Candidate]:
    """返工 (a fix that failed the check) at least `min_reworks` times in the period: the department
    that fixed the cases."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for case_id, department, _person in _reworks(window):
        if department is not None:
            counts[department][case_id] += 1
    return [
        Candidate(subject=_organisation(department),
                  evidence=frozenset(Evidence(case_id, EvidenceRole.REWORKED) for case_id in cases),
                  facts={"cases": len(cases), "reworks": sum(cases.values())})
        for department, cases in counts.items() if sum(cases.values()) >= parameters["min_reworks"]
    ]


def find_failed_check(*, window: Window, parameters: dict) -> list[Candidate]:
    """A person whose reported fixes failed the check (核查不通过) at least `min_failed_checks`
    times in the period: the person is named, not only the department."""
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for case_id, _department, person in _reworks(window):
        if person is not None:
            counts[person][case_id] += 1
    return [
        Candidate(subject=Subject(SubjectKind.PERSON, person),
                  evidence=frozenset(Evidence(case_id, EvidenceRole.FAILED_CHECK) for case_id in cases),
                  facts={"cases": len(cases), "failed": sum(cases.values())})
        for person, cases in counts.items() if sum(cases.values()) >= parameters["min_failed_checks"]
    ]


def distance_metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) between two WGS-84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi, half_dlambda = (phi2 - phi1) / 2, math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class _Point:
    pk: int
    item_id: int
    lon: float
    lat: float
    at: datetime


def repeat_pairs(*, closed: list[_Point], reported: list[_Point], radius_metres: float,
                 within: timedelta) -> list[tuple[_Point, _Point]]:
    """(earlier closed case, new report) pairs: same category, within the radius, the report after
    the closure and no later than `within`. Closed cases are bucketed in cells of the radius's side
    on a local equirectangular projection, so each report looks only at the 3×3 cells around it:
    linear in the number of cases, not quadratic."""
    if not closed or not reported:
        return []
    reference_lat = math.radians(sum(point.lat for point in closed) / len(closed))
    metres_per_degree_lat = math.pi * EARTH_RADIUS_METRES / 180
    metres_per_degree_lon = metres_per_degree_lat * math.cos(reference_lat)

    def cell(point: _Point) -> tuple[int, int]:
        return (math.floor(point.lon * metres_per_degree_lon / radius_metres),
                math.floor(point.lat * metres_per_degree_lat / radius_metres))

    buckets: dict[tuple[int, int, int], list[_Point]] = defaultdict(list)
    for point in closed:
        x, y = cell(point)
        buckets[(point.item_id, x, y)].append(point)
    pairs = []
    for new in reported:
        x, y = cell(new)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for old in buckets.get((new.item_id, x + dx, y + dy), ()):
                    if (old.pk != new.pk and old.at < new.at <= old.at + within
                            and distance_metres(old.lon, old.lat, new.lon, new.lat) <= radius_metres):
                        pairs.append((old, new))
    return pairs


def find_repeat_point(*, window: Window, parameters: dict) -> list[Candidate]:
    """重复发生点位: a problem of the same category reported within `radius_metres` of a case closed
    at most `within_days` days before: the department that closed the earlier case (or its
    territorial owner when no department handled it, as for self-handled cases)."""
    within = timedelta(days=parameters["within_days"])
    reported_rows = (Case.objects.filter(reported_at__gte=window.start_at, reported_at__lt=window.end_at)
                     .exclude(state=CaseState.VOIDED).values("pk", "item_id", "longitude", "latitude", "reported_at"))
    reported = [_Point(row["pk"], row["item_id"], row["longitude"], row["latitude"], row["reported_at"])
                for row in reported_rows]
    items = {point.item_id for point in reported}
    closed_rows = Case.objects.filter(
        state=CaseState.CLOSED, item_id__in=items, closed_at__gte=window.start_at - within,
        closed_at__lt=window.end_at,
    ).values("pk", "item_id", "longitude", "latitude", "closed_at", "department_id", "territorial_owner_id")
    owners = {}
    closed = []
    for row in closed_rows:
        closed.append(_Point(row["pk"], row["item_id"], row["longitude"], row["latitude"], row["closed_at"]))
        if row["department_id"]:
            owners[row["pk"]] = _organisation(row["department_id"])
        elif row["territorial_owner_id"]:
            owners[row["pk"]] = Subject(SubjectKind.UNIT, row["territorial_owner_id"])

    evidence: dict[Subject, set[Evidence]] = defaultdict(set)
    earlier: dict[Subject, set[int]] = defaultdict(set)
    for old, new in repeat_pairs(closed=closed, reported=reported, radius_metres=parameters["radius_metres"],
                                 within=within):
        subject = owners.get(old.pk)
        if subject is None:
            continue
        evidence[subject] |= {Evidence(old.pk, EvidenceRole.EARLIER), Evidence(new.pk, EvidenceRole.REPEAT)}
        earlier[subject].add(old.pk)
    return [
        Candidate(subject=subject, evidence=frozenset(rows),
                  facts={"cases": len(earlier[subject]), "radius": parameters["radius_metres"],
                         "days": parameters["within_days"]})
        for subject, rows in evidence.items()
    ]


# ---------------------------------------------------------------- 落实不力

def find_overdue(*, window: Window, parameters: dict) -> list[Candidate]:
    """超期: per department, cases closed overdue (超时结案) in the period plus cases whose deadline
    passed while still unfixed at the end of the period (or now); at least `min_cases`."""
    cutoff = window.cutoff
    closed = Case.objects.filter(closure_type=ClosureType.OVERDUE, closed_at__gte=window.start_at,
                                 closed_at__lt=window.end_at, department__isnull=False)
    # A case suspended (挂账) at the cutoff has its clock paused: not overdue, as in the evaluation.
    still_open = (Case.objects.filter(department__isnull=False, deadline_at__lt=cutoff)
                  .exclude(state=CaseState.VOIDED)
                  .exclude(state=CaseState.SUSPENDED, suspended_at__lte=cutoff)
                  .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
                  .filter(Q(fixed_at__isnull=True) | Q(fixed_at__gt=cutoff)))
    rows: dict[int, set[Evidence]] = defaultdict(set)
    for pk, department in closed.values_list("pk", "department_id"):
        rows[department].add(Evidence(pk, EvidenceRole.CLOSED_OVERDUE))
    for pk, department in still_open.values_list("pk", "department_id"):
        rows[department].add(Evidence(pk, EvidenceRole.OPEN_OVERDUE))
    candidates = []
    for department, evidence in rows.items():
        if len(evidence) < parameters["min_cases"]:
            continue
        closed_count = sum(1 for row in evidence if row.role == EvidenceRole.CLOSED_OVERDUE)
        candidates.append(Candidate(
            subject=_organisation(department), evidence=frozenset(evidence),
            facts={"cases": len(evidence), "closed": closed_count, "open": len(evidence) - closed_count}))
    return candidates




def find_escalation_ignored(*, window: Window, parameters: dict) -> list[Candidate]:
    """督办 ignored: a case reached the 督办 step and no fix was reported within `working_days`
    working days after it; counted in the period in which that time ran out (and only once it has).
    A leader's 督办 by hand is the same kind of event (`escalate`, step `supervise`, `manual`) and
    counts the same way, except that its grace ends at the time the leader set (`due_at`)."""
    days = parameters["working_days"]
    span = timedelta(minutes=days * window.calendar.minutes_per_working_day)
    # Generous lower bound for the escalations whose grace can end in the period (long holidays).
    earliest = window.start_at - timedelta(days=2 * days + 30)
    escalations = (CaseEvent.objects.filter(action="escalate", data__step=SUPERVISE_STEP, at__gte=earliest,
                                            at__lt=window.cutoff).order_by("case_id", "at", "id")
                   .values_list("case_id", "at", "data__due_at"))
    first: dict[int, datetime] = {}
    expiries: dict[int, datetime] = {}
    for case_id, at, due_at in escalations:
        if case_id in first:
            continue
        first[case_id] = at
        expiries[case_id] = (datetime.fromisoformat(due_at) if due_at
                             else window.calendar.add_working_duration(at, span))
    expiring = {case_id: expiry for case_id, expiry in expiries.items()
                if window.start_at <= expiry < window.end_at and expiry <= window.now}
    if not expiring:
        return []
    holders: dict[int, int | None] = {}
    fixed: set[int] = set()
    for event, department in _walk(expiring, actions={"escalate", "report_fix"}, before=window.end_at):
        case_id = event["case_id"]
        if event["action"] == "escalate" and event["at"] == first[case_id]:
            holders.setdefault(case_id, department)
        elif event["action"] == "report_fix" and first[case_id] < event["at"] <= expiring[case_id]:
            fixed.add(case_id)
    ended = set(Case.objects.filter(pk__in=list(expiring), closed_at__isnull=False)
                .values_list("pk", "closed_at"))
    ended_before = {pk for pk, closed_at in ended if closed_at <= expiring[pk]}
    by_department: dict[int, set[int]] = defaultdict(set)
    for case_id in expiring:
        department = holders.get(case_id)
        if case_id in fixed or case_id in ended_before or department is None:
            continue
        by_department[department].add(case_id)
    return [
        Candidate(subject=_organisation(department),
                  evidence=frozenset(Evidence(case_id, EvidenceRole.ESCALATION_IGNORED) for case_id in cases),
                  facts={"cases": len(cases), "days": days})
        for department, cases in by_department.items() if len(cases) >= parameters["min_cases"]
    ]


# ---------------------------------------------------------------- 复查 (inspections)

def find_reinspection_failed(*, window: Window, parameters: dict) -> list[Candidate]:
    """A unit whose re-inspections (复查) failed at least `min_failed_reinspections` times in the
    period, or found a false rectification (虚假整改) at least `min_false_rectifications` times
    (issue 9: "a unit that fails re-inspection twice, or whose rectification was false"): the
    inspected unit, with the inspections whose items failed as evidence."""
    from jiedao.inspections.models import Reinspection

    rows = (Reinspection.objects.filter(reinspected_at__gte=window.start_at, reinspected_at__lt=window.end_at,
                                        failed_count__gt=0)
            .values_list("unit_id", "inspection_id", "false_count"))
    failed: dict[int, int] = defaultdict(int)
    false: dict[int, int] = defaultdict(int)
    evidence: dict[int, set[Evidence]] = defaultdict(set)
    for unit_id, inspection_id, false_count in rows:
        failed[unit_id] += 1
        false[unit_id] += false_count
        role = EvidenceRole.FALSE_RECTIFICATION if false_count else EvidenceRole.REINSPECTION_FAILED
        evidence[unit_id].add(Evidence(None, role, inspection_id=inspection_id))
    return [
        Candidate(subject=Subject(SubjectKind.UNIT, unit_id), evidence=frozenset(evidence[unit_id]),
                  facts={"failed": failed[unit_id], "false": false[unit_id],
                         "inspections": len({row.inspection_id for row in evidence[unit_id]})})
        for unit_id in failed
        if failed[unit_id] >= parameters["min_failed_reinspections"]
        or false[unit_id] >= parameters["min_false_rectifications"]
    ]


# ---------------------------------------------------------------- the table

RULES: dict[str, RuleDefinition] = {definition.code: definition for definition in [
    RuleDefinition(RuleCode.RETURNS, RuleKind.BUCK_PASSING, Measure.BULLETIN, {"max_returns": 2}, find_returns,
                   _("%(subject)s：%(cases)d 件案件回退均超过 %(limit)d 次，本单位回退 %(returns)d 次")),
    RuleDefinition(RuleCode.REWORK, RuleKind.PERFUNCTORY, Measure.BULLETIN, {"min_reworks": 1}, find_rework,
                   _("%(subject)s：%(cases)d 件案件核查不通过，返工 %(reworks)d 次")),
    RuleDefinition(RuleCode.FAILED_CHECK, RuleKind.PERFUNCTORY, Measure.INTERVIEW, {"min_failed_checks": 2},
                   find_failed_check,
                   _("%(subject)s：反馈处置完成的 %(cases)d 件案件核查不通过 %(failed)d 次")),
    RuleDefinition(RuleCode.REPEAT_POINT, RuleKind.PERFUNCTORY, Measure.BULLETIN,
                   {"radius_metres": 50, "within_days": 30}, find_repeat_point,
                   _("%(subject)s：%(cases)d 件已结案案件在结案后 %(days)d 天内、%(radius)d 米内再次发生同类问题")),
    RuleDefinition(RuleCode.OVERDUE, RuleKind.NON_DELIVERY, Measure.INTERVIEW, {"min_cases": 3}, find_overdue,
                   _("%(subject)s：超期案件 %(cases)d 件（超时结案 %(closed)d 件，超期未处置 %(open)d 件）")),
    RuleDefinition(RuleCode.ESCALATION_IGNORED, RuleKind.NON_DELIVERY, Measure.ACCOUNTABILITY,
                   {"working_days": 3, "min_cases": 1}, find_escalation_ignored,
                   _("%(subject)s：%(cases)d 件案件督办后 %(days)d 个工作日仍未处置")),
    RuleDefinition(RuleCode.REINSPECTION_FAILED, RuleKind.PERFUNCTORY, Measure.INTERVIEW,
                   {"min_failed_reinspections": 2, "min_false_rectifications": 1}, find_reinspection_failed,
                   _("%(subject)s：复查未通过 %(failed)d 次（虚假整改 %(false)d 项），涉及检查 %(inspections)d 次")),
]}
