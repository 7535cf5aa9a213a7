"""Measures (evaluation/measures.py) on the hand-computed week of conftest.py: the same numbers as the
evaluation, by key, for any unit; an unknown key said clearly; other apps' measures by one line."""

from decimal import Decimal

import pytest

from jiedao.evaluation import measures
from jiedao.evaluation.measures import (
    Measure,
    UnknownMeasure,
    as_percent,
    measure_for,
    measure_value,
    measures_available,
)
from jiedao.evaluation.models import ObjectType
from jiedao.evaluation.selectors import evaluation_for
from jiedao.territory.models import UnitLevel

from .conftest import END, START


def test_an_indicator_measure_is_the_evaluations_rate_in_percent(world, week):
    # 桃源社区第1网格: 按期结案数 2 / 应结案数 5 = 40 %; 返工数 1 / 5 = 20 %; 超期待处置 D and F.
    assert measure_value("indicator:on_time_closure_rate", world.taoyuan, START, END) == Decimal("40.0")
    assert measure_value("indicator:rework_rate", world.taoyuan, START, END) == Decimal("20.0")
    assert measure_value("count:overdue_pending", world.taoyuan, START, END) == Decimal(2)
    # 柳岸社区: one hotline case filed, nothing dispatched: nothing to close, "—" and not 0 %.
    assert measure_value("indicator:on_time_closure_rate", world.liuan, START, END) is None


def test_one_number_everywhere(world, week):
    """Every rate and the composite read by a measure equal the evaluation page's row, for every community."""
    rows = {row.key: row for row in evaluation_for(object_type=ObjectType.REGION, level=UnitLevel.COMMUNITY,
                                                   start=START, end=END)}
    communities = [world.taoyuan, world.liuan]
    for measure in measures_available():
        values = measure.values(communities, START, END)
        for unit in communities:
            row = rows[unit.pk]
            if measure.key.startswith("indicator:"):
                assert values[unit.pk] == as_percent(row.rates[measure.key.split(":", 1)[1]]), measure.key
            elif measure.key.startswith("count:"):
                assert values[unit.pk] == getattr(row.counts, measure.key.split(":", 1)[1]), measure.key
            elif measure.key == "evaluation:composite":
                assert values[unit.pk] == row.composite


def test_a_measure_reads_units_of_several_levels_at_once(world, week):
    values = measure_for("count:reported").values([world.subdistrict, world.taoyuan, world.grids[2]], START, END)

    assert values == {world.subdistrict.pk: Decimal(8), world.taoyuan.pk: Decimal(7), world.grids[2].pk: Decimal(1)}


def test_an_unknown_key_is_a_clear_error(db):
    with pytest.raises(UnknownMeasure) as unknown:
        measure_for("indicator:happiness")

    assert str(unknown.value) == "没有名为“indicator:happiness”的指标"


def test_peoples_rates_are_not_measures_of_places(db):
    keys = {measure.key for measure in measures_available()}

    assert "indicator:on_time_closure_rate" in keys and "evaluation:composite" in keys
    assert "indicator:on_time_verify_rate" not in keys


def contributed_measures() -> list[Measure]:
    return [Measure(key="inspection:SRHJ", label="市容环境考评", unit=measures.SCORE, higher_is_better=True,
                    reader=lambda units, start, end: {unit.pk: Decimal("86.5") for unit in units})]


def test_another_app_adds_its_measures_by_one_line(world, monkeypatch):
    monkeypatch.setattr(measures, "CONTRIBUTED", (
        ("jiedao.evaluation", "jiedao.evaluation.tests.test_measures.contributed_measures"),
        ("jiedao.not_installed", "jiedao.not_installed.measures.anything"),  # skipped: not installed
    ))

    assert measure_value("inspection:SRHJ", world.taoyuan, START, END) == Decimal("86.5")
    assert measures_available()[-1].key == "inspection:SRHJ"
