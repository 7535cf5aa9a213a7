"""Each base count, rate and score on the hand-computed week of conftest.py."""

from datetime import datetime
from decimal import Decimal

import pytest

from jiedao.evaluation.indicators import BaseCounts
from jiedao.evaluation.models import ObjectType
from jiedao.evaluation.selectors import (
    CASE_COUNTS,
    STEP_COUNTS,
    cases_behind,
    counts_by_department,
    counts_by_person,
    counts_by_unit,
    evaluation_for,
)
from jiedao.territory.models import UnitLevel

from .conftest import END, SHANGHAI, START

# Step counts of events where a case may count twice in the count (a re-dispatch) but once in its drill-down.
DISTINCT_STEP_COUNTS = {"dispatched_on_time"}

GRID_1 = BaseCounts(
    reported=7, valid_reported=6, filed=6, filed_then_voided=0, public_reported=0, voided=1, not_filed=1, dispatches=7,
    returns=1, due_handling=6, handled=3, handled_on_time=2, handled_late=1, pending=3, overdue_pending=2,
    suspended=1, extended=1, due_closure=5, closed=3, closed_on_time=2, reworked=1, first_time_closed=2,
    error_closed=0,
    # the steps (each taken at once in this week, so on time): A–F accepted and filed, 7 dispatches,
    # A, B and C closed right after their check
    accepted=6, accepted_filed=6, filed_on_time=6, dispatched_on_time=7, closings=3, closings_on_time=3,
)


def test_grid_counts(world, week):
    counts = counts_by_unit(level=UnitLevel.GRID, start=START, end=END)

    assert counts[world.grids[0]] == GRID_1
    assert counts[world.grids[1]] == BaseCounts()
    # H: sent to verify by the desk at once, verified true 10 minutes later and filed at once
    assert counts[world.grids[2]] == BaseCounts(reported=1, valid_reported=1, filed=1, public_reported=1, accepted=1,
                                                accepted_filed=1, filed_on_time=1, verify_sent=1,
                                                verify_sent_on_time=1)


def test_counts_roll_up_to_every_level(world, week):
    communities = counts_by_unit(level=UnitLevel.COMMUNITY, start=START, end=END)
    subdistricts = counts_by_unit(level=UnitLevel.SUBDISTRICT, start=START, end=END)

    assert communities[world.taoyuan] == GRID_1
    assert communities[world.liuan].filed == 1
    assert subdistricts[world.subdistrict] == GRID_1 + communities[world.liuan]


def test_a_suspended_case_is_not_overdue_while_paused(world, week):
    overdue = cases_behind(indicator="overdue_pending", unit=world.grids[0], start=START, end=END)
    pending = cases_behind(indicator="pending", unit=world.grids[0], start=START, end=END)

    assert set(overdue) == {week.d, week.f}
    assert set(pending) == {week.d, week.e, week.f}


def test_overdue_is_judged_at_the_period_end_not_later(world, week):
    # A period ending at Tue 15:00: B (deadline 14:30, fixed on Wednesday) is overdue; D and F
    # (deadline 15:30) not yet; E is paused.
    early_end = datetime(2026, 11, 17, 15, 0, tzinfo=SHANGHAI)

    counts = counts_by_unit(level=UnitLevel.GRID, start=START, end=early_end)[world.grids[0]]
    overdue = cases_behind(indicator="overdue_pending", unit=world.grids[0], start=START, end=early_end)

    assert list(overdue) == [week.b]
    assert counts.overdue_pending == 1
    assert counts.handled == 2  # A and C; B was fixed on Wednesday
    assert counts.pending == 4


@pytest.mark.parametrize("name", CASE_COUNTS + tuple(n for n in STEP_COUNTS if n not in DISTINCT_STEP_COUNTS))
def test_drill_down_returns_exactly_the_cases_counted(world, week, name):
    counts = counts_by_unit(level=UnitLevel.COMMUNITY, start=START, end=END)[world.taoyuan]

    assert cases_behind(indicator=name, unit=world.taoyuan, start=START, end=END).count() == getattr(counts, name)


def test_drill_down_of_dispatch_events(world, week):
    returns = cases_behind(indicator="returns", unit=world.grids[0], start=START, end=END)
    dispatches = cases_behind(indicator="dispatches", department=world.cleaning, start=START, end=END)
    handled_on_time = cases_behind(indicator="handled_on_time", department=world.cleaning, start=START, end=END)

    assert list(returns) == [week.f]
    assert set(dispatches) == {week.a, week.b, week.c, week.d, week.e, week.f}
    assert set(handled_on_time) == {week.a, week.c}


def test_department_counts(world, week):
    counts = counts_by_department(start=START, end=END)

    assert counts[world.cleaning] == BaseCounts(**{**GRID_1.as_dict(), "reported": 6, "valid_reported": 6,
                                                   "voided": 0, "not_filed": 0})
    assert counts[world.enforcement] == BaseCounts()
    assert list(cases_behind(indicator="returns", department=world.cleaning, start=START, end=END)) == [week.f]


def test_person_counts(world, week):
    p = world.people

    counts = counts_by_person(start=START, end=END)

    assert counts[p.grid_worker] == BaseCounts(reported=7, valid_reported=6, filed=6)
    # B's check came 45 minutes after its fix; the limit is 30.
    assert counts[p.inspector] == BaseCounts(filed=6, check_due=4, check_on_time=3)
    assert counts[p.other_grid_worker] == BaseCounts(filed=1, public_reported=1, verify_due=1, verify_on_time=1)
    checked = cases_behind(indicator="check_due", person=p.inspector, start=START, end=END)
    on_time = cases_behind(indicator="check_on_time", person=p.inspector, start=START, end=END)
    assert set(checked) == {week.a, week.b, week.c}
    assert set(on_time) == {week.a, week.c}


def test_region_rows_scores_and_grades(world, week):
    rows = {row.key: row for row in evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.GRID,
                                                   start=START, end=END)}

    grid = rows[world.grids[0].pk]
    assert grid.rates["closure_rate"] == Decimal("0.6")
    assert grid.scores == {**grid.scores, "public_report_rate": Decimal("100.00"), "filed_volume": Decimal("60.00"),
                           "closure_rate": Decimal("60.00"), "on_time_closure_rate": Decimal("40.00")}
    # 100×10% + 60×20% + 60×30% + 40×40%
    assert grid.composite == Decimal("56.00")
    assert grid.grade == "D"


def test_a_unit_with_zero_cases_has_no_rate_no_score_no_grade(world, week):
    rows = {row.key: row for row in evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.GRID,
                                                   start=START, end=END)}

    empty = rows[world.grids[1].pk]
    assert all(rate is None for rate in empty.rates.values())
    assert empty.composite is None
    assert empty.grade is None
    assert empty.missing == ["closure_rate", "on_time_closure_rate", "public_report_rate"]


def test_community_volume_is_the_mean_of_its_grids(world, week):
    rows = evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.COMMUNITY, start=START, end=END)

    # grid 1 (一类, 6 filed) → 60; grid 2 (二类, 0 filed) → 100; mean 80.
    assert [(row.name, row.scores["filed_volume"], row.composite, row.grade) for row in rows] == [
        ("桃源社区", Decimal("80.00"), Decimal("60.00"), "C"),
        ("柳岸社区", Decimal("95.00"), None, None),
    ]


def test_department_rows(world, week):
    rows = evaluation_for(object_type=ObjectType.DEPARTMENT, start=START, end=END)

    # 100×10% + 60×30% + 33.33×30% + 80×30% = 61.999
    assert [(row.code, row.composite, row.grade) for row in rows] == [("D02", Decimal("62.00"), "C"),
                                                                      ("D01", None, None)]


def test_a_period_with_no_data(world, week):
    start, end = datetime(2026, 10, 1, tzinfo=SHANGHAI), datetime(2026, 11, 1, tzinfo=SHANGHAI)

    rows = evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.SUBDISTRICT, start=start, end=end)

    assert [(row.name, row.counts, row.composite, row.grade) for row in rows] == [
        ("青溪街道", BaseCounts(), None, None)]


def test_every_level_in_one_block_reads_the_grid_counts_once_and_gives_the_same_rows(week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiedao.evaluation.models import ObjectType
    from jiedao.evaluation.selectors import evaluation_for, shared_counts
    from jiedao.territory.models import UnitLevel

    levels = [UnitLevel.GRID, UnitLevel.COMMUNITY, UnitLevel.AREA, UnitLevel.SUBDISTRICT]

    def every_level():
        return {level: [row.as_json() for row in evaluation_for(object_type=ObjectType.REGION, level=level,
                                                                 start=START, end=END)] for level in levels}

    apart = every_level()
    with CaptureQueriesContext(connection) as queries, shared_counts():
        together = every_level()

    assert together == apart
    grouped = [query for query in queries if 'FROM "cases_case"' in query["sql"] and "GROUP BY" in query["sql"]]
    assert len(grouped) == 1  # the cases by grid, once for the four levels


def test_residents_ratings_of_closed_cases_make_the_satisfaction_rate(week):
    from datetime import timedelta

    from jiedao.cases.services import case_rate
    from jiedao.evaluation.indicators import rates_of
    from jiedao.evaluation.selectors import counts_by_unit

    case_rate(case=week.a, score=5, tracking_code=week.a.tracking_code, at=END - timedelta(days=1))
    case_rate(case=week.b, score=2, tracking_code=week.b.tracking_code, at=END - timedelta(days=1))
    case_rate(case=week.c, score=4, tracking_code=week.c.tracking_code, at=END + timedelta(hours=1))  # after

    counts = {unit.name: c for unit, c in counts_by_unit(level=UnitLevel.COMMUNITY, start=START, end=END).items()}

    assert (counts["桃源社区"].rated, counts["桃源社区"].satisfied) == (2, 1)  # C was rated after the period
    assert rates_of(counts["桃源社区"])["satisfaction_rate"] == Decimal("0.5")
    assert rates_of(counts["柳岸社区"])["satisfaction_rate"] is None  # nobody rated: "—", not 0 %
