"""Reads composed for the pages (paging, the organisation page); the rules and counts they show
come from the domain apps' selectors."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from jiedao.cases.models import Case, CaseState
from jiedao.cases.selectors import (
    case_deadline_light,
    cases_visible_to,
    open_cases_by_department,
    open_cases_by_unit_path,
)
from jiedao.territory.models import Duty, Organisation, Unit
from jiedao.territory.selectors import units_tree
from jiedao.worktime.deadlines import DeadlineLight


@dataclass
class CasePage:
    cases: list[Case]
    number: int
    has_previous: bool
    has_next: bool


def cases_page(*, cases: QuerySet[Case], number: int, per_page: int, light: str, now: datetime,
               warning_ratio: float) -> CasePage:
    """One page of a case list without counting the whole list: one row more than a page tells
    whether there is a next page. The yellow/green/paused lights are derived, not stored, so those
    filters are applied while reading (they only ever concern the few clocked cases)."""
    number = max(number, 1)
    start = (number - 1) * per_page
    if light == DeadlineLight.PAUSED:
        cases = cases.filter(state=CaseState.SUSPENDED)
    elif light in {DeadlineLight.GREEN, DeadlineLight.YELLOW}:
        cases = cases.filter(state=CaseState.HANDLING, deadline_at__gte=now)
    if light in {DeadlineLight.GREEN, DeadlineLight.YELLOW}:
        matching = [case for case in cases.iterator(chunk_size=200)
                    if case_deadline_light(case=case, now=now, warning_ratio=warning_ratio) == light]
        rows = matching[start:start + per_page + 1]
    else:
        rows = list(cases[start:start + per_page + 1])
    return CasePage(cases=rows[:per_page], number=number, has_previous=number > 1,
                    has_next=len(rows) > per_page)


def case_for_page_or_none(*, user, number: str) -> Case | None:
    return (cases_visible_to(user=user).filter(number=number)
            .select_related("item", "rule", "grid", "department", "territorial_owner", "reporter", "assignee",
                            "fixed_by")
            .first())


@dataclass
class OrgNode:
    unit: Unit
    open_cases: int
    people: list[tuple[object, str]]
    children: list["OrgNode"] = field(default_factory=list)


def org_tree() -> list[OrgNode]:
    """The territorial tree with the open cases under each unit and the people of each unit."""
    open_by_path = open_cases_by_unit_path()
    people: dict[int, list[tuple[object, str]]] = defaultdict(list)
    for duty in (Duty.objects.filter(unit__isnull=False, user__is_active=True).select_related("user")
                 .order_by("role", "user__username")):
        people[duty.unit_id].append((duty.user, duty.get_role_display()))

    def build(node) -> OrgNode:
        return OrgNode(unit=node.unit, open_cases=open_by_path.get(node.unit.path, 0),
                       people=people.get(node.unit.pk, []), children=[build(child) for child in node.children])

    return [build(root) for root in units_tree()]


@dataclass
class DepartmentRow:
    organisation: Organisation
    open_cases: int
    people: list[tuple[object, str]]


def departments_overview() -> list[DepartmentRow]:
    open_by_department = open_cases_by_department()
    people: dict[int, list[tuple[object, str]]] = defaultdict(list)
    for duty in (Duty.objects.filter(organisation__isnull=False, user__is_active=True).select_related("user")
                 .order_by("role", "user__username")):
        people[duty.organisation_id].append((duty.user, duty.get_role_display()))
    return [DepartmentRow(organisation=organisation, open_cases=open_by_department.get(organisation.pk, 0),
                          people=people.get(organisation.pk, []))
            for organisation in Organisation.objects.filter(is_active=True).order_by("kind", "code")]


