from django.conf import settings

from . import selectors


def site(request):
    context = {"site_name": settings.JIEDAO_SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update({
            "user_role_labels": selectors.role_labels(user=user),
            "user_may_report": selectors.user_may_report(user=user),
            "user_may_view_org_tree": selectors.user_may_view_org_tree(user=user),
        })
    return context
