"""A worker killed (SIGKILL) in the middle of the minute sweep: the next sweep runs once its lease
has expired, and every step and message happens exactly once. Real processes, the real job."""

import json
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine

from jiedao.cases.models import CaseEvent
from jiedao.jobs.models import Lease
from jiedao.jobs.tests.processes import PROJECT, PYTHON, process_env
from jiedao.supervision.models import (
    CaseEscalation,
    Delivery,
    DeliveryState,
    Notification,
    NotificationChannel,
)
from jiedao.supervision.services import escalation_steps_seed

from .conftest import TUESDAY_0900, report, walk_to

SWEEP = "supervision-escalations-sweep"
LEASE_SECONDS = 20  # far longer than a process takes to start, even on a busy machine, or the skip below would not be seen


def sweep_process(mode: str, var) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "jiedao.supervision.tests.sweep_process", mode], cwd=PROJECT,
                            env=process_env(var), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def overdue_case(transactional_db, world, receiver_factory):
    """A case far past every step of the ladder, whose department's WeCom group is a local receiver."""
    escalation_steps_seed()
    receiver = receiver_factory()
    NotificationChannel.objects.create(organisation=world.cleaning, wecom_webhook_url=receiver.url())
    with time_machine.travel(TUESDAY_0900 - timedelta(days=400), tick=False):
        case = walk_to(world, report(world), "handling")
    Lease.objects.create(name=SWEEP, duration=timedelta(seconds=LEASE_SECONDS))
    return case, receiver


@pytest.mark.parametrize("killed", ["hold-before", "hold-after"])
def test_the_next_sweep_runs_after_the_lease_of_a_killed_worker_and_nothing_happens_twice(
        overdue_case, tmp_path, killed):
    case, receiver = overdue_case
    # given a worker killed while it runs the sweep (before or after its transaction committed)
    worker = sweep_process(killed, tmp_path)
    assert worker.stdout.readline().strip() == "HOLDING", worker.stderr.read()[-3000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    # a sweep right after it is skipped: the dead worker's lease still runs …
    skipped = finished(sweep_process("run", tmp_path))
    assert skipped["swept"] is False

    # … and once the lease has run out, the next minute's sweep runs
    time.sleep(LEASE_SECONDS + 0.5)
    first = finished(sweep_process("run", tmp_path))
    again = finished(sweep_process("run", tmp_path))

    assert first["swept"] is True and again["swept"] is True
    expected = 0 if killed == "hold-after" else 4
    assert (first["escalations"], again["escalations"]) == (expected, 0)
    # every step once, its event once, each person told once, the group messaged once
    assert sorted(CaseEscalation.objects.filter(case=case).values_list("step__code", flat=True)) == [
        "bulletin", "remind", "supervise", "urge"]
    assert CaseEvent.objects.filter(case=case, action="escalate").count() == 4
    recipients = Counter(Notification.objects.filter(case=case).values_list("recipient__username", flat=True))
    assert recipients and set(recipients.values()) == {1}
    assert list(Delivery.objects.values_list("channel", "state", "attempts")) == [("wecom", DeliveryState.SENT, 1)]
    assert len(receiver.requests) == 1
    assert Lease.objects.get(name=SWEEP).holder == ""  # the sweeps that finished gave it back
