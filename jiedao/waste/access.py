"""Who reads and who enters waste sorting. Checked on every object.

Read: system administrators, leaders, area leaders and community secretaries (社区第一责任人) within
their unit; the staff (处置人员, 部门管理员) of the sanitation department named in the policy, everywhere;
a 督导员 (`WasteSupervisor`) within his community. Enter quantities, imports and checks: the department's
staff and administrators and system administrators (within their unit) for any point; a 督导员 for the
points of his community (投放 / 收集 quantities and checks only: trips and treatment are the department's).
Superusers: everything. Anyone else: nothing (pages 403, a point out of reach 404)."""

from django.db.models import Q

from jiedao.territory.access import user_duties
from jiedao.territory.models import Role

TERRITORIAL_READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
DEPARTMENT_ROLES = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def _department_id() -> int | None:
    from .selectors import policy_current

    return policy_current().department_id


def _in_department(user) -> bool:
    department_id = _department_id()
    return department_id is not None and any(
        duty.role in DEPARTMENT_ROLES and duty.organisation_id == department_id for duty in user_duties(user))


def _supervised_paths(user) -> list[str]:
    return [row.community.path for row in user.waste_supervisions.select_related("community")]


EVERYWHERE = ("",)  # a path every path starts with


def visible_paths(user) -> tuple[str, ...]:
    """The territory paths `user` reads under; EVERYWHERE for all, () for none."""
    if not _signed_in(user):
        return ()
    if user.is_superuser or _in_department(user):
        return EVERYWHERE
    paths = [duty.unit.path for duty in user_duties(user) if duty.role in TERRITORIAL_READERS and duty.unit]
    return tuple(paths + _supervised_paths(user))


def enterable_paths(user, *, department_only: bool = False) -> tuple[str, ...]:
    """Where `user` may enter; `department_only` leaves out the 督导员 (trips and treatment records)."""
    if not _signed_in(user):
        return ()
    if user.is_superuser or _in_department(user):
        return EVERYWHERE
    paths = [duty.unit.path for duty in user_duties(user) if duty.role == Role.SYSTEM_ADMIN and duty.unit]
    if not department_only:
        paths += _supervised_paths(user)
    return tuple(paths)


def paths_filter(paths: tuple[str, ...], field: str = "territory_path") -> Q | None:
    """Rows under one of `paths`; None when there are none."""
    if not paths:
        return None
    if EVERYWHERE[0] in paths:
        return Q()
    clause = Q(pk__in=[])
    for path in paths:
        clause |= Q(**{f"{field}__startswith": path})
    return clause


def visible_filter(user) -> Q | None:
    return paths_filter(visible_paths(user))


def enterable_filter(user, *, department_only: bool = False) -> Q | None:
    return paths_filter(enterable_paths(user, department_only=department_only))


def may_read_waste(*, user) -> bool:
    return bool(visible_paths(user))


def may_enter_waste(*, user) -> bool:
    return bool(enterable_paths(user))


def may_enter_trips(*, user) -> bool:
    return bool(enterable_paths(user, department_only=True))


def may_view_path(*, user, path: str) -> bool:
    return any(path.startswith(root) for root in visible_paths(user))


def may_enter_at(*, user, path: str, department_only: bool = False) -> bool:
    return any(path.startswith(root) for root in enterable_paths(user, department_only=department_only))
