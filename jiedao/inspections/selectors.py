"""Reads of inspections: what a person may open, the sheet of one inspection with its evidence and
cases, the scores per unit and period (a few aggregate queries whatever the number of units),
and what the plans made due and what was not done (未按计划检查)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum

from jiedao.cases.models import Case
from jiedao.cases.selectors import CasesInReach, cases_in_reach
from jiedao.checklists.models import Checklist, ChecklistItem, ChecklistSection
from jiedao.checklists.scoring import ItemResult as ScoringInput
from jiedao.checklists.scoring import SheetScore, sheet_score
from jiedao.checklists.selectors import sheet_of
from jiedao.territory.models import Unit

from .access import inspections_visible_filter, plans_visible_filter
from .models import (
    Inspection,
    InspectionPlan,
    InspectionPlanTarget,
    InspectionResult,
    InspectionState,
    Reinspection,
    ReinspectionItem,
)
from .scores import periods_between

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# ---------------------------------------------------------------- what a person may open

def inspections_visible_to(*, user) -> QuerySet[Inspection]:
    condition = inspections_visible_filter(user)
    inspections = Inspection.objects.select_related("unit", "checklist", "version", "inspector", "plan")
    return inspections.filter(condition) if condition is not None else inspections.none()


def inspections_listed(*, user, unit: Unit | None = None, checklist: Checklist | None = None,
                       start: datetime | None = None, end: datetime | None = None, kind: str = "",
                       state: str = "") -> QuerySet[Inspection]:
    """The list page's rows: visible to the reader, under a unit, of a checklist, started in
    [start, end), of a kind, newest first."""
    inspections = inspections_visible_to(user=user)
    if unit is not None:
        inspections = inspections.filter(unit_path__startswith=unit.path)
    if checklist is not None:
        inspections = inspections.filter(checklist=checklist)
    if start is not None:
        inspections = inspections.filter(started_at__gte=start)
    if end is not None:
        inspections = inspections.filter(started_at__lt=end)
    if kind:
        inspections = inspections.filter(kind=kind)
    if state:
        inspections = inspections.filter(state=state)
    return inspections.order_by("-started_at", "-pk")


def plans_visible_to(*, user) -> QuerySet[InspectionPlan]:
    condition = plans_visible_filter(user)
    plans = InspectionPlan.objects.select_related("checklist", "inspector", "inspector_unit")
    return plans.filter(condition).distinct() if condition is not None else plans.none()


# ---------------------------------------------------------------- one inspection

@dataclass(frozen=True)
class SheetRow:
    item: ChecklistItem
    result: InspectionResult | None
    score: Decimal
    lost: Decimal
    added: Decimal
    vetoed: bool
    outcomes: list[ReinspectionItem]

    @property
    def failed(self) -> bool:
        return bool(self.result and self.result.failed)


@dataclass(frozen=True)
class SheetSection:
    section: ChecklistSection
    score: Decimal
    vetoed: bool
    rows: list[SheetRow]


@dataclass(frozen=True)
class InspectionSheet:
    score: SheetScore
    sections: list[SheetSection]

    @property
    def failed_rows(self) -> list[SheetRow]:
        return [row for section in self.sections for row in section.rows if row.failed]


def inspection_sheet(inspection: Inspection) -> InspectionSheet:
    """Every item of the inspection's version with its result (photos prefetched), the item's and
    the section's score, and the re-inspection outcomes recorded on it."""
    results = {result.item_id: result for result in InspectionResult.objects.filter(inspection=inspection)
               .select_related("case", "case__item").prefetch_related("photos")}
    outcomes: dict[int, list[ReinspectionItem]] = defaultdict(list)
    for row in (ReinspectionItem.objects.filter(reinspection__inspection=inspection)
                .select_related("reinspection", "reinspection__inspector", "case")
                .order_by("reinspection__reinspected_at", "pk")):
        outcomes[row.result_id].append(row)
    score = sheet_score(sheet_of(inspection.version), {
        item_id: ScoringInput(occurrences=result.occurrences, vetoed=result.vetoed)
        for item_id, result in results.items()})
    sections = []
    items = Prefetch("items", queryset=ChecklistItem.objects.select_related("category").order_by("position"))
    for section in inspection.version.sections.order_by("position").prefetch_related(items):
        rows = []
        for item in section.items.all():
            result = results.get(item.pk)
            scored = score.items[item.pk]
            rows.append(SheetRow(item=item, result=result, score=scored.score, lost=scored.lost, added=scored.added,
                                 vetoed=scored.vetoed, outcomes=outcomes.get(result.pk, []) if result else []))
        section_score = score.sections[section.pk]
        sections.append(SheetSection(section=section, score=section_score.score, vetoed=section_score.vetoed,
                                     rows=rows))
    return InspectionSheet(score=score, sections=sections)


def inspection_cases(*, inspection: Inspection, user) -> CasesInReach:
    """The cases the inspection's deductions became (and those its re-inspections reported again),
    cut to what the reader may open; the others are only counted."""
    case_ids = Q(pk__in=InspectionResult.objects.filter(inspection=inspection, case__isnull=False).values("case_id"))
    case_ids |= Q(pk__in=ReinspectionItem.objects.filter(reinspection__inspection=inspection, case__isnull=False)
                  .values("case_id"))
    cases = Case.objects.filter(case_ids).select_related("item", "department").order_by("reported_at", "pk")
    return cases_in_reach(user=user, cases=cases)


def reinspections_of(inspection: Inspection) -> list[Reinspection]:
    return list(inspection.reinspections.select_related("inspector").prefetch_related("items", "items__result__item")
                .order_by("reinspected_at", "pk"))


# ---------------------------------------------------------------- scores per unit and period

@dataclass(frozen=True)
class UnitScore:
    average: Decimal | None  # the mean of the submitted inspections' scores; None without any
    count: int
    on_hundred: Decimal | None = None  # the mean of each score as a share of its sheet's maximum, × 100


def unit_scores(*, checklist: Checklist | int, units: Iterable[Unit], start: datetime, end: datetime
                ) -> dict[int, UnitScore]:
    """Each unit's average inspection score on one checklist, over inspections submitted in
    [start, end) of the unit or of any unit under it (after re-inspection deductions).

    One aggregate query grouped by the inspected unit's path, rolled up the tree in memory: the
    work is the number of inspected units times the tree's depth, whatever the number of units
    asked for or of inspections."""
    units = list(units)
    on_hundred = ExpressionWrapper(F("score") * HUNDRED / F("max_score"),
                                   output_field=DecimalField(max_digits=12, decimal_places=4))
    rows = (Inspection.objects.filter(checklist=checklist, state=InspectionState.SUBMITTED,
                                      submitted_at__gte=start, submitted_at__lt=end, max_score__gt=0)
            .values("unit_path").annotate(total=Sum("score"), hundred=Sum(on_hundred), count=Count("pk"))
            .order_by())
    wanted = {unit.path for unit in units}
    sums: dict[str, list] = {}
    for row in rows:
        parts = row["unit_path"].strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:depth]) + "/"
            if prefix in wanted:
                acc = sums.setdefault(prefix, [Decimal(0), Decimal(0), 0])
                acc[0] += Decimal(row["total"] or 0)
                acc[1] += Decimal(row["hundred"] or 0)
                acc[2] += row["count"]
    scores = {}
    for unit in units:
        total, hundred, count = sums.get(unit.path, (Decimal(0), Decimal(0), 0))
        if count:
            scores[unit.pk] = UnitScore(average=_mean(total, count), count=count, on_hundred=_mean(hundred, count))
        else:
            scores[unit.pk] = UnitScore(average=None, count=0)
    return scores


def _mean(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


def unit_scores_on_hundred(*, checklist: Checklist | int, units: Iterable[Unit], start: datetime, end: datetime
                           ) -> dict[int, Decimal | None]:
    """Each unit's average inspection score as a mark out of 100 (a 60-point sheet's 48 is 80), for
    rankings that weigh it with the 综合指标值 (evaluation.selectors.inspection_scores_for)."""
    return {pk: score.on_hundred for pk, score in
            unit_scores(checklist=checklist, units=units, start=start, end=end).items()}


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


# ---------------------------------------------------------------- plans: due and missing

@dataclass
class DueRow:
    plan: InspectionPlan
    target: InspectionPlanTarget
    period_start: date
    period_end: date
    required: int
    done: int
    inspections: list[int] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return self.done >= self.required

    def is_missed(self, today: date) -> bool:
        """未按计划检查: the period is over and fewer inspections were made than the plan asked."""
        return self.period_end < today and not self.is_complete


def plans_due(*, plans: Iterable[InspectionPlan], start: date, end: date) -> list[DueRow]:
    """For each plan, target and period of the plan's frequency overlapping `start`–`end` (within
    the plan's own dates): how many inspections it asked for and how many were submitted. Two queries."""
    plans = list(plans)
    if not plans:
        return []
    targets = defaultdict(list)
    for target in InspectionPlanTarget.objects.filter(plan__in=plans).select_related("unit").order_by("unit__path"):
        targets[target.plan_id].append(target)
    rows: list[DueRow] = []
    first, last = None, None
    for plan in plans:
        plan_start = max(start, plan.starts_on)
        plan_end = min(end, plan.ends_on) if plan.ends_on else end
        if plan_end < plan_start or not plan.is_active:
            continue
        for period_start, period_end in periods_between(plan.frequency, plan_start, plan_end):
            first = period_start if first is None else min(first, period_start)
            last = period_end if last is None else max(last, period_end)
            for target in targets[plan.pk]:
                rows.append(DueRow(plan=plan, target=target, period_start=period_start, period_end=period_end,
                                   required=plan.times_per_period, done=0))
    if not rows:
        return rows
    done = (Inspection.objects.filter(plan__in=plans, state=InspectionState.SUBMITTED,
                                      submitted_at__gte=day_start(first), submitted_at__lt=day_start(last + timedelta(days=1)))
            .values_list("pk", "plan_id", "unit_id", "place", "submitted_at"))
    index = defaultdict(list)
    for row in rows:
        index[(row.plan.pk, row.target.unit_id)].append(row)
    zone = ZoneInfo(settings.TIME_ZONE)
    for pk, plan_id, unit_id, place, submitted_at in done:
        day = submitted_at.astimezone(zone).date()
        for row in index.get((plan_id, unit_id), ()):
            if row.period_start <= day <= row.period_end and (not row.target.place or row.target.place == place):
                row.done += 1
                row.inspections.append(pk)
    return rows
