"""Reads of the territory: the tree, and who is responsible where."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Duty, Role, Unit, UnitLevel


@dataclass
class UnitNode:
    unit: Unit
    children: list["UnitNode"] = field(default_factory=list)


def units_tree(*, include_inactive: bool = False) -> list[UnitNode]:
    """The whole tree in one query: the roots, each with its children ordered by code."""
    units = Unit.objects.order_by("path")
    if not include_inactive:
        units = units.filter(is_active=True)
    nodes: dict[int, UnitNode] = {}
    roots: list[UnitNode] = []
    for unit in units:  # ordered by path, so a parent always comes before its children
        node = nodes[unit.pk] = UnitNode(unit=unit)
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def duties_of(*, user) -> QuerySet[Duty]:
    return Duty.objects.filter(user=user).select_related("unit", "organisation").order_by("role", "pk")


def people_in_scope(*, unit: Unit, role: str) -> QuerySet:
    """Active people holding `role` for this unit or any unit under it, e.g. the grid workers of a
    grid, or all grid workers of a community."""
    return (get_user_model().objects
            .filter(is_active=True, duties__role=role, duties__unit__path__startswith=unit.path)
            .distinct().order_by("username"))


def people_covering(*, unit: Unit, role: str) -> QuerySet:
    """Active people holding `role` for this unit or one of its ancestors, e.g. the dispatchers
    whose scope includes a grid."""
    return (get_user_model().objects
            .filter(is_active=True, duties__role=role, duties__unit__code__in=unit.ancestor_codes())
            .distinct().order_by("username"))


def first_responsible_of(*, unit: Unit):
    """The 社区第一责任人 answerable for `unit`: the holder of the role on the nearest unit at or
    above it (normally its community); None if nobody holds it."""
    codes = unit.ancestor_codes()
    duties = (Duty.objects.filter(role=Role.FIRST_RESPONSIBLE, unit__code__in=codes, user__is_active=True)
              .select_related("user", "unit"))
    nearest = max(duties, key=lambda duty: (len(duty.unit.path), -duty.pk), default=None)
    return nearest.user if nearest else None


def way_down(*, unit: Unit, tops: list[Unit]) -> list[Unit] | None:
    """The units from the top that holds `unit` down to it (a drill-down's trail); None when no
    top holds it."""
    top = next((top for top in tops if unit.path.startswith(top.path)), None)
    if top is None:
        return None
    codes = unit.path[len(top.path):].strip("/").split("/") if unit != top else []
    below = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [top, *(below[code] for code in codes if code in below)]


def community_of(*, unit: Unit) -> Unit | None:
    """The nearest unit of level community at or above `unit`."""
    communities = Unit.objects.filter(code__in=unit.ancestor_codes(), level=UnitLevel.COMMUNITY)
    return max(communities, key=lambda community: len(community.path), default=None)


def field_workers_covering(*, unit: Unit) -> list:
    """Grid workers and inspectors whose scope holds `unit`: the people 核实 and 核查 may go to."""
    people = {user.pk: user for role in (Role.INSPECTOR, Role.GRID_WORKER)
              for user in people_covering(unit=unit, role=role)}
    return sorted(people.values(), key=lambda user: (user.display_name, user.pk))


def territorial_owner_choices(*, grid: Unit) -> list[Unit]:
    """The units above a grid that may own a case there (属地): community, area, sub-district."""
    return list(Unit.objects.filter(code__in=grid.ancestor_codes()[:-1],
                                    level__in=[UnitLevel.SUBDISTRICT, UnitLevel.AREA, UnitLevel.COMMUNITY])
                .order_by("-path"))


def grids_geojson(*, at_most: int | None = None) -> dict | None:
    """Every active grid's boundary as one FeatureCollection (the maps draw them); None when there
    are more than `at_most` (a city-sized tree would make the page megabytes long)."""
    grids = Unit.objects.filter(level=UnitLevel.GRID, is_active=True, boundary__isnull=False)
    if at_most is not None and grids.count() > at_most:
        return None
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": code, "name": name}}
        for code, name, boundary in Unit.objects.filter(level=UnitLevel.GRID, is_active=True,
                                                        boundary__isnull=False)
        .values_list("code", "name", "boundary")
        if boundary
    ]
    return {"type": "FeatureCollection", "features": features}
