"""Reads of the duties app: who each plan obliges for which subjects (obligations), the compliance
of every plan, period and obligation from a few grouped queries, and what is due for a person.

Compliance (口径): for every period of a plan touching the range asked, each obligation (a person
or a contractor, and a subject when the plan counts its subjects separately) requires the plan's
`times_per_period` in each period with a counted day (frequency.py). Done counts every work
recorded against the plan by that person or contractor in the period, valid those that met the
minimums, counted the valid ones up to what is required (a fifth patrol of one river does not make
up for another river), missed = required − counted once the period has ended. A work with both a
person and a contractor counts for each of them."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from jiedao.territory.models import Duty
from jiedao.worktime.selectors import working_calendar

from . import frequency
from .models import DutyPlan, DutyWork
from .targets import Subject, subjects_of_target_sets

PERSON, ORGANISATION = "p", "o"
# Above this many plans the works are read for every plan and the others dropped (cheaper than IN).
PLAN_FILTER_LIMIT = 500


@dataclass(frozen=True)
class Obligation:
    plan_id: int
    person_id: int | None
    organisation_id: int | None
    subject_id: int | None  # None: the plan counts all its subjects together (per_subject off)
    subject_label: str
    unit_id: int | None
    unit_path: str | None

    @property
    def assignee(self) -> tuple[str, int]:
        return (PERSON, self.person_id) if self.person_id else (ORGANISATION, self.organisation_id)

    @property
    def key(self) -> str:
        return f"{self.plan_id}:{self.person_id or ''}:{self.organisation_id or ''}:{self.subject_id or ''}"


@dataclass(slots=True)
class ComplianceRow:
    obligation: Obligation
    period: frequency.Period
    required: int
    done: int
    valid: int
    is_open: bool  # the period has not ended: nothing is missed yet
    counted: int = -1  # the valid works up to what is required
    missed: int = -1  # required − counted once the period has ended

    def __post_init__(self) -> None:
        if self.counted < 0:
            self.counted = min(self.valid, self.required)
        if self.missed < 0:
            self.missed = 0 if self.is_open else self.required - self.counted

    @property
    def status(self) -> str:
        if self.counted >= self.required:
            return "done"
        return "open" if self.is_open else "missed"


@dataclass(slots=True)
class Figure:
    """Compliance summed over rows. rate = counted ÷ required of the ended periods (None: nothing
    required yet), as a percentage with one decimal."""

    required: int = 0
    done: int = 0
    valid: int = 0
    counted: int = 0
    missed: int = 0
    closed_required: int = 0
    closed_counted: int = 0
    periods_missed: int = 0
    rows: int = 0

    def add(self, row: ComplianceRow) -> None:
        self.rows += 1
        self.required += row.required
        self.done += row.done
        self.valid += row.valid
        counted = row.counted
        self.counted += counted
        if not row.is_open:
            self.closed_required += row.required
            self.closed_counted += counted
            if row.missed:
                self.missed += row.missed
                self.periods_missed += 1

    @property
    def invalid(self) -> int:
        return self.done - self.valid

    @property
    def rate(self) -> Decimal | None:
        if not self.closed_required:
            return None
        return (Decimal(self.closed_counted) * 100 / self.closed_required).quantize(Decimal("0.1"),
                                                                                   rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- obligations

def plan_obligations(plans: Iterable[DutyPlan], *, person_id: int | None = None,
                     organisation_ids: Iterable[int] | None = None) -> dict[int, list[Obligation]]:
    """Who each plan obliges, for which subjects: a named person or a contractor for all the plan's
    subjects; a role's holders (at the plan's level, under its unit) each for the subjects in their
    own unit (a subject a register does not place in a unit goes to every holder). With `person_id`
    / `organisation_ids`, only those assignees' obligations. Three queries whatever the plans."""
    plans = list(plans)
    subjects = subjects_of_target_sets(plans)
    role_plans = [plan for plan in plans if not plan.assignee_person_id and not plan.assignee_organisation_id]
    holders: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    if role_plans:
        duties = Duty.objects.filter(role__in={plan.assignee_role for plan in role_plans}, unit__isnull=False,
                                     user__is_active=True)
        if person_id is not None:
            duties = duties.filter(user_id=person_id)
        for user_id, role, unit_id, path, level in duties.values_list(
                "user_id", "role", "unit_id", "unit__path", "unit__level").order_by("user_id", "unit__path"):
            holders[role].append((user_id, unit_id, path, level))
    wanted_organisations = set(organisation_ids) if organisation_ids is not None else None
    scope_paths = dict(
        (plan.pk, plan.assignee_unit.path) for plan in role_plans if plan.assignee_unit_id)

    result: dict[int, list[Obligation]] = {}
    for plan in plans:
        plan_subjects = subjects.get(plan.pk, [])
        obligations: list[Obligation] = []
        if plan.assignee_person_id or plan.assignee_organisation_id:
            if _asked_for(plan, person_id, wanted_organisations):
                who = (plan.assignee_person_id, None) if plan.assignee_person_id \
                    else (None, plan.assignee_organisation_id)
                obligations += _for_subjects(plan, who, plan_subjects, unit_id=None, unit_path=None)
        else:
            scope = scope_paths.get(plan.pk)
            placed = _Placed(plan_subjects)
            for user_id, unit_id, path, level in holders.get(plan.assignee_role, []):
                if plan.assignee_level and level != plan.assignee_level:
                    continue
                if scope and not path.startswith(scope):
                    continue
                mine = placed.within(path)
                obligations += _for_subjects(plan, (user_id, None), mine, unit_id=unit_id, unit_path=path)
        result[plan.pk] = obligations
    return result


class _Placed:
    """A plan's subjects sorted by their unit's path, so that those in a unit are one bisection
    (a subject no unit holds goes to everyone)."""

    def __init__(self, subjects: list[Subject]):
        self.everywhere = [subject for subject in subjects if subject.unit_path is None]
        placed = sorted((subject for subject in subjects if subject.unit_path is not None),
                        key=lambda subject: (subject.unit_path, subject.id))
        self.paths = [subject.unit_path for subject in placed]
        self.subjects = placed

    def within(self, path: str) -> list[Subject]:
        # every path starting with `path` sorts between `path` and `path` + the highest character
        low, high = bisect_left(self.paths, path), bisect_left(self.paths, path + "\U0010ffff")
        found = self.subjects[low:high]
        return sorted(self.everywhere + found, key=lambda subject: subject.id) if self.everywhere else found


def _asked_for(plan: DutyPlan, person_id: int | None, organisations: set[int] | None) -> bool:
    """Whether a plan naming a person or a contractor is among the assignees asked for (all when
    neither a person nor organisations are asked)."""
    if person_id is None and organisations is None:
        return True
    if plan.assignee_person_id:
        return plan.assignee_person_id == person_id
    return organisations is not None and plan.assignee_organisation_id in organisations


def _for_subjects(plan: DutyPlan, who: tuple[int | None, int | None], subjects: list[Subject], *,
                  unit_id: int | None, unit_path: str | None) -> list[Obligation]:
    person_id, organisation_id = who
    if not subjects:
        return []
    if not plan.per_subject:
        label = subjects[0].label if len(subjects) == 1 else f"{subjects[0].label} 等 {len(subjects)} 处"
        return [Obligation(plan.pk, person_id, organisation_id, None, label, unit_id, unit_path)]
    return [Obligation(plan.pk, person_id, organisation_id, subject.id, subject.label,
                       subject.unit_id or unit_id, subject.unit_path or unit_path) for subject in subjects]


# ---------------------------------------------------------------- compliance

def _works_by_obligation(plans: list[DutyPlan], first: date, end: date) -> dict[tuple, list[tuple[date, int, int]]]:
    """Works of the plans grouped by (plan, assignee, subject) → sorted [(day, done, valid)], one
    grouped query per frequency unit among the plans (each reads the days its periods span)."""
    by_unit: dict[str, list[DutyPlan]] = defaultdict(list)
    for plan in plans:
        by_unit[plan.frequency_unit].append(plan)
    per_subject = {plan.pk: plan.per_subject for plan in plans}
    grouped: dict[tuple, list[tuple[date, int, int]]] = defaultdict(list)
    for unit, unit_plans in by_unit.items():
        span_start = frequency.period_of(unit, first).start
        span_end = frequency.period_of(unit, end - timedelta(days=1)).end
        works = DutyWork.objects.filter(on_date__gte=span_start, on_date__lt=span_end, plan__isnull=False)
        if len(unit_plans) <= PLAN_FILTER_LIMIT:
            works = works.filter(plan_id__in=[plan.pk for plan in unit_plans])
        else:
            works = works.filter(plan__frequency_unit=unit)
        rows = (works.values("plan_id", "person_id", "organisation_id", "subject_id", "on_date")
                .annotate(done=Count("id"), valid=Count("id", filter=Q(is_valid=True)))
                .values_list("plan_id", "person_id", "organisation_id", "subject_id", "on_date", "done", "valid"))
        for plan_id, person_id, organisation_id, subject_id, on_date, done, valid in rows:
            separately = per_subject.get(plan_id)
            if separately is None:
                continue
            subject = subject_id if separately else None
            entry = (on_date, done, valid)
            if person_id is not None:
                grouped[(plan_id, (PERSON, person_id), subject)].append(entry)
            if organisation_id is not None:
                grouped[(plan_id, (ORGANISATION, organisation_id), subject)].append(entry)
    for entries in grouped.values():
        entries.sort()
    return grouped


def compliance_rows(*, plans: Iterable[DutyPlan], first: date, end: date, today: date,
                    obligations: dict[int, list[Obligation]] | None = None) -> list[ComplianceRow]:
    """Every (obligation, period) of the plans over the periods touching [first, end)."""
    plans = [plan for plan in plans]
    if not plans or end <= first:
        return []
    if obligations is None:
        obligations = plan_obligations(plans)
    calendar = working_calendar()
    works = _works_by_obligation(plans, first, end)
    rows: list[ComplianceRow] = []
    periods_of: dict[frequency.Schedule, list[frequency.Period]] = {}  # plans share schedules
    for plan in plans:
        schedule = plan.schedule
        periods = periods_of.get(schedule)
        if periods is None:
            periods = periods_of[schedule] = schedule.required_periods(first, end, calendar)
        if not periods:
            continue
        for obligation in obligations.get(plan.pk, []):
            found = works.get((plan.pk, obligation.assignee, obligation.subject_id), [])
            days = [day for day, _done, _valid in found]
            required = plan.times_per_period
            for period in periods:
                is_open = period.end > today
                low = bisect_left(days, period.start) if days else 0
                high = bisect_left(days, period.end, low) if days else 0
                if low == high:
                    rows.append(ComplianceRow(obligation, period, required, 0, 0, is_open, 0,
                                              0 if is_open else required))
                    continue
                done = valid = 0
                for index in range(low, high):
                    done += found[index][1]
                    valid += found[index][2]
                rows.append(ComplianceRow(obligation, period, required, done, valid, is_open))
    return rows


BY_PLAN, BY_PERSON, BY_ORGANISATION, BY_UNIT, BY_SUBJECT = "plan", "person", "organisation", "unit", "subject"


def compliance_by(rows: Iterable[ComplianceRow], *, by: str, plan_kinds: dict[int, str] | None = None
                  ) -> dict:
    """Figures summed per plan, person, organisation, unit or subject (plan_id, subject_id), or per
    kind of duty when `by` is "kind" (needs `plan_kinds`)."""
    figures: dict = defaultdict(Figure)
    for row in rows:
        obligation = row.obligation
        if by == BY_PLAN:
            key = obligation.plan_id
        elif by == BY_PERSON:
            key = obligation.person_id
        elif by == BY_ORGANISATION:
            key = obligation.organisation_id
        elif by == BY_UNIT:
            key = obligation.unit_id
        elif by == BY_SUBJECT:
            key = (obligation.plan_id, obligation.subject_id)
        elif by == "kind":
            key = plan_kinds[obligation.plan_id]
        else:
            raise ValueError(by)
        if key is None:
            continue
        figures[key].add(row)
    return dict(figures)


def figure_of(rows: Iterable[ComplianceRow]) -> Figure:
    figure = Figure()
    for row in rows:
        figure.add(row)
    return figure


# ---------------------------------------------------------------- a person's duties

def person_organisation_ids(person) -> set[int]:
    return set(Duty.objects.filter(user=person, organisation__isnull=False).values_list("organisation_id", flat=True))


def plans_of_person(person) -> list[DutyPlan]:
    """The active plans that oblige the person: by name, through a role they hold, or through the
    contractor they work for."""
    roles = set(Duty.objects.filter(user=person).values_list("role", flat=True))
    organisations = person_organisation_ids(person)
    return list(DutyPlan.objects.filter(is_active=True).filter(
        Q(assignee_person=person) | Q(assignee_organisation_id__in=organisations)
        | (Q(assignee_person__isnull=True, assignee_organisation__isnull=True, assignee_role__in=roles)))
        .select_related("assignee_unit").order_by("kind", "name", "pk"))


@dataclass(frozen=True)
class DueDuty:
    plan: DutyPlan
    row: ComplianceRow
    ends_this_week: bool
    due_today: bool

    @property
    def remaining(self) -> int:
        return max(self.row.required - self.row.counted, 0)


@dataclass
class DutiesDue:
    today: list[DueDuty] = field(default_factory=list)
    this_week: list[DueDuty] = field(default_factory=list)
    later: list[DueDuty] = field(default_factory=list)
    done: list[DueDuty] = field(default_factory=list)


def duties_due(*, person, on: date) -> DutiesDue:
    """What the person (or the contractor they work for) must do in the periods holding `on`:
    `today` — still to do in a period ending today (a daily duty), `this_week` — still to do in a
    period ending by Sunday, `later` — still to do in a longer period, `done` — fulfilled."""
    plans = plans_of_person(person)
    organisations = person_organisation_ids(person)
    obligations = plan_obligations(plans, person_id=person.pk, organisation_ids=organisations)
    rows = compliance_rows(plans=plans, first=on, end=on + timedelta(days=1), today=on, obligations=obligations)
    plans_by_id = {plan.pk: plan for plan in plans}
    week_end = frequency.period_of(frequency.WEEK, on).end
    due = DutiesDue()
    for row in rows:
        ends_this_week = row.period.end <= week_end
        item = DueDuty(plan=plans_by_id[row.obligation.plan_id], row=row, ends_this_week=ends_this_week,
                       due_today=row.period.last_day == on)
        if row.counted >= row.required:
            due.done.append(item)
        elif item.due_today:
            due.today.append(item)
        elif ends_this_week:
            due.this_week.append(item)
        else:
            due.later.append(item)
    return due
