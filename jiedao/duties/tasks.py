"""The worker's job: every morning, yesterday's ended periods become reminders, escalations and
findings (idempotent: what was written before is not written again)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiedao.jobs.leases import leased

from .consequences import missed_duties_sweep


@db_periodic_task(crontab(minute="20", hour="6"))
@leased("duties-missed-sweep")
def missed_duties_sweep_task():
    return missed_duties_sweep()
