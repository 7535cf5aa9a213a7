"""Editable schemes, the seed, rankings with movement, and publication snapshots."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jiedao.evaluation.models import GradeScale, ObjectType, RankingPublication, RankingRule, ScoringScheme
from jiedao.evaluation.selectors import evaluation_for, ranking
from jiedao.evaluation.services import (
    evaluation_seed_defaults,
    ranking_compute,
    ranking_publish,
    scoring_scheme_save,
)
from jiedao.territory.models import UnitLevel

from .conftest import END, SHANGHAI, START

PREVIOUS = (datetime(2026, 11, 10, tzinfo=SHANGHAI), START)


@pytest.mark.django_db
def test_seed_is_idempotent_and_keeps_edits():
    call_command("seed_evaluation", verbosity=0)
    region = ScoringScheme.objects.get(object_type=ObjectType.REGION)
    scoring_scheme_save(scheme=region, weights={"closure_rate": 50, "on_time_closure_rate": 50})

    assert evaluation_seed_defaults() == (0, 0)
    assert ScoringScheme.objects.count() == len(ObjectType)
    assert GradeScale.objects.count() == 5
    assert ScoringScheme.objects.get(object_type=ObjectType.REGION).weights == {"closure_rate": 50,
                                                                                "on_time_closure_rate": 50}
    assert "40%" in region.note


@pytest.mark.django_db
def test_weights_not_summing_to_one_hundred_are_refused_with_the_reason():
    evaluation_seed_defaults()
    scheme = ScoringScheme.objects.get(object_type=ObjectType.DEPARTMENT)

    with pytest.raises(ValidationError) as refused:
        scoring_scheme_save(scheme=scheme, weights={"closure_rate": 30, "rework_rate": 30, "filed_volume": 10})

    assert refused.value.message_dict == {"weights": ["各项权重合计须为 100%，当前合计 70%"]}
    assert ScoringScheme.objects.get(pk=scheme.pk).weights["on_time_handling_rate"] == 30


@pytest.mark.django_db
def test_a_broken_stepped_table_is_refused():
    evaluation_seed_defaults()
    scheme = ScoringScheme.objects.get(object_type=ObjectType.DEPARTMENT)

    with pytest.raises(ValidationError) as refused:
        scoring_scheme_save(scheme=scheme, weights=scheme.weights,
                            stepped_tables={"filed_volume": {"steps": [{"op": "≈", "value": 5, "score": 100}]}})

    assert list(refused.value.message_dict) == ["stepped_tables"]


def _rule():
    return RankingRule.objects.create(name="社区月度红黑榜", level=UnitLevel.COMMUNITY, red_top_n=1,
                                      black_bottom_n=1, veto_overdue_pending_over=5)


def test_movement_against_the_previous_publication(world, week):
    rule = _rule()
    RankingPublication.objects.create(rule=rule, period_start=PREVIOUS[0], period_end=PREVIOUS[1],
                                      computed_at=PREVIOUS[1], is_published=True, rows=[
                                          {"key": world.liuan.pk, "rank": 1}, {"key": world.taoyuan.pk, "rank": 2}])

    rows = ranking(rule=rule, start=START, end=END, previous=PREVIOUS)

    assert [(r.row.name, r.rank, r.previous_rank, r.movement, r.is_red, r.is_black) for r in rows] == [
        ("桃源社区", 1, 2, 1, True, True),  # alone on the list: both top 1 and bottom 1
        ("柳岸社区", None, 1, None, False, False),
    ]


def test_movement_recomputed_when_nothing_was_published(world, week):
    rule = _rule()

    rows = ranking(rule=rule, start=START, end=END, previous=PREVIOUS)

    # The previous week had no cases: nobody was ranked, so there is no movement to show.
    assert [(r.row.name, r.previous_rank, r.movement) for r in rows] == [("桃源社区", None, None),
                                                                          ("柳岸社区", None, None)]


def test_publishing_freezes_the_snapshot(world, week):
    rule = _rule()
    publication = ranking_compute(rule=rule, start=START, end=END)
    assert publication.rows[0]["composite"] == "60.00"

    published = ranking_publish(publication=publication, by=world.people.leader)

    assert published.is_published and published.published_by == world.people.leader
    with pytest.raises(ValidationError):
        ranking_compute(rule=rule, start=START, end=END)
    with pytest.raises(ValidationError):
        ranking_publish(publication=publication, by=world.people.leader)
    assert RankingPublication.objects.get().rows == published.rows


def test_field_worker_rows(world, week):
    rows = {row.code: row for row in evaluation_for(object_type=ObjectType.FIELD_WORKER, start=START, end=END)}

    # other_grid_worker: 有效上报率 has no reports (—), so no composite.
    assert rows["other_grid_worker"].composite is None
    assert rows["other_grid_worker"].scores["on_time_verify_rate"] == Decimal("100.00")
    # H in their grid came from the hotline, but nobody confirmed it as a 漏报 (§3.2 "经确认的"): 0 missed of 1
    assert rows["other_grid_worker"].scores["missed_report_rate"] == Decimal("100.00")
    assert rows["inspector"].scores["on_time_check_rate"] == Decimal("75.00")  # 3 of 4 checks
