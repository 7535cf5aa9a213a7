"""The worker's minute sweep in a process of its own, for test_worker_killed.py:

    python -m jiedao.supervision.tests.sweep_process run           # one sweep, then send what is due
    python -m jiedao.supervision.tests.sweep_process hold-before   # dies (killed) before the sweep commits
    python -m jiedao.supervision.tests.sweep_process hold-after    # dies (killed) after it, lease still held

It runs the real periodic job (`escalations_sweep_task`, with whatever guards it), configured by its
environment like a deployment. "hold-*" print HOLDING and wait to be killed at that point."""

import json
import sys
import time

import django
from huey.exceptions import TaskLockedException


def _hold() -> None:
    sys.stdout.write("HOLDING\n")
    sys.stdout.flush()
    time.sleep(3600)


def main(mode: str) -> None:
    django.setup()
    from jiedao import clock
    from jiedao.supervision import services
    from jiedao.supervision.tasks import escalations_sweep_task

    if mode == "hold-before":  # inside the sweep's transaction, its rows written, not committed
        services._enqueue_deliveries_on_commit = lambda delivery_ids: _hold()
    elif mode == "hold-after":  # the sweep committed; the job has not returned
        sweep = services.escalations_sweep
        services.escalations_sweep = lambda **kwargs: (sweep(**kwargs), _hold())
    else:
        services._enqueue_deliveries_on_commit = lambda delivery_ids: None  # sent below, in this process
    try:
        result = escalations_sweep_task.call_local()
    except TaskLockedException:  # what huey's lock_task did (the consumer logs it and skips the run)
        result = None
    sent = [services.delivery_send(delivery_id=pk) for pk in services.deliveries_due(now=clock.now())]
    sys.stdout.write(json.dumps({"swept": result is not None,
                                 "escalations": result.escalations_created if result else 0, "sent": sent}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
