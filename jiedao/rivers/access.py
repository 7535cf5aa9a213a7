"""Who reads the river register and who patrols which segment.

The register is territorial: a person reads the segments that cross a unit where they hold a
river or oversight duty (a 村级河长 his village's, the 河长办 and the leaders the sub-district's),
and the patrols, problems and 交办函 of those segments only; another village's chief gets a 404.
The 河长办 and the system administrator keep the register (imports, chiefs, works) and follow up
the 交办函."""

from django.db.models import Q

from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import Role

RIVER_FIELD_ROLES = frozenset({Role.RIVER_CHIEF, Role.RIVER_ASSISTANT, Role.RIVER_PATROLLER, Role.CLEANER})
RIVER_READER_ROLES = RIVER_FIELD_ROLES | {
    Role.RIVER_OFFICE, Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE,
}
REGISTER_KEEPER_ROLES = frozenset({Role.RIVER_OFFICE, Role.SYSTEM_ADMIN})


def may_read_rivers(*, user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & RIVER_READER_ROLES))


def may_keep_register(*, user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user_roles(user) & REGISTER_KEEPER_ROLES))


def may_patrol_rivers(*, user) -> bool:
    """Chiefs, their assistants, 巡河员 and 保洁员 patrol in the field app."""
    return bool(user and user.is_authenticated and user_roles(user) & RIVER_FIELD_ROLES)


def _unit_paths(user, roles) -> list[str]:
    return [duty.unit.path for duty in user_duties(user) if duty.role in roles and duty.unit is not None]


def segments_visible_filter(user) -> Q | None:
    """A filter of the segments `user` may read; None: none at all."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Q()
    paths = _unit_paths(user, RIVER_READER_ROLES)
    if not paths:
        return None
    clause = Q(pk__in=[])
    for path in paths:
        clause |= Q(units__path__startswith=path)
    return clause


def segment_paths_within(*, user, roles) -> list[str]:
    return _unit_paths(user, roles)


def may_follow_up_letters(*, user, segment) -> bool:
    """The 河长办 over the segment's units (or the system administrator) records the higher
    office's answers to a 交办函 and confirms 整改到位."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    paths = _unit_paths(user, REGISTER_KEEPER_ROLES)
    unit_paths = list(segment.units.values_list("path", flat=True))
    return any(unit_path.startswith(path) for unit_path in unit_paths for path in paths)
