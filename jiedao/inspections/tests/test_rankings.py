"""A ranking rule that ranks communities by an inspection checklist's average (issue 9): the
ranking, its published snapshot and the public 红黑榜 carry the inspection score."""

from datetime import date
from decimal import Decimal as D

from django.urls import reverse

from jiedao.evaluation.models import ObjectType, PeriodType, RankingRule
from jiedao.evaluation.selectors import ranking
from jiedao.evaluation.services import ranking_compute, ranking_publish
from jiedao.inspections import services
from jiedao.inspections.selectors import day_start
from jiedao.territory.models import UnitLevel

from .conftest import score, start

NOVEMBER = (day_start(date(2026, 11, 1)), day_start(date(2026, 12, 1)))


def _rule(sheet, weight):
    return RankingRule.objects.create(name="社区检查考评", object_type=ObjectType.REGION, level=UnitLevel.COMMUNITY,
                                      period_type=PeriodType.MONTH, red_top_n=1, black_bottom_n=1,
                                      inspection_checklist=sheet.checklist, inspection_weight=weight)


def _inspect(world, sheet, unit, litter_spots):
    inspection = start(world, sheet, unit=unit, by=world.people.leader)
    score(inspection, "1", litter_spots, column=0 if unit == world.taoyuan else 2)
    services.inspection_submit(inspection=inspection, by=world.people.leader)


def test_communities_rank_by_their_inspection_average_on_100(world, sheet, clock, client):
    # 桃源: 20 − 2 = 18 of 20 → 90 on 100; 柳岸: 20 − 6 = 14 of 20 → 70.
    _inspect(world, sheet, world.taoyuan, 1)
    _inspect(world, sheet, world.liuan, 3)
    rule = _rule(sheet, weight=100)

    rows = {item.row.name: item for item in ranking(rule=rule, start=NOVEMBER[0], end=NOVEMBER[1])}

    assert (rows["桃源社区"].inspection, rows["桃源社区"].score, rows["桃源社区"].rank) == (D(90), D(90), 1)
    assert (rows["柳岸社区"].inspection, rows["柳岸社区"].score, rows["柳岸社区"].rank) == (D(70), D(70), 2)
    assert rows["桃源社区"].is_red and rows["柳岸社区"].is_black

    ranking_publish(publication=ranking_compute(rule=rule, start=NOVEMBER[0], end=NOVEMBER[1]),
                    by=world.people.leader)
    page = client.get(reverse("web:public-rankings")).content.decode()
    assert "检查得分" in page
    assert '<td class="sticky-col sticky-col--name">桃源社区</td><td>—</td><td>90.00</td><td>90.00</td>' in page


def test_a_rule_without_inspection_weight_ranks_by_the_case_indicators_only(world, sheet, clock):
    _inspect(world, sheet, world.taoyuan, 1)
    rule = _rule(sheet, weight=0)

    rows = {item.row.name: item for item in ranking(rule=rule, start=NOVEMBER[0], end=NOVEMBER[1])}

    assert rows["桃源社区"].inspection is None
    assert rows["桃源社区"].score == rows["桃源社区"].row.composite
