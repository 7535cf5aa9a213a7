"""Who may see and act on which case. Checked on every object, by the pages and the API alike."""

from django.db.models import Q

from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import CASELESS_ROLES, ORGANISATION_ROLES, Role, Unit

from .models import Case
from .workflow import ACTIONS, REPORTING_ROLES, Action

DASHBOARD_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.AREA_LEADER, Role.FIRST_RESPONSIBLE})
CONTACT_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER, Role.INTAKE_CLERK, Role.SHIFT_LEAD, Role.DISPATCHER})


def may_report(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & REPORTING_ROLES)


def may_view_dashboard(*, user) -> bool:
    """The leader's view: leaders, area leaders and community secretaries, each over their scope."""
    return user.is_superuser or bool(user_roles(user) & DASHBOARD_ROLES)


def dashboard_tops(*, user) -> list[Unit]:
    """The units a person leads, the tops of their dashboard (drill-down stays below them); the
    root of the tree for a superuser."""
    if user.is_superuser:
        top = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        return [top] if top is not None else []
    units = [duty.unit for duty in user_duties(user) if duty.role in DASHBOARD_ROLES and duty.unit is not None]
    return sorted({unit.pk: unit for unit in units}.values(), key=lambda unit: unit.path)


def may_see_reporter_contact(*, user) -> bool:
    """The command centre and the office's leaders call reporters back; departments do not."""
    return user.is_superuser or bool(user_roles(user) & CONTACT_ROLES)


def roles_on_case(*, user, case: Case) -> set[str]:
    """The roles this user holds that reach this case: territorial roles by the case's place in
    the tree, department roles by the department the case is dispatched to."""
    roles = set()
    for duty in user_duties(user):
        if duty.role in CASELESS_ROLES:
            continue
        if duty.role in ORGANISATION_ROLES:
            if duty.organisation_id is not None and duty.organisation_id == case.department_id:
                roles.add(duty.role)
        elif duty.unit is not None and case.territory_path.startswith(duty.unit.path):
            roles.add(duty.role)
    return roles


def within_territory(path: str) -> Q:
    """Cases under the unit with this materialised path (a prefix match on codes)."""
    return Q(territory_path__startswith=path)


def visible_cases_filter(user) -> Q | None:
    """A filter for the cases this user may see; None means none at all."""
    if not user or not user.is_authenticated:
        return None
    # Own reports stay visible; the clause is left out for people who cannot report, because an
    # OR across two indexes makes the database sort every case of a department before the LIMIT.
    clauses = Q(reporter=user) if may_report(user=user) else Q(pk__in=[])
    for duty in user_duties(user):
        if duty.role in CASELESS_ROLES:
            continue
        if duty.role in ORGANISATION_ROLES:
            clauses |= Q(department_id=duty.organisation_id)
        elif duty.unit is not None:
            clauses |= within_territory(duty.unit.path)
    if user.is_superuser:
        return Q()
    return clauses


def can_view(*, user, case: Case) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser or (case.reporter_id == user.pk and may_report(user=user)):
        return True
    return bool(roles_on_case(user=user, case=case))


def acting_role(*, user, case: Case, action: Action) -> str | None:
    """The role in which the user may take this action on this case, or None."""
    roles = roles_on_case(user=user, case=case) & action.roles
    if not roles:
        return None
    # Prefer the most specific role for the record (e.g. handler before department admin).
    for role in Role.values:
        if role in roles:
            return role
    return None


def allowed_actions(*, user, case: Case) -> list[Action]:
    """Actions the user may take now, for showing buttons. The services check again."""
    from .services import action_guard_passes  # the services own the case-specific guards

    return [
        action for action in ACTIONS.values()
        if case.state in action.sources
        and acting_role(user=user, case=case, action=action)
        and action_guard_passes(user=user, case=case, action=action)
    ]
