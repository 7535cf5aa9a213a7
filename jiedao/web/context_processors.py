from django.conf import settings
from django.urls import NoReverseMatch, reverse

from jiedao.cases.access import may_report, may_view_dashboard
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
        })
    return context


def _notifications_url() -> str:
    # The bell shows only once the notification pages are routed (jiedao/urls.py).
    try:
        return reverse("supervision:notification-list")
    except NoReverseMatch:
        return ""
