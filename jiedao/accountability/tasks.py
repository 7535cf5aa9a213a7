"""The worker's job: refresh the register for the current month every hour (idempotent: a refresh
that finds nothing new writes nothing; changed evidence supersedes, never deletes)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiedao import clock
from jiedao.jobs.leases import leased

from . import services


@db_periodic_task(crontab(minute="7"))
@leased("accountability-refresh")
def findings_refresh_task():
    now = clock.now()
    today = timezone.localtime(now).date()
    return services.findings_refresh(start=today.replace(day=1), end=today, now=now)
