"""Who reads and who enters plantings.

Read: the sub-district's leaders, area leaders and community secretaries (社区第一责任人) and the
system administrator, within their unit; the staff (处置人员, 部门管理员) of the planting's maintainer.
Enter a planting or a survival check: the system administrator and leaders within their unit, and the
maintainer's 部门管理员 for his own organisation's plantings. Anyone else gets a 404 on a planting."""

from django.db.models import Q

from jiedao.territory.access import territory_scope_filter, units_read_by, user_duties
from jiedao.territory.models import Role

TERRITORIAL_READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
TERRITORIAL_WRITERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})
MAINTAINER_READERS = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN})
MAINTAINER_WRITERS = frozenset({Role.DEPARTMENT_ADMIN})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def plantings_visible_filter(user) -> Q | None:
    """The plantings `user` may read; None: none at all."""
    return territory_scope_filter(user, TERRITORIAL_READERS, organisation_roles=MAINTAINER_READERS,
                                  organisation_field="maintainer_id")


def may_read_greening(*, user) -> bool:
    return plantings_visible_filter(user) is not None


def may_enter_at(*, user, territory_path: str, maintainer_id: int | None) -> bool:
    """May `user` record a planting (or a check of one) here, kept by this maintainer?"""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    for duty in user_duties(user):
        if duty.role in TERRITORIAL_WRITERS and duty.unit is not None and territory_path.startswith(duty.unit.path):
            return True
        if duty.role in MAINTAINER_WRITERS and maintainer_id is not None and duty.organisation_id == maintainer_id:
            return True
    return False


def may_enter_plantings(*, user) -> bool:
    """Does `user` hold any role that enters plantings (shows the 录入 button)?"""
    if not _signed_in(user):
        return False
    return user.is_superuser or any(duty.role in TERRITORIAL_WRITERS | MAINTAINER_WRITERS
                                    for duty in user_duties(user))


def overview_tops(*, user) -> list:
    """The tops of the overview's drill-down: the units `user` reads by territory."""
    return units_read_by(user=user, roles=TERRITORIAL_READERS)
