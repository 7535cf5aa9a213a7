from django.conf import settings
from django.urls import reverse

from jiedao.accounts.second_factor import may_enrol
from jiedao.audit.access import may_read_security_log
from jiedao.benchmarks.access import may_work_on_evidence
from jiedao.cases.access import may_report, may_view_dashboard
from jiedao.checklists.services import may_read_checklists
from jiedao.supervision.selectors import notifications_unread_count
from jiedao.territory.access import may_view_org_tree, role_labels


def site(request):
    context = {"platform_name": settings.JIEDAO_SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update({
            "user_role_labels": role_labels(user=user),
            "user_may_report": may_report(user=user),
            "user_may_view_org_tree": may_view_org_tree(user=user),
            "user_may_view_dashboard": may_view_dashboard(user=user),
            "user_may_work_on_evidence": may_work_on_evidence(user=user),
            "user_may_read_checklists": may_read_checklists(user=user),
            "user_may_read_security_log": may_read_security_log(user=user),
            "user_may_enrol_second_factor": may_enrol(user=user),
            "unread_notifications": notifications_unread_count(user=user),
            "notifications_url": reverse("supervision:notification-list"),
        })
    return context

