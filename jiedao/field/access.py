"""Who uses the field app, and who may read a patrol."""

from django.db.models import Q

from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import FIELD_ROLES, Role

# Those who look at their field workers' patrols, each over their own part of the tree. Field
# workers are peers, not supervisors: a grid worker never reads another's patrol.
PATROL_SUPERVISOR_ROLES = frozenset({
    Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE, Role.SHIFT_LEAD,
})


def is_field_user(*, user) -> bool:
    """Grid workers and inspectors (the field roles) use the field app."""
    return bool(user and user.is_authenticated and user_roles(user) & FIELD_ROLES)


def is_patrol_supervisor(*, user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & PATROL_SUPERVISOR_ROLES))


def patrols_visible_filter(user) -> Q | None:
    """A filter of the patrols this user may read: their own, and those that crossed a grid under
    a unit where they supervise. None: none at all."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    clauses = Q(user=user)
    for duty in user_duties(user):
        if duty.role in PATROL_SUPERVISOR_ROLES and duty.unit is not None:
            clauses |= Q(grids__path__startswith=duty.unit.path)
    return clauses


def may_view_patrol(*, user, patrol) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser or patrol.user_id == user.pk:
        return True
    paths = [duty.unit.path for duty in user_duties(user)
             if duty.role in PATROL_SUPERVISOR_ROLES and duty.unit is not None]
    if not paths:
        return False
    return any(grid_path.startswith(path) for grid_path in patrol.grids.values_list("path", flat=True)
               for path in paths)
