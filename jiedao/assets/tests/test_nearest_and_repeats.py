"""The nearest assets offered on a report, and the assets whose repairs recur."""

from datetime import timedelta

import time_machine

from jiedao.assets.models import AssetPolicy
from jiedao.assets.selectors import assets_nearest, assets_with_repeat_repairs, repeat_repair_counts
from jiedao.assets.services import asset_link_for
from jiedao.conftest import report


def test_the_nearest_assets_in_use_within_the_distance_nearest_first(world, register):
    lon, lat = register.point

    near = assets_nearest(longitude=lon, latitude=lat)

    # within 50 m: the lamp (0 m), the lamp 20 m east, the manhole 40 m east; not the removed one,
    # not the bin 300 m away.
    assert [entry.asset.identifier for entry in near] == [register.lamp.identifier, register.lamp_20m.identifier,
                                                         register.manhole_40m.identifier]
    assert [round(entry.distance_m) for entry in near] == [0, 20, 40]


def test_the_distance_and_the_count_are_data(world, register):
    lon, lat = register.point
    AssetPolicy.objects.filter(pk=AssetPolicy.current().pk).update(nearest_within_m=30, nearest_count=1)

    near = assets_nearest(longitude=lon, latitude=lat)

    assert [entry.asset.pk for entry in near] == [register.lamp.pk]


def test_three_repair_cases_within_ninety_days_make_a_repeat(world, clock, register):
    lamp = register.lamp
    for days_ago in (80, 40, 1):
        with _at(days_ago):
            report(world, also=asset_link_for(lamp, by=world.people.grid_worker))
    report(world, also=asset_link_for(register.lamp_20m, by=world.people.grid_worker))

    assert repeat_repair_counts() == {lamp.pk: 3}
    assert [(asset.pk, count) for asset, count in assets_with_repeat_repairs(user=world.people.leader)] == [(lamp.pk, 3)]


def test_a_repair_older_than_the_window_does_not_count(world, clock, register):
    lamp = register.lamp
    for days_ago in (120, 40, 1):
        with _at(days_ago):
            report(world, also=asset_link_for(lamp, by=world.people.grid_worker))

    assert repeat_repair_counts() == {}


def _at(days_ago: int):
    from jiedao.conftest import TUESDAY_0900

    return time_machine.travel(TUESDAY_0900 - timedelta(days=days_ago), tick=False)
