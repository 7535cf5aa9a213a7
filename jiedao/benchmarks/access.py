"""Who reads and who works on the benchmarking.

* The gap report is a figure of the office: read by the dashboard's readers (`may_view_dashboard`:
  leaders, area leaders, community secretaries, system administrators), sub-district-wide.
* Evidence for a criterion is uploaded by the staff of its responsible department (处置人员,
  部门管理员), by leaders and system administrators; it is reviewed by leaders and system
  administrators, never by the person who submitted it.
* A department's staff read the evidence of their own department's criteria, nothing else here.
* Titles and criteria are edited in the admin (Django's model permissions)."""

from django.db.models import QuerySet

from jiedao.cases.access import may_view_dashboard
from jiedao.territory.access import user_duties, user_roles
from jiedao.territory.models import ORGANISATION_ROLES, Role

from .models import Criterion, Method

REVIEWER_ROLES = frozenset({Role.LEADER, Role.SYSTEM_ADMIN})


def may_read_benchmarks(*, user) -> bool:
    return may_view_dashboard(user=user)


def may_review_evidence(*, user) -> bool:
    return user.is_superuser or bool(user_roles(user) & REVIEWER_ROLES)


def _departments_of(user) -> set[int]:
    return {duty.organisation_id for duty in user_duties(user)
            if duty.role in ORGANISATION_ROLES and duty.organisation_id is not None}


def may_work_on_evidence(*, user) -> bool:
    """Opens the evidence list: readers of the benchmarks and the staff of a department."""
    return may_read_benchmarks(user=user) or bool(_departments_of(user))


def evidence_criteria_for(*, user) -> QuerySet[Criterion]:
    """The evidence criteria of active titles this person may open."""
    criteria = Criterion.objects.filter(method=Method.EVIDENCE, title__is_active=True)
    if may_read_benchmarks(user=user):
        return criteria
    return criteria.filter(department_id__in=_departments_of(user))


def may_read_evidence(*, user, criterion: Criterion) -> bool:
    return may_read_benchmarks(user=user) or criterion.department_id in _departments_of(user)


def may_submit_evidence(*, user, criterion: Criterion) -> bool:
    return may_review_evidence(user=user) or criterion.department_id in _departments_of(user)
