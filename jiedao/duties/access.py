"""Who sees and edits which duties.

* Readers of every plan, figure and work (the office's figures, like the dashboard's): leaders,
  area leaders, community secretaries, system administrators (`may_view_dashboard`), the 河长办, and
  superusers.
* Editors of plans: system administrators and street leaders (and superusers).
* Anyone else sees only the plans that oblige them (by name, by a role they hold, or through the
  contractor they work for — its contract's scope) and, behind them, only their own works and
  their contractor's; a contractor never sees another contractor's plans or works.
"""

from django.db.models import Q, QuerySet

from jiedao.cases.access import may_view_dashboard
from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import Role

from .models import DutyPlan, DutyWork
from .selectors import person_organisation_ids, plans_of_person

EDITOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})


def may_read_all_duties(*, user) -> bool:
    return bool(user.is_authenticated and (may_view_dashboard(user=user) or Role.RIVER_OFFICE in user_roles(user)))


def may_edit_plans(*, user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & EDITOR_ROLES))


def may_open_duties(*, user) -> bool:
    """The duties pages at all: a reader of everything, or someone an active plan obliges (by name,
    a role they hold, or their contractor) — one query on the duties already read for the request."""
    if not user.is_authenticated:
        return False
    if may_read_all_duties(user=user):
        return True
    duties = user_duties(user)
    organisations = {duty.organisation_id for duty in duties if duty.organisation_id}
    roles = {duty.role for duty in duties}
    return DutyPlan.objects.filter(is_active=True).filter(
        Q(assignee_person=user) | Q(assignee_organisation_id__in=organisations)
        | Q(assignee_person__isnull=True, assignee_organisation__isnull=True, assignee_role__in=roles)).exists()


def plans_visible(*, user) -> QuerySet[DutyPlan]:
    if may_read_all_duties(user=user):
        return DutyPlan.objects.all()
    if not user.is_authenticated:
        return DutyPlan.objects.none()
    return DutyPlan.objects.filter(pk__in=[plan.pk for plan in plans_of_person(user)])


def works_visible(*, user) -> QuerySet[DutyWork]:
    if may_read_all_duties(user=user):
        return DutyWork.objects.all()
    if not user.is_authenticated:
        return DutyWork.objects.none()
    organisations = person_organisation_ids(user)
    return DutyWork.objects.filter(Q(person=user) | Q(organisation_id__in=organisations))


def own_obligations_only(*, user) -> tuple[int | None, set[int] | None]:
    """For a reader of everything (None, None); otherwise the person and organisations whose
    obligations they may see on a plan's page."""
    if may_read_all_duties(user=user):
        return None, None
    return user.pk, person_organisation_ids(user)
