from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "supervision/notification_list.html", {
        "page": page, "rows": [(notification, services.notification_words(notification)) for notification in page]})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Someone else's id changes nothing (the update is filtered by recipient) and reveals nothing.
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    return redirect("supervision:notification-list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("supervision:notification-list")
