"""The pure formulas of standards.md §3: rates, 分值, stepped tables, weights, grades, ranks."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiedao.evaluation.defaults import GRADES, SCHEMES
from jiedao.evaluation.indicators import (
    RATES,
    BaseCounts,
    bottom_ranks,
    competition_ranks,
    composite_score,
    grade_for,
    rate_score,
    rates_of,
    stepped_score,
    validate_weights,
)
from jiedao.evaluation.models import ObjectType, RankingRule
from jiedao.evaluation.selectors import EvaluationRow, ranked

THRESHOLDS = [(grade, Decimal(minimum)) for grade, minimum in GRADES]
DEPARTMENT_VOLUME = SCHEMES[ObjectType.DEPARTMENT]["stepped_tables"]["filed_volume"]
REGION_VOLUME = SCHEMES[ObjectType.REGION]["stepped_tables"]["filed_volume"]


def test_every_rate_is_none_when_there_is_nothing_to_measure():
    rates = rates_of(BaseCounts())

    assert set(rates) == set(RATES)
    assert all(value is None for value in rates.values())
    assert rate_score(None, lower_is_better=False) is None


def test_rates_from_counts():
    counts = BaseCounts(reported=7, valid_reported=6, dispatches=7, returns=1, due_handling=6, handled=3,
                        handled_on_time=2, overdue_pending=2, extended=1, due_closure=5, closed=3,
                        closed_on_time=2, reworked=1, first_time_closed=2)

    rates = rates_of(counts)

    assert rates["closure_rate"] == Decimal("0.6")
    assert rates["on_time_closure_rate"] == Decimal("0.4")
    assert rates["rework_rate"] == Decimal("0.2")
    assert rates["handling_rate"] == Decimal("0.5")
    assert rate_score(rates["on_time_handling_rate"], lower_is_better=False) == Decimal("33.33")
    assert rate_score(rates["accurate_dispatch_rate"], lower_is_better=False) == Decimal("85.71")
    assert rate_score(rates["rework_rate"], lower_is_better=True) == Decimal("80.00")
    assert rate_score(rates["first_time_rate"], lower_is_better=False) == Decimal("66.67")


def test_accurate_dispatch_never_below_zero_when_returns_answer_earlier_dispatches():
    assert RATES["accurate_dispatch_rate"].of(BaseCounts(dispatches=1, returns=3)) == 0


@pytest.mark.parametrize(("filed", "score"), [
    (0, 100), (50, 100), (51, 90), (100, 90), (101, 75), (200, 75), (201, 60), (500, 60), (501, 40),
    (1000, 40), (1001, 0),
])
def test_department_volume_steps_at_their_edges(filed, score):
    assert stepped_score(filed, DEPARTMENT_VOLUME) == Decimal(score)


@pytest.mark.parametrize(("grid_class", "filed", "score"), [
    ("1", 0, 100), ("1", 1, 90), ("1", 2, 90), ("1", 3, 75), ("1", 4, 75), ("1", 5, 60), ("1", 7, 40),
    ("1", 8, 40), ("1", 9, 0), ("2", 1, 100), ("2", 2, 90), ("2", 4, 75), ("2", 9, 40), ("2", 10, 0),
])
def test_region_volume_steps_per_grid_class(grid_class, filed, score):
    assert stepped_score(filed, REGION_VOLUME[grid_class]) == Decimal(score)


def test_weights_must_sum_to_one_hundred():
    with pytest.raises(ValidationError) as refused:
        validate_weights({"closure_rate": 30, "on_time_closure_rate": 10, "filed_volume": 20,
                          "public_report_rate": 10})

    assert refused.value.messages == ["各项权重合计须为 100%，当前合计 70%"]


def test_seeded_weights_sum_to_one_hundred():
    for values in SCHEMES.values():
        validate_weights(values["weights"])


def test_composite_is_the_weighted_sum_and_needs_every_weighted_score():
    weights = SCHEMES[ObjectType.REGION]["weights"]
    scores = {"public_report_rate": Decimal(100), "filed_volume": Decimal(60), "closure_rate": Decimal(60),
              "on_time_closure_rate": Decimal(40)}

    assert composite_score(scores, weights) == Decimal("56.00")
    assert composite_score({**scores, "closure_rate": None}, weights) is None


@pytest.mark.parametrize(("score", "grade"), [
    ("100", "A"), ("90.00", "A"), ("89.99", "B"), ("75", "B"), ("74.99", "C"), ("60", "C"), ("59.99", "D"),
    ("40", "D"), ("39.99", "E"), ("0", "E"),
])
def test_grades_at_their_boundaries(score, grade):
    assert grade_for(Decimal(score), THRESHOLDS) == grade


def test_no_score_no_grade():
    assert grade_for(None, THRESHOLDS) is None


def test_ties_share_a_place():
    scores = [Decimal(90), Decimal(80), Decimal(80), Decimal(70), None]

    assert competition_ranks(scores) == [1, 2, 2, 4, None]
    assert bottom_ranks(scores) == [4, 2, 2, 1, None]


def _row(key, composite, **counts):
    return EvaluationRow(key=key, code=str(key), name=str(key), counts=BaseCounts(**counts), rates={}, scores={},
                         composite=None if composite is None else Decimal(composite), grade=None)


def test_red_and_black_lists_with_ties_and_a_veto():
    rule = RankingRule(red_top_n=2, black_bottom_n=1, veto_overdue_pending_over=3, veto_error_closure=True)
    rows = [_row(1, 95), _row(2, 88), _row(3, 88), _row(4, 70, overdue_pending=4), _row(5, 50), _row(6, 50),
            _row(7, None), _row(8, 92, error_closed=1)]

    result = {item.row.key: item for item in ranked(rule=rule, rows=rows)}

    # 1 (95) ranks 1, 8 (92) ranks 2 but its 差错结案 vetoes it; 2 and 3 tie at 3.
    assert [result[k].rank for k in range(1, 9)] == [1, 3, 3, 5, 6, 6, None, 2]
    assert {k for k, item in result.items() if item.is_red} == {1}
    # the two tied last are both on the 黑榜, and both vetoed ones
    assert {k for k, item in result.items() if item.is_black} == {4, 5, 6, 8}
    assert result[4].vetoes == ["overdue_pending"]
    assert result[8].vetoes == ["error_closed"]
    assert not result[7].is_red and not result[7].is_black


def test_red_list_by_threshold_and_count_together():
    rule = RankingRule(red_top_n=3, red_min_score=Decimal(90), black_max_score=Decimal(60))
    rows = [_row(1, 95), _row(2, 91), _row(3, 89), _row(4, 59.99)]

    result = {item.row.key: item for item in ranked(rule=rule, rows=rows)}

    assert {k for k, item in result.items() if item.is_red} == {1, 2}
    assert {k for k, item in result.items() if item.is_black} == {4}


def test_a_composite_without_weights_is_empty_not_zero():
    from jiedao.evaluation.indicators import composite_score

    assert composite_score({"closure_rate": Decimal(100)}, {}) is None


def test_every_object_type_is_measured_on_known_counts_and_rates():
    from jiedao.evaluation.indicators import COUNT_NAMES, MEASURED_ON, RATES
    from jiedao.evaluation.models import ObjectType

    assert set(MEASURED_ON) == set(ObjectType.values)
    for counts, rates in MEASURED_ON.values():
        assert set(counts) <= set(COUNT_NAMES) and set(rates) <= set(RATES)


@pytest.mark.parametrize("composite, inspection, weight, expected", [
    ("80", "90", 0, "80"),        # case indicators only
    ("80", "90", 100, "90"),      # inspection average only
    ("80", "90", 30, "83.00"),    # 80 × 70 % + 90 × 30 %
    ("80", None, 30, None),       # a weighed part missing: no score, as composite_score
    (None, "90", 100, "90"),
])
def test_a_ranking_weighs_the_inspection_average_with_the_composite(composite, inspection, weight, expected):
    from jiedao.evaluation.indicators import blended_score

    value = blended_score(None if composite is None else Decimal(composite),
                          None if inspection is None else Decimal(inspection), weight)
    assert value == (None if expected is None else Decimal(expected))


def test_a_rule_with_inspection_scores_ranks_by_the_blend():
    from jiedao.checklists.models import Checklist

    rule = RankingRule(red_top_n=1, black_bottom_n=1, inspection_weight=50,
                       inspection_checklist=Checklist(pk=1, code="street", name="市容"))
    rows = [_row(1, 95), _row(2, 85), _row(3, 80)]
    # 1: (95 + 60) / 2 = 77.5; 2: (85 + 95) / 2 = 90; 3: (80 + 70) / 2 = 75
    inspection = {1: Decimal(60), 2: Decimal(95), 3: Decimal(70)}

    result = {item.row.key: item for item in ranked(rule=rule, rows=rows, inspection=inspection)}

    assert [result[k].rank for k in (1, 2, 3)] == [2, 1, 3]
    assert [result[k].score for k in (1, 2, 3)] == [Decimal("77.50"), Decimal("90.00"), Decimal("75.00")]
    assert result[2].is_red and result[3].is_black
    assert result[1].as_json()["inspection"] == "60"


def test_every_count_has_its_definition():
    from jiedao.evaluation.indicators import COUNT_DEFINITIONS, COUNT_LABELS, COUNT_NAMES

    assert set(COUNT_DEFINITIONS) == set(COUNT_NAMES) == set(COUNT_LABELS)
