"""Tracks, without a database: distance on the sphere, thinning, and the points refused."""

import math

import pytest

from jiedao.field.tracks import (
    OUT_OF_ORDER,
    OUT_OF_RANGE,
    OUT_OF_TIME,
    THINNED,
    TOO_FAST,
    TrackRules,
    haversine_m,
    track_distance_m,
    track_extend,
)

RULES = TrackRules(min_distance_m=10, min_interval_s=30, max_speed_mps=50, earliest_t=0, latest_t=10_000)
# At 30.2° N a degree of longitude is 111 195 m · cos(30.2°); these steps are ~96 m east.
LON, LAT = 120.1, 30.2
STEP = 0.001


def test_one_degree_of_latitude_is_the_mean_earth_radius_times_pi_over_180():
    assert haversine_m(120.0, 30.0, 120.0, 31.0) == pytest.approx(6_371_008.8 * math.pi / 180, rel=1e-12)


def test_a_degree_of_longitude_shrinks_with_the_cosine_of_latitude():
    # a tenth of a milli-degree so the great circle and the parallel coincide
    expected = 6_371_008.8 * math.radians(0.0001) * math.cos(math.radians(60))
    assert haversine_m(10.0, 60.0, 10.0001, 60.0) == pytest.approx(expected, rel=1e-6)


def test_the_same_point_is_zero_metres_and_antipodes_are_half_the_circumference():
    assert haversine_m(LON, LAT, LON, LAT) == 0
    assert haversine_m(0, 0, 180, 0) == pytest.approx(math.pi * 6_371_008.8)


def test_track_distance_is_the_sum_of_its_legs():
    track = [[LON, LAT, 0], [LON + STEP, LAT, 60], [LON + STEP, LAT + STEP, 120]]
    leg1 = haversine_m(LON, LAT, LON + STEP, LAT)
    leg2 = haversine_m(LON + STEP, LAT, LON + STEP, LAT + STEP)
    assert track_distance_m(track) == pytest.approx(leg1 + leg2)
    assert round(leg1) == 96 and round(leg2) == 111
    assert track_distance_m([]) == 0 and track_distance_m(track[:1]) == 0


def test_points_close_in_space_and_time_are_thinned_but_a_long_pause_or_a_step_is_kept():
    points = [
        [LON, LAT, 0],
        [LON + 0.00005, LAT, 10],  # ~5 m after 10 s: thinned
        [LON + 0.00005, LAT, 30],  # ~5 m from the last kept, but 30 s later: kept
        [LON + 0.00020, LAT, 35],  # ~14 m in 5 s: kept
    ]
    result = track_extend(last=None, points=points, rules=RULES)
    assert [p[2] for p in result.kept] == [0, 30, 35]
    assert result.dropped == {THINNED: 1}
    assert result.rejected_count == 0


def test_a_jump_faster_than_the_limit_is_rejected_and_the_next_point_is_judged_from_the_last_kept():
    points = [
        [LON + STEP, LAT, 100],  # 96 m in 100 s from `last`: 0.96 m/s, kept
        [LON + 0.05, LAT, 110],  # ~4.7 km in 10 s: a GPS jump
        [LON + 2 * STEP, LAT, 130],  # 96 m in 30 s from the last *kept* point: kept
    ]
    result = track_extend(last=[LON, LAT, 0], points=points, rules=RULES)
    assert [p[2] for p in result.kept] == [100, 130]
    assert result.dropped == {TOO_FAST: 1}


def test_speed_just_under_the_limit_is_kept_and_just_over_is_not():
    metres_per_step = haversine_m(LON, LAT, LON + STEP, LAT)
    under = metres_per_step / 49.9
    over = metres_per_step / 50.1
    kept = track_extend(last=[LON, LAT, 0], points=[[LON + STEP, LAT, under]], rules=RULES)
    refused = track_extend(last=[LON, LAT, 0], points=[[LON + STEP, LAT, over]], rules=RULES)
    assert (len(kept.kept), len(refused.kept)) == (1, 0)


@pytest.mark.parametrize("point", [[200, LAT, 10], [LON, -91, 10], [float("nan"), LAT, 10], [LON, LAT, float("inf")],
                                   ["abc", LAT, 10], [None, None, None]])
def test_a_point_that_is_not_a_place_is_out_of_range(point):
    result = track_extend(last=None, points=[point], rules=RULES)
    assert (result.kept, result.dropped) == ([], {OUT_OF_RANGE: 1})


def test_points_outside_the_patrol_time_or_not_after_the_last_are_rejected():
    rules = TrackRules(min_distance_m=10, min_interval_s=30, max_speed_mps=50, earliest_t=100, latest_t=1000)
    points = [[LON, LAT, 50], [LON, LAT, 2000], [LON, LAT, 500], [LON + STEP, LAT, 500], [LON + STEP, LAT, 400]]
    result = track_extend(last=None, points=points, rules=rules)
    assert [p[2] for p in result.kept] == [500]
    assert result.dropped == {OUT_OF_TIME: 2, OUT_OF_ORDER: 2}
    assert result.rejected_count == 4
