"""The gap report on the hand-computed November of conftest.py."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from jiedao.benchmarks.models import Criterion, Decision, EvidenceSubmission, PeerFigure, PeerUnit
from jiedao.benchmarks.selectors import Status, gap_report
from jiedao.conftest import SHANGHAI
from jiedao.evaluation.measures import measure_value

from .conftest import NOVEMBER

pytestmark = pytest.mark.django_db


def _row(report, criterion):
    return next(row for row in report.rows if row.criterion == criterion)


def test_a_criterion_reads_the_existing_indicator(world, november, title):
    row = _row(gap_report(title=title.title, period=NOVEMBER), title.on_time)

    # 按期结案数 / 应结案数 = 3 / 5 (A, B, D on time; C closed late; E overdue, not closed)
    assert row.value == Decimal("60.0")
    assert row.value == measure_value("indicator:on_time_closure_rate", world.subdistrict, NOVEMBER.start,
                                      NOVEMBER.end)
    assert row.gap == Decimal("-30.0")
    assert row.met is False
    assert row.status == Status.NOT_MET
    assert (row.value_text, row.required_text, row.gap_text) == ("60.0%", "≥ 90.0%", "−30.0 个百分点")


def test_the_communities_holding_the_figure_down_worst_first(world, november, title):
    report = gap_report(title=title.title, period=NOVEMBER)

    on_time = _row(report, title.on_time)
    rework = _row(report, title.rework)

    assert [(f.unit, f.value) for f in on_time.holding_down] == [(world.liuan, Decimal("50.0")),
                                                                  (world.taoyuan, Decimal("66.7"))]
    assert on_time.holding_down[0].gap_text == "−40.0 个百分点"
    # 返工率 ≤ 5 %: 桃源 1/3 misses it; 柳岸 0/2 meets it and is not named.
    assert [(f.unit, f.value) for f in rework.holding_down] == [(world.taoyuan, Decimal("33.3"))]


def test_a_lower_is_better_criterion_gaps_the_other_way(world, november, title):
    row = _row(gap_report(title=title.title, period=NOVEMBER), title.rework)

    assert row.value == Decimal("20.0")  # 返工数 / 应结案数 = 1 / 5
    assert row.gap == Decimal("-15.0")  # 5 − 20: fifteen points too many
    assert row.met is False


def test_the_trend_is_the_last_six_months(world, november, title):
    row = _row(gap_report(title=title.title, period=NOVEMBER), title.on_time)

    assert [month.first_day for month in row.trend] == [date(2026, m, 1) for m in range(6, 12)]
    assert [month.value for month in row.trend] == [None] * 5 + [Decimal("60.0")]


def test_evidence_counts_when_the_latest_submission_is_accepted(world, november, title):
    def submission(decision, day):
        return EvidenceSubmission.objects.create(criterion=title.cleaning, submitted_by=world.people.handler,
                                                 submitted_at=datetime(2026, 11, day, tzinfo=SHANGHAI),
                                                 decision=decision)

    assert _row(gap_report(title=title.title, period=NOVEMBER), title.cleaning).status == Status.MISSING
    submission(Decision.ACCEPTED, 3)
    accepted = _row(gap_report(title=title.title, period=NOVEMBER), title.cleaning)
    submission("", 10)  # a newer one, not yet reviewed, supersedes it
    pending = _row(gap_report(title=title.title, period=NOVEMBER), title.cleaning)

    assert (accepted.status, accepted.met) == (Status.ACCEPTED, True)
    assert (pending.status, pending.met) == (Status.PENDING, False)


def test_the_summary_counts_and_weighs_the_criteria_met(world, november, title):
    EvidenceSubmission.objects.create(criterion=title.cleaning, submitted_by=world.people.handler,
                                      submitted_at=NOVEMBER.start, decision=Decision.ACCEPTED)

    summary = gap_report(title=title.title, period=NOVEMBER).summary

    assert (summary.met, summary.total) == (1, 3)
    assert summary.weighted_share == Decimal("30.0")  # 30 of 40 + 30 + 30


def test_the_peers_latest_figure_known_at_the_end_of_the_period_is_beside_ours(world, november, title):
    peer = PeerUnit.objects.create(name="东湖街道")
    for first, last, value in ((date(2026, 10, 1), date(2026, 10, 31), "92.0"),
                               (date(2026, 11, 1), date(2026, 11, 30), "93.0"),
                               (date(2026, 12, 1), date(2026, 12, 31), "99.0")):
        PeerFigure.objects.create(peer=peer, criterion=title.on_time, first_day=first, last_day=last,
                                  value=Decimal(value))

    report = gap_report(title=title.title, period=NOVEMBER, peer=peer)

    assert report.peers == [peer]
    assert _row(report, title.on_time).peer_text == "93.0%"
    assert _row(report, title.rework).peer_text == "—"


def test_a_measure_that_no_longer_exists_is_said_not_a_crash(world, november, title):
    Criterion.objects.filter(pk=title.rework.pk).update(measure_key="inspection:gone")

    row = _row(gap_report(title=title.title, period=NOVEMBER), title.rework)

    assert (row.value, row.status) == (None, Status.NO_DATA)
    assert "inspection:gone" in row.problem
