"""The worker's jobs (huey). Thin: each takes ids or nothing, reads the clock, calls one service."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiedao import clock
from jiedao.jobs.leases import leased

from . import services


@db_periodic_task(crontab(minute="*"))
@leased("supervision-escalations-sweep")
def escalations_sweep_task():
    # The lease keeps a slow sweep from overlapping the next minute's, and a worker killed mid-sweep
    # holds it only until it expires (jobs/leases.py); the unique (case, step) constraint makes
    # overlap harmless anyway.
    return services.escalations_sweep(now=clock.now())


# Transport failures are handled by the service (pending with backoff, re-enqueued by the retry
# job); huey's retries cover the unexpected, e.g. the database going away for a moment.
@db_task(retries=2, retry_delay=30)
def delivery_send_task(delivery_id: int):
    return services.delivery_send(delivery_id=delivery_id)


@db_periodic_task(crontab(minute="*"))
def deliveries_retry_due():
    for delivery_id in services.deliveries_due(now=clock.now()):
        delivery_send_task(delivery_id)
