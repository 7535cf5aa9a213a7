"""Reads for the bell and the notification list."""

from django.db.models import QuerySet

from .models import Notification


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def notifications_of(*, user) -> QuerySet[Notification]:
    return (Notification.objects.filter(recipient=user)
            .select_related("case", "case__item", "case__department", "escalation", "escalation__step")
            .order_by("-created_at", "-id"))
