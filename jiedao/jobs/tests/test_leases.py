"""Leases: one holder at a time, only the holder renews or releases, and none lasts past its
duration unless its job is still running."""

import threading
import time
from datetime import timedelta

import time_machine
from django.db import connections

from jiedao.conftest import TUESDAY_0900
from jiedao.jobs.leases import lease_acquire, lease_release, lease_renew, leased
from jiedao.jobs.models import Lease


def test_a_lease_is_taken_once_and_again_only_after_it_expires(db):
    with time_machine.travel(TUESDAY_0900, tick=False) as traveller:
        first = lease_acquire(name="supervision-escalations-sweep")
        assert first is not None
        assert Lease.objects.get().duration == timedelta(minutes=10)  # the job's default, made on first use
        assert lease_acquire(name="supervision-escalations-sweep") is None

        traveller.shift(timedelta(minutes=9, seconds=59))
        assert lease_acquire(name="supervision-escalations-sweep") is None
        traveller.shift(timedelta(seconds=2))
        second = lease_acquire(name="supervision-escalations-sweep")

    assert second not in (None, first)


def test_only_the_holder_renews_or_releases(db):
    with time_machine.travel(TUESDAY_0900, tick=False) as traveller:
        old = lease_acquire(name="web-dashboard-warm")
        traveller.shift(timedelta(minutes=11))
        new = lease_acquire(name="web-dashboard-warm")

        # the old holder, back from a long pause, can neither extend nor end its successor's lease
        assert lease_renew(name="web-dashboard-warm", token=old) is False
        assert lease_release(name="web-dashboard-warm", token=old) is False
        assert Lease.objects.get().holder == new
        assert lease_release(name="web-dashboard-warm", token=new) is True
        assert lease_acquire(name="web-dashboard-warm") is not None


def test_a_job_that_runs_longer_than_its_lease_keeps_it(transactional_db):
    Lease.objects.create(name="slow-job", duration=timedelta(seconds=1))
    started, others = threading.Event(), []

    @leased("slow-job")
    def slow_job():
        started.set()
        time.sleep(2.5)  # two and a half leases
        return "done"

    def first():
        try:
            others.append(("first", slow_job()))
        finally:
            connections.close_all()  # this thread's own connection, or PostgreSQL's test database stays in use

    runner = threading.Thread(target=first)
    runner.start()
    started.wait(10)
    for _ in range(4):
        time.sleep(0.5)
        others.append(("meanwhile", slow_job()))
    runner.join()

    assert others[-1] == ("first", "done")
    assert others[:-1] == [("meanwhile", None)] * 4  # every overlapping run was skipped
    assert Lease.objects.get().holder == ""
