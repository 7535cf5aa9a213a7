"""Who reads and who enters soil monitoring. Checked on every object.

- Reading: system administrators, leaders, area leaders and community secretaries (第一责任人)
  over the part of the territory their duty covers.
- Entering samples: system administrators and leaders over the point's territory.
- Superusers: everything. Anyone else: nothing (the pages are a 403, a point out of reach a 404)."""

from django.db.models import Q

from jiedao.territory.access import units_read_by, user_duties
from jiedao.territory.models import Role

READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
KEEPERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})


def _scope_filter(user, roles) -> Q | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    paths = [duty.unit.path for duty in user_duties(user) if duty.role in roles and duty.unit is not None]
    if not paths:
        return None
    clauses = Q(pk__in=[])
    for path in paths:
        clauses |= Q(territory_path__startswith=path)
    return clauses


def visible_points_filter(user) -> Q | None:
    return _scope_filter(user, READERS)


def enterable_points_filter(user) -> Q | None:
    return _scope_filter(user, KEEPERS)


def may_read_soil(*, user) -> bool:
    return visible_points_filter(user) is not None


def may_enter_samples(*, user) -> bool:
    return enterable_points_filter(user) is not None


def _covers(user, point, roles) -> bool:
    if user.is_superuser:
        return True
    return any(duty.role in roles and duty.unit is not None and point.territory_path.startswith(duty.unit.path)
               for duty in user_duties(user))


def may_view_point(*, user, point) -> bool:
    return bool(user and user.is_authenticated) and _covers(user, point, READERS)


def may_enter_sample(*, user, point) -> bool:
    return bool(user and user.is_authenticated) and _covers(user, point, KEEPERS)


def overview_tops(*, user) -> list:
    """The tops of the overview's drill-down: the units `user` reads by territory."""
    return units_read_by(user=user, roles=READERS)
