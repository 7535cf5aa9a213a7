"""The worker's job: every morning, overdue milestones go up the ladder (idempotent: a milestone
reaches each step once)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiedao.jobs.leases import leased

from .escalation import milestones_overdue_sweep


@db_periodic_task(crontab(minute="25", hour="6"))
@leased("projects-milestones-sweep")
def milestones_overdue_sweep_task():
    return milestones_overdue_sweep()
