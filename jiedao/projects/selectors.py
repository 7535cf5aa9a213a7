"""Reads: the projects a person may see with their 投入 and standing, a project's milestones with
days late, the figures of the leaders' page, the bulletin's projects section and the milestones'
on-time rate per unit (the `projects:milestones_on_time` measure reads it)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from jiedao.territory.models import Unit

from .access import projects_visible_filter
from .models import Milestone, Project, ProjectStage, Spending
from .schedule import (
    DONE,
    LATE,
    STANDINGS,
    MilestoneDates,
    budget_execution_rate,
    milestone_days_late,
    milestone_overdue,
    milestones_on_time_rate,
    percent,
    project_standing,
)

PAGE_ROWS = 200  # a list page never reads more projects than this
MONEY = DecimalField(max_digits=16, decimal_places=2)


def projects_visible(*, user) -> QuerySet[Project]:
    """The projects `user` may read, each with `spent` (its 投入)."""
    clause = projects_visible_filter(user)
    if clause is None:
        return Project.objects.none()
    return projects_with_spending(Project.objects.filter(clause))


def projects_with_spending(projects: QuerySet[Project]) -> QuerySet[Project]:
    spent = (Spending.objects.filter(project=OuterRef("pk")).order_by().values("project")
             .annotate(total=Sum("amount")).values("total"))
    return (projects.select_related("kind", "department", "community")
            .annotate(spent=Coalesce(Subquery(spent, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)))


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    overdue: bool
    days_late: int


@dataclass
class ProjectRow:
    project: Project
    standing: str
    execution_rate: Decimal | None
    milestones: list[MilestoneRow] = field(default_factory=list)

    @property
    def overdue_milestones(self) -> list[MilestoneRow]:
        return [row for row in self.milestones if row.overdue]


def project_rows(*, projects, today: date) -> list[ProjectRow]:
    """Each project (from `projects_visible`) with its standing, execution rate and milestones."""
    projects = list(projects)
    by_project: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(project__in=[p.pk for p in projects]).order_by("planned_on", "pk"):
        by_project[milestone.project_id].append(milestone)
    rows = []
    for project in projects:
        milestones = by_project[project.pk]
        rows.append(ProjectRow(
            project=project,
            standing=project_standing(is_done=project.stage == ProjectStage.DONE,
                                      milestones=[MilestoneDates(m.planned_on, m.actual_on) for m in milestones],
                                      end_on=project.end_on, today=today),
            execution_rate=budget_execution_rate(budget=project.budget, spent=project.spent),
            milestones=[MilestoneRow(milestone=m, overdue=milestone_overdue(planned_on=m.planned_on,
                                                                            actual_on=m.actual_on, today=today),
                                     days_late=milestone_days_late(planned_on=m.planned_on, actual_on=m.actual_on,
                                                                   today=today))
                        for m in milestones]))
    return rows


@dataclass(frozen=True)
class Overview:
    by_stage: list[tuple[str, str, int]]  # (code, label, count)
    on_time_milestones: int
    late_milestones: int  # overdue now, or done after the planned date
    budget: Decimal
    spent: Decimal
    execution_rate: Decimal | None
    standing_counts: dict[str, int]


def overview(*, rows: list[ProjectRow]) -> Overview:
    stages = defaultdict(int)
    on_time = late = 0
    for row in rows:
        stages[row.project.stage] += 1
        for milestone in row.milestones:
            if milestone.overdue or milestone.days_late > 0:
                late += 1
            elif milestone.milestone.actual_on is not None:
                on_time += 1
    budget = sum((row.project.budget for row in rows), Decimal(0))
    spent = sum((row.project.spent for row in rows), Decimal(0))
    standings = dict.fromkeys(STANDINGS, 0)
    for row in rows:
        standings[row.standing] += 1
    return Overview(by_stage=[(code, label, stages[code]) for code, label in ProjectStage.choices],
                    on_time_milestones=on_time, late_milestones=late, budget=budget, spent=spent,
                    execution_rate=budget_execution_rate(budget=budget, spent=spent),
                    standing_counts=dict(standings))


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    projects: int
    late: int
    done: int
    budget: Decimal
    spent: Decimal
    execution_rate: Decimal | None


def overview_by_unit(*, rows: list[ProjectRow], units: list[Unit]) -> list[UnitLine]:
    lines = []
    for unit in units:
        mine = [row for row in rows if row.project.territory_path.startswith(unit.path)]
        budget = sum((row.project.budget for row in mine), Decimal(0))
        spent = sum((row.project.spent for row in mine), Decimal(0))
        lines.append(UnitLine(unit=unit, projects=len(mine), late=sum(1 for r in mine if r.standing == LATE),
                              done=sum(1 for r in mine if r.standing == DONE), budget=budget, spent=spent,
                              execution_rate=budget_execution_rate(budget=budget, spent=spent)))
    return lines


def milestones_on_time_by_unit(*, units: list[Unit], start: date, end: date, today: date) -> dict[int, tuple[int, int]]:
    """(on time, due) of the milestones due in [start, end) of the projects in each unit."""
    found = {}
    for unit in units:
        milestones = [MilestoneDates(planned, actual) for planned, actual in
                      Milestone.objects.filter(project__territory_path__startswith=unit.path, planned_on__gte=start,
                                               planned_on__lt=end).values_list("planned_on", "actual_on")]
        found[unit.pk] = milestones_on_time_rate(milestones=milestones, start=start, end=end, today=today)
    return found


@dataclass(frozen=True)
class BulletinLateMilestone:
    project: str
    milestone: str
    department: str
    planned_on: date
    actual_on: date | None
    days_late: int


@dataclass(frozen=True)
class BulletinProjects:
    """The bulletin's section: projects with a milestone due in the period, on time or late, and
    each late milestone named with its days late (as of the period's end or its completion)."""

    on_time: int
    late: int
    rate: Decimal | None
    late_milestones: list[BulletinLateMilestone]


def bulletin_projects(*, unit_path: str, start: date, end: date, today: date) -> BulletinProjects:
    """Read sub-district-wide like the bulletin's other figures (names of projects and departments,
    no case)."""
    as_of = min(end, today)
    due = (Milestone.objects.filter(project__territory_path__startswith=unit_path, planned_on__gte=start,
                                    planned_on__lt=as_of)
           .select_related("project__department").order_by("planned_on", "pk"))
    late_projects, due_projects, late_rows = set(), set(), []
    for milestone in due:
        due_projects.add(milestone.project_id)
        done_by = milestone.actual_on if milestone.actual_on is not None and milestone.actual_on < as_of else None
        days = milestone_days_late(planned_on=milestone.planned_on, actual_on=done_by, today=as_of)
        if days > 0:
            late_projects.add(milestone.project_id)
            late_rows.append(BulletinLateMilestone(project=milestone.project.name, milestone=milestone.name,
                                                   department=milestone.project.department.name,
                                                   planned_on=milestone.planned_on, actual_on=done_by,
                                                   days_late=days))
    late_rows.sort(key=lambda row: (-row.days_late, row.project))
    on_time = len(due_projects - late_projects)
    return BulletinProjects(on_time=on_time, late=len(late_projects), rate=percent(on_time, len(due_projects)),
                            late_milestones=late_rows)
