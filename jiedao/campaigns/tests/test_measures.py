"""The measure benchmarking reads: the page's completion, for any units."""

from datetime import date
from decimal import Decimal

import pytest

from jiedao.campaigns.measures import campaign_measures

from .conftest import at

pytestmark = pytest.mark.django_db


def _by_key(measures):
    return {measure.key: measure for measure in measures}


def test_a_campaign_offers_its_completion_and_each_lines(world, scene, campaign_world):
    measures = _by_key(campaign_measures())

    assert list(measures) == ["campaign:sanqing", "campaign:sanqing:clear-garbage",
                              "campaign:sanqing:demolish-buildings"]
    whole = measures["campaign:sanqing"]
    assert (whole.unit, whole.higher_is_better) == ("%", True)
    assert whole.label == "三清三拆三整治专项行动 · 目标完成率"


def test_the_values_are_the_pages_completion_under_each_unit(world, scene, campaign_world):
    measures = _by_key(campaign_measures())
    units = [world.district, world.subdistrict, world.taoyuan, world.liuan, world.grids[0]]

    values = measures["campaign:sanqing"].values(units, at(11, 1, 0), at(11, 17, 9))

    assert values == {world.district.pk: Decimal("58.3"), world.subdistrict.pk: Decimal("58.3"),
                      world.taoyuan.pk: Decimal("37.5"), world.liuan.pk: Decimal("100.0"), world.grids[0].pk: None}
    by_line = measures["campaign:sanqing:demolish-buildings"].values(units, date(2026, 11, 1), date(2026, 11, 17))
    assert set(by_line.values()) == {None}  # no target on that line


def test_a_window_that_misses_the_campaign_has_no_value(world, scene, campaign_world):
    whole = _by_key(campaign_measures())["campaign:sanqing"]

    assert whole.values([world.subdistrict], date(2026, 10, 1), date(2026, 10, 31)) == {world.subdistrict.pk: None}
    assert whole.values([world.subdistrict], date(2026, 12, 1), date(2026, 12, 31)) == {world.subdistrict.pk: None}
    # A window ending on 11-12 reads the campaign as it stood then: 桃源 1/4 (A closed 11-12), 柳岸 1/2 (D), street 1/2.
    assert whole.values([world.subdistrict], date(2026, 11, 1), date(2026, 11, 12)) == {
        world.subdistrict.pk: Decimal("41.7")}
