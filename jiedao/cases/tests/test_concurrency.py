"""Two people acting on one case at the same moment: exactly one wins (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection

from jiedao.cases import services
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case

from .conftest import report, walk_to


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatch_has_one_winner(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are exercised on PostgreSQL (CI runs it)")
    case = walk_to(world, report(world), "filed")
    barrier = threading.Barrier(2)
    outcomes = []

    def dispatch(department):
        from django.db import connections

        try:
            barrier.wait()
            services.case_dispatch(case=Case.objects.get(pk=case.pk), by=world.people.dispatcher,
                                   department=department, expected_version=case.version)
            outcomes.append("ok")
        except CaseError as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch, args=(d,)) for d in (world.cleaning, world.enforcement)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["StaleCase", "ok"] or sorted(outcomes) == ["WrongState", "ok"]
    assert Case.objects.get(pk=case.pk).events.filter(action="dispatch").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_get_distinct_numbers(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts are exercised on PostgreSQL (CI runs it)")
    barrier = threading.Barrier(4)
    numbers = []

    def submit():
        from django.db import connections

        try:
            barrier.wait()
            numbers.append(report(world, photos=[]).number)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(numbers) == ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
