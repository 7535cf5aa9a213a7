"""Leases for the worker's periodic jobs: at most one process runs a job at a time, and a process
that dies while running it (SIGKILL, the machine restarted) blocks it only until its lease expires.

huey's `lock_task` was a lock without an end: a worker killed inside the job left the key behind
and every later run was skipped ("unable to acquire lock") until someone deleted it by hand.

A lease is a row of `Lease` in the application's database, so it works the same whatever carries
huey's queue (the SQLite file of development, Redis in production) and whichever database holds
the data (SQLite, PostgreSQL). Taking it is one conditional UPDATE (`expires_at < now`), which
the database serialises; the winner writes a random token, and only that token renews or releases
the lease. While the job runs, a heartbeat thread renews the lease every third of its duration,
so a job that runs long keeps it and a dead one loses it within one duration.

Deliveries (supervision) are claimed the same way on their own row (`claimed_at` older than the
lease), so the claim and the delivery's state change in one UPDATE; their duration is read from
here too (`lease_duration("supervision-delivery-send")`)."""

import functools
import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, connection
from django.db.models import Q

from jiedao import clock

from .models import Lease

logger = logging.getLogger(__name__)

# Each job's default lease: well beyond its worst run seen (bench/README.md: a sweep of 10 000
# steps takes under a minute on 2 cores), since a lease shorter than a run lets two run at once.
# Administrators change them in the admin (任务租约).
DEFAULT_DURATIONS = {
    "supervision-escalations-sweep": timedelta(minutes=10),
    "supervision-delivery-send": timedelta(minutes=5),  # one try: a webhook's timeout, an SMTP exchange
    "web-dashboard-warm": timedelta(minutes=10),
    "accountability-refresh": timedelta(minutes=30),
    "portal-follow-notices": timedelta(minutes=10),
}
FALLBACK_DURATION = timedelta(minutes=10)


def _lease_row(name: str) -> Lease:
    duration = DEFAULT_DURATIONS.get(name, FALLBACK_DURATION)
    try:
        lease, _created = Lease.objects.get_or_create(name=name, defaults={"duration": duration})
    except IntegrityError:  # another process made it between our get and create
        lease = Lease.objects.get(name=name)
    return lease


def lease_duration(name: str) -> timedelta:
    return _lease_row(name).duration


def lease_acquire(*, name: str) -> str | None:
    """The token of a new lease on `name`, or None while another holder's lease runs."""
    lease = _lease_row(name)
    now = clock.now()
    token = secrets.token_hex(16)
    free = Lease.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__lt=now), name=name)  # free or expired
    if free.update(holder=token, acquired_at=now, expires_at=now + lease.duration) != 1:
        return None
    return token


def lease_renew(*, name: str, token: str) -> bool:
    """Extend the holder's lease by its duration from now; False when it is no longer ours."""
    lease = _lease_row(name)
    now = clock.now()
    return Lease.objects.filter(name=name, holder=token, expires_at__gte=now).update(
        expires_at=now + lease.duration) == 1


def lease_release(*, name: str, token: str) -> bool:
    """Give the lease back (only its holder can); False when it had expired and someone else took it."""
    return Lease.objects.filter(name=name, holder=token).update(holder="", expires_at=None) == 1


class _Heartbeat(threading.Thread):
    def __init__(self, *, name: str, token: str, every: float):
        super().__init__(name=f"lease-{name}", daemon=True)
        self.lease_name, self.token, self.every = name, token, every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    if not lease_renew(name=self.lease_name, token=self.token):
                        logger.error("lease %s lost while its job still runs: make it longer", self.lease_name)
                        return
                except Exception:  # the database busy or away for a moment: try again next beat
                    logger.exception("lease %s: renewal failed", self.lease_name)
        finally:
            connection.close()  # this thread's own connection


@contextmanager
def lease_held(name: str) -> Iterator[str | None]:
    """Hold the lease on `name` for the block (its token), renewed while the block runs; None
    (and nothing held) when another process holds it."""
    token = lease_acquire(name=name)
    if token is None:
        yield None
        return
    heartbeat = _Heartbeat(name=name, token=token, every=max(lease_duration(name).total_seconds() / 3, 0.5))
    heartbeat.start()
    try:
        yield token
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        lease_release(name=name, token=token)


def leased(name: str) -> Callable:
    """For a periodic job: run it only under the lease on `name`; skip this run while another
    process holds it (the next run comes a minute later)."""
    def decorate(job: Callable) -> Callable:
        @functools.wraps(job)
        def run(*args, **kwargs):
            with lease_held(name) as token:
                if token is None:
                    logger.info("%s skipped: another worker holds its lease", name)
                    return None
                return job(*args, **kwargs)
        return run
    return decorate
