"""The portal's jobs (huey). Thin: each takes ids or nothing, reads the clock, calls one service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiedao import clock
from jiedao.jobs.leases import leased

from . import services


@db_task(retries=2, retry_delay=60)
def follow_confirmation_task(follow_id: int):
    return services.follow_confirmation_send(follow_id=follow_id, now=clock.now())


@db_periodic_task(crontab(minute="*"))
@leased("portal-follow-notices")
def follow_notices_task():
    # Notices are unique per (follower, event) and claimed before sending: an overlap or a retry
    # sends nothing twice.
    now = clock.now()
    services.follow_notices_collect(now=now)
    return services.follow_notices_send(now=now)
