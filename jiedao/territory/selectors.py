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


def community_of(*, unit: Unit) -> Unit | None:
    """The nearest unit of level community at or above `unit`."""
    communities = Unit.objects.filter(code__in=unit.ancestor_codes(), level=UnitLevel.COMMUNITY)
    return max(communities, key=lambda community: len(community.path), default=None)
