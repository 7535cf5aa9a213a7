"""Reads the pages need that the domain apps do not offer yet. Each is a candidate to move into
its domain app (noted per function); none of them decides a rule of the loop."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, QuerySet

from jiedao.cases.access import user_duties, user_roles
from jiedao.cases.models import OPEN_STATES, Case, CaseState
from jiedao.cases.selectors import case_deadline_light, cases_visible_to
from jiedao.cases.workflow import REPORTING_ROLES
from jiedao.territory.models import Duty, Organisation, Role, Unit, UnitLevel
from jiedao.territory.selectors import people_covering, units_tree
from jiedao.worktime.deadlines import DeadlineLight

# Roles that see a reporter's phone number: the command centre and the office's leaders.
# (cases.access could own this as `can_see_reporter_contact`.)
CONTACT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER})
# Who may read the organisation page, and who may import into it.
ORG_TREE_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})
ORG_IMPORT_ROLES = frozenset({Role.SYSTEM_ADMIN})


def user_may_see_reporter_contact(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & CONTACT_ROLES)


def user_may_report(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & REPORTING_ROLES)


def user_may_view_org_tree(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & ORG_TREE_ROLES)


def user_may_import_org(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & ORG_IMPORT_ROLES)


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


def field_workers_for_case(*, case: Case) -> list:
    """Grid workers and inspectors whose scope includes the case's grid, as the services accept
    them for 核实 and 核查. (territory.selectors: `field_workers_covering(*, unit)`.)"""
    people = {user.pk: user for role in (Role.INSPECTOR, Role.GRID_WORKER)
              for user in people_covering(unit=case.grid, role=role)}
    return sorted(people.values(), key=lambda user: (user.display_name, user.pk))


def territorial_owner_choices(*, case: Case) -> list[Unit]:
    """The units above the grid that may own a case (属地): community, area, sub-district."""
    codes = case.grid.ancestor_codes()[:-1]
    return list(Unit.objects.filter(code__in=codes, level__in=[UnitLevel.SUBDISTRICT, UnitLevel.AREA,
                                                                UnitLevel.COMMUNITY]).order_by("-path"))


def grids_geojson() -> dict:
    """Every active grid's boundary as one FeatureCollection, for the report map."""
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": code, "name": name}}
        for code, name, boundary in Unit.objects.filter(level=UnitLevel.GRID, is_active=True,
                                                        boundary__isnull=False)
        .values_list("code", "name", "boundary")
        if boundary
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass
class OrgNode:
    unit: Unit
    open_cases: int
    people: list[tuple[object, str]]
    children: list["OrgNode"] = field(default_factory=list)


def org_tree() -> list[OrgNode]:
    """The territorial tree with the open cases under each unit and the people of each unit.
    (territory.selectors + cases.selectors: `open_cases_by_unit()`.)"""
    open_by_path: dict[str, int] = defaultdict(int)
    for path, count in (Case.objects.filter(state__in=OPEN_STATES).order_by()
                        .values_list("territory_path").annotate(n=Count("id"))):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            open_by_path["/" + "/".join(parts[:depth]) + "/"] += count
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
    open_by_department = dict(Case.objects.filter(state__in=OPEN_STATES, department__isnull=False).order_by()
                              .values_list("department_id").annotate(n=Count("id")))
    people: dict[int, list[tuple[object, str]]] = defaultdict(list)
    for duty in (Duty.objects.filter(organisation__isnull=False, user__is_active=True).select_related("user")
                 .order_by("role", "user__username")):
        people[duty.organisation_id].append((duty.user, duty.get_role_display()))
    return [DepartmentRow(organisation=organisation, open_cases=open_by_department.get(organisation.pk, 0),
                          people=people.get(organisation.pk, []))
            for organisation in Organisation.objects.filter(is_active=True).order_by("kind", "code")]


def role_labels(*, user) -> list[str]:
    labels = []
    for duty in user_duties(user):
        label = str(Role(duty.role).label)
        if label not in labels:
            labels.append(label)
    return labels
