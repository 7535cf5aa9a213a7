"""Who reads and who enters soil monitoring. Checked on every object.

- Reading: system administrators, leaders, area leaders and community secretaries (第一责任人)
  over the part of the territory their duty covers.
- Entering samples: system administrators and leaders over the point's territory.
- Superusers: everything. Anyone else: nothing (the pages are a 403, a point out of reach a 404)."""

from django.db.models import Q

from jiedao.territory.access import covers_path, territory_scope_filter, units_read_by
from jiedao.territory.models import Role

READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
KEEPERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})


def visible_points_filter(user) -> Q | None:
    return territory_scope_filter(user, READERS)


def enterable_points_filter(user) -> Q | None:
    return territory_scope_filter(user, KEEPERS)


def may_read_soil(*, user) -> bool:
    return visible_points_filter(user) is not None


def may_enter_samples(*, user) -> bool:
    return enterable_points_filter(user) is not None


def may_view_point(*, user, point) -> bool:
    return covers_path(user=user, path=point.territory_path, roles=READERS)


def may_enter_sample(*, user, point) -> bool:
    return covers_path(user=user, path=point.territory_path, roles=KEEPERS)


def overview_tops(*, user) -> list:
    """The tops of the overview's drill-down: the units `user` reads by territory."""
    return units_read_by(user=user, roles=READERS)
