"""The worker keeps the leaders' dashboards warm (huey finds this module in the installed apps)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiedao import clock
from jiedao.jobs.leases import leased

from .leader import dashboard_warm


@db_periodic_task(crontab(minute="*"))
@leased("web-dashboard-warm")
def dashboard_warm_task():
    return dashboard_warm(now=clock.now())
