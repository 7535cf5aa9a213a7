"""Who reads and who writes projects.

Read: the sub-district's leaders, area leaders, community secretaries (社区第一责任人), the shift
lead (who closes a case into a project) and the system administrator, within their unit; the staff
(处置人员, 部门管理员) of the project's responsible department.
Create a project, change its stage, milestones and cases: the system administrator and leaders
within their unit. Report progress and finish a milestone: those, and the responsible department's
staff. Record spending: those, and the department's 部门管理员. Anyone else gets a 404."""

from django.db.models import Q

from jiedao.territory.access import territory_scope_filter, user_duties
from jiedao.territory.models import Role

TERRITORIAL_READERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE,
                                 Role.SHIFT_LEAD})
TERRITORIAL_WRITERS = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})
DEPARTMENT_STAFF = frozenset({Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_ADMIN})
DEPARTMENT_SPENDERS = frozenset({Role.DEPARTMENT_ADMIN})


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def projects_visible_filter(user) -> Q | None:
    """The projects `user` may read; None: none at all."""
    return territory_scope_filter(user, TERRITORIAL_READERS, organisation_roles=DEPARTMENT_STAFF,
                                  organisation_field="department_id")


def may_read_projects(*, user) -> bool:
    return projects_visible_filter(user) is not None


def _territorial(user, territory_path: str) -> bool:
    return any(duty.role in TERRITORIAL_WRITERS and duty.unit is not None and territory_path.startswith(duty.unit.path)
               for duty in user_duties(user))


def may_manage_at(*, user, territory_path: str) -> bool:
    """May `user` create a project here, or change its stage, milestones and cases?"""
    if not _signed_in(user):
        return False
    return user.is_superuser or _territorial(user, territory_path)


def may_create_projects(*, user) -> bool:
    if not _signed_in(user):
        return False
    return user.is_superuser or any(duty.role in TERRITORIAL_WRITERS for duty in user_duties(user))


def may_report_progress(*, user, project) -> bool:
    """Progress reports and a milestone's actual date: managers and the department's staff."""
    if may_manage_at(user=user, territory_path=project.territory_path):
        return True
    return _signed_in(user) and any(duty.role in DEPARTMENT_STAFF and duty.organisation_id == project.department_id
                                    for duty in user_duties(user))


def may_record_spending(*, user, project) -> bool:
    if may_manage_at(user=user, territory_path=project.territory_path):
        return True
    return _signed_in(user) and any(duty.role in DEPARTMENT_SPENDERS and duty.organisation_id == project.department_id
                                    for duty in user_duties(user))
