"""Progress counted from the cases, by hand (the campaign of conftest.py, read on 2026-11-17 09:00).

The cases of `scene` (暴露垃圾 is 清积存垃圾's category; 非法小广告 belongs to no line):

| case | where | reported | then | counts for |
|---|---|---|---|---|
| A | 10 m north of 桃源背街 (grid 0) | 11-10 | closed 11-12 | 桃源 found+done, street found+done |
| B | 50 m north of the street (grid 0) | 11-10 | in handling | 桃源 found+open; not the street (30 m) |
| C | inside 柳岸市场 (grid 2) | 11-11 | closed 11-13 | 柳岸 found+done, market found+done |
| D | 柳岸 grid 3, outside both | 10-25 | closed 11-05 | 柳岸 done (reported before the campaign) |
| E | 桃源 grid 1 | 10-20 | closed 10-28 | nothing (all before the campaign) |
| G | 非法小广告 on the street | 11-10 | closed 11-12 | nothing (no line's category) |
| V | on the street | 11-12 | voided | nothing (作废 is never found) |

Targets (清积存垃圾, 处): 桃源 4, 柳岸 2, 桃源背街 2. Completion: 桃源 1/4 = 25 %, 柳岸 2/2 = 100 %,
street 1/2 = 50 % → overall mean 58.3 %, 桃源's own (its target and its street's) 37.5 %."""

from datetime import date
from decimal import Decimal

import pytest

from jiedao.campaigns.selectors import campaign_progress, campaign_trend, laggards
from jiedao.cases.models import CaseState

from .conftest import at, closed, north_of_street, reported

pytestmark = pytest.mark.django_db


def _row(rows, name):
    return next(row for row in rows if row.name == name)


def test_cases_count_for_their_community_by_the_grid_they_lie_in(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    garbage = campaign_world.garbage.pk
    taoyuan = _row(progress.communities, "桃源社区").cells[garbage].tally
    liuan = _row(progress.communities, "柳岸社区").cells[garbage].tally
    assert (taoyuan.found, taoyuan.done, taoyuan.open) == (2, 1, 1)  # A, B found; A done; B open
    assert (liuan.found, liuan.done, liuan.open) == (1, 2, 0)  # C found; C and D done


def test_a_case_counts_for_a_back_street_within_its_buffer_and_for_a_market_inside_it(world, scene,
                                                                                   campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    garbage = campaign_world.garbage.pk
    street = _row(progress.key_places, "桃源背街").cells[garbage].tally
    market = _row(progress.key_places, "柳岸市场").cells[garbage].tally
    assert (street.found, street.done) == (1, 1)  # A at 10 m; B at 50 m is outside the 30 m
    assert (market.found, market.done) == (1, 1)  # C
    assert progress.place_case_ids == {scene["A"].pk, scene["C"].pk}
    assert progress.place_open_case_ids == set()  # both closed


def test_completion_is_done_over_target_capped_and_averaged(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    assert progress.completion == Decimal("58.3")  # (25 % + 100 % + 50 %) / 3
    assert _row(progress.communities, "桃源社区").completion == Decimal("37.5")  # (25 % + 50 %) / 2
    assert _row(progress.communities, "柳岸社区").completion == Decimal("100.0")
    assert _row(progress.key_places, "桃源背街").completion == Decimal("50.0")
    assert _row(progress.key_places, "柳岸市场").completion is None  # no target
    line = progress.line_rows[0]
    assert (line.cell.count_target, line.cell.tally.done, line.completion) == (Decimal(6), 3, Decimal("58.3"))
    assert (progress.total.found, progress.total.done) == (3, 3)
    assert [row.name for row in laggards(progress.communities)] == ["桃源社区", "柳岸社区"]


def test_the_community_level_sees_its_own_targets_and_places_only(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.taoyuan, until=at(11, 17, 9))

    assert [row.name for row in progress.communities] == ["桃源社区"]
    assert [row.name for row in progress.key_places] == ["桃源背街"]
    assert progress.completion == Decimal("37.5")
    assert (progress.total.found, progress.total.done) == (2, 1)


def test_the_recent_window_counts_what_happened_since_its_start(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9),
                                 recent_start=at(11, 12, 0))

    total = progress.total
    assert (total.found_recent, total.done_recent) == (0, 2)  # A closed 11-12, C 11-13; none reported since


def test_reading_at_an_earlier_moment_counts_what_had_happened_then(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 12, 12))

    garbage = campaign_world.garbage.pk
    liuan = _row(progress.communities, "柳岸社区").cells[garbage].tally
    assert (liuan.found, liuan.done) == (1, 1)  # C reported, not yet closed (11-13); D closed 11-05


def test_the_trend_has_a_day_for_each_day_of_the_campaign_so_far(world, scene, campaign_world):
    days = campaign_trend(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    assert days[0].day == date(2026, 11, 1) and days[-1].day == date(2026, 11, 17)
    assert {day.day.day: day.done for day in days if day.done} == {5: 1, 12: 1, 13: 1}
    assert {day.day.day: day.found for day in days if day.found} == {10: 2, 11: 1}
    group = campaign_world.garbage.group_id
    assert next(day for day in days if day.day.day == 12).done_by_group == {group: 1}


# ---------------------------------------------------------------- the period's edges

@pytest.fixture
def edges(world, clock, campaign_world):
    """The campaign ends 11-15; cases around both ends of it, in 桃源 grid 1 (no key place)."""
    cw, inspector = campaign_world, campaign_world.inspector
    cw.campaign.ends_on = date(2026, 11, 15)
    cw.campaign.save()
    spot = {"lon": 120.115, "lat": 30.205}
    p1 = reported(world, clock, at(10, 31, 23, 59, 59), **spot)
    closed(world, clock, p1, at(11, 2), inspector=inspector)
    p2 = reported(world, clock, at(11, 1, 0, 0, 0), **spot)
    p5 = reported(world, clock, at(11, 3), **spot)
    closed(world, clock, p5, at(11, 15, 23, 59, 59), inspector=inspector)
    p3 = reported(world, clock, at(11, 15, 23, 59, 59), **spot)
    p4 = reported(world, clock, at(11, 16, 0, 0, 0), **spot)
    closed(world, clock, p2, at(11, 16, 0, 0, 0), inspector=inspector)
    clock.move_to(at(11, 17, 9))
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}


def test_the_period_includes_its_first_and_last_instant_and_nothing_after(world, edges, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    tally = _row(progress.communities, "桃源社区").cells[campaign_world.garbage.pk].tally
    assert tally.found == 3  # p2 (11-01 00:00:00), p3 (11-15 23:59:59), p5; not p1 (10-31), p4 (11-16)
    assert tally.done == 2  # p1 (reported before, closed 11-02), p5 (11-15 23:59:59); not p2 (11-16 00:00)
    assert tally.open == 1  # p3
    assert progress.window.until == at(11, 16, 0)
    assert progress.window.last_day == date(2026, 11, 15)


def test_a_category_of_another_line_counts_for_that_line_only(world, clock, campaign_world):
    case = reported(world, clock, at(11, 10), lon=120.105, lat=north_of_street(0), item=world.no_rule_item)
    case = closed(world, clock, case, at(11, 11), inspector=campaign_world.inspector)

    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))

    street = _row(progress.key_places, "桃源背街")
    assert street.cells[campaign_world.buildings.pk].tally.done == 1
    assert street.cells[campaign_world.garbage.pk].tally.done == 0
    assert case.state == CaseState.CLOSED


def test_before_the_campaign_begins_nothing_is_counted(world, scene, campaign_world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(10, 30))

    assert progress.window.has_begun is False
    assert (progress.total.found, progress.total.done) == (0, 0)
    assert progress.completion == Decimal("0.0")
    assert campaign_trend(campaign=campaign_world.campaign, level=world.subdistrict, until=at(10, 30)) == []
