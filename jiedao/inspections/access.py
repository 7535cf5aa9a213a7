"""Who inspects which unit and who reads which inspection, checked on every object.

Issue 9 point 5: inspectors (监督员), leaders, area leaders and 督查员 inspect the units in their
scope; every unit reads its own scores (a community secretary their community's inspections),
leaders their areas; departments, the command centre's desks and grid workers read none.
An unannounced inspection (暗访) in progress is seen by its inspector alone: the inspected unit
learns of it when it is submitted. Plans of 暗访 are read only by those who inspect."""

from django.db.models import Q

from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import Role, Unit

from .models import Inspection, InspectionKind, InspectionState

INSPECTING_ROLES = frozenset({Role.INSPECTOR, Role.LEADER, Role.AREA_LEADER, Role.SUPERVISOR})
READING_ROLES = INSPECTING_ROLES | {Role.FIRST_RESPONSIBLE, Role.SYSTEM_ADMIN}


def _paths(user, roles: frozenset[str]) -> list[str]:
    return [duty.unit.path for duty in user_duties(user) if duty.role in roles and duty.unit is not None]


def may_inspect(*, user) -> bool:
    """Anyone who may score some unit (the phone page and the field app's inspection tab)."""
    return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & INSPECTING_ROLES))


def may_inspect_unit(*, user, unit: Unit) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(unit.path.startswith(path) for path in _paths(user, INSPECTING_ROLES))


def units_to_inspect(*, user, levels: tuple[str, ...]):
    """The units of these levels this user may inspect, in tree order."""
    units = Unit.objects.filter(level__in=levels, is_active=True)
    if not user.is_superuser:
        paths = _paths(user, INSPECTING_ROLES)
        if not paths:
            return units.none()
        condition = Q()
        for path in paths:
            condition |= Q(path__startswith=path)
        units = units.filter(condition)
    return units.order_by("path")


def may_read_inspections(*, user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & READING_ROLES))


def inspections_visible_filter(user) -> Q | None:
    """A filter of the inspections this user may open; None: none at all."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    paths = _paths(user, READING_ROLES)
    if not paths:
        return Q(inspector=user) if may_inspect(user=user) else None
    under = Q()
    for path in paths:
        under |= Q(unit_path__startswith=path)
    hidden_draft = Q(kind=InspectionKind.UNANNOUNCED, state=InspectionState.DRAFT)
    return Q(inspector=user) | (under & ~hidden_draft)


def may_view_inspection(*, user, inspection: Inspection) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser or inspection.inspector_id == user.pk:
        return True
    if inspection.kind == InspectionKind.UNANNOUNCED and inspection.state == InspectionState.DRAFT:
        return False
    return any(inspection.unit_path.startswith(path) for path in _paths(user, READING_ROLES))


def may_reinspect(*, user, inspection: Inspection) -> bool:
    """复查: whoever may inspect the unit (not necessarily the first inspector)."""
    return may_inspect_unit(user=user, unit=inspection.unit)


def may_read_plans(*, user) -> bool:
    """Plans say where unannounced visits will go: read by those who inspect, and administrators."""
    return bool(user and user.is_authenticated
                and (user.is_superuser or user_roles(user) & (INSPECTING_ROLES | {Role.SYSTEM_ADMIN})))


def plans_visible_filter(user) -> Q | None:
    if not may_read_plans(user=user):
        return None
    if user.is_superuser:
        return Q()
    paths = _paths(user, INSPECTING_ROLES | {Role.SYSTEM_ADMIN})
    condition = Q(inspector=user)
    for path in paths:
        condition |= Q(targets__unit__path__startswith=path)
    return condition
