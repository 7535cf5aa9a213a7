"""The asset's state follows its repair case (standards.md §8; issue 12 point 5): 破损 when a case
is reported on it, 完好 when the fix is checked, each a history row naming the case."""

from jiedao.assets.models import AssetCase, AssetState, AssetStateChange
from jiedao.assets.services import asset_link_for
from jiedao.cases import services
from jiedao.conftest import make_upload, report, walk_to


def _rows(asset):
    return list(AssetStateChange.objects.filter(asset=asset).order_by("at", "pk")
                .values_list("from_state", "to_state", "case__number"))


def test_a_report_on_an_intact_asset_makes_it_damaged_naming_the_case(world, clock, register):
    lamp = register.lamp

    case = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))

    lamp.refresh_from_db()
    assert lamp.state == AssetState.DAMAGED
    assert AssetCase.objects.get(asset=lamp).case == case
    assert _rows(lamp) == [("", "intact", None), ("intact", "damaged", case.number)]
    change = AssetStateChange.objects.filter(asset=lamp).last()
    assert change.by == world.people.grid_worker
    assert change.reason == f"上报维修案件 {case.number}"


def test_the_checked_fix_makes_it_intact_again_naming_the_case(world, clock, register):
    lamp = register.lamp
    case = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))

    walk_to(world, case, "checked")

    lamp.refresh_from_db()
    assert lamp.state == AssetState.INTACT
    assert _rows(lamp)[-1] == ("damaged", "intact", case.number)
    last = AssetStateChange.objects.filter(asset=lamp).last()
    assert last.by == world.people.inspector
    assert last.reason == f"维修案件 {case.number} 核查通过"


def test_a_failed_check_leaves_it_damaged(world, clock, register):
    lamp = register.lamp
    case = walk_to(world, report(world, also=asset_link_for(lamp, by=world.people.grid_worker)), "fixed")

    services.case_check(case=case, by=world.people.inspector, passed=False, opinion="灯仍不亮")

    lamp.refresh_from_db()
    assert lamp.state == AssetState.DAMAGED
    assert len(_rows(lamp)) == 2


def test_another_open_repair_case_keeps_it_damaged(world, clock, register):
    lamp = register.lamp
    first = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))
    second = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))

    walk_to(world, first, "checked")

    lamp.refresh_from_db()
    assert lamp.state == AssetState.DAMAGED
    walk_to(world, second, "checked")
    lamp.refresh_from_db()
    assert lamp.state == AssetState.INTACT
    assert _rows(lamp)[-1] == ("damaged", "intact", second.number)


def test_a_voided_report_gives_back_the_state_it_had(world, clock, register):
    lamp = register.lamp
    case = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))
    case = services.case_accept(case=case, by=world.people.intake_clerk)

    services.case_void(case=case, by=world.people.shift_lead, reason="重复上报")

    lamp.refresh_from_db()
    assert lamp.state == AssetState.INTACT
    assert _rows(lamp)[-1] == ("damaged", "intact", case.number)


def test_a_case_without_an_asset_changes_no_asset(world, clock, register):
    case = report(world)
    walk_to(world, case, "closed")

    assert AssetStateChange.objects.exclude(from_state="").count() == 0


def test_a_self_handled_report_approved_is_a_checked_fix(world, clock, register):
    lamp = register.lamp
    case = report(world, self_handled=True, after_photos=[make_upload()],
                  also=asset_link_for(lamp, by=world.people.grid_worker))
    lamp.refresh_from_db()
    assert lamp.state == AssetState.DAMAGED

    services.case_review_self_handled(case=case, by=world.people.shift_lead, approve=True)

    lamp.refresh_from_db()
    assert lamp.state == AssetState.INTACT


def test_a_second_failure_after_a_checked_fix_is_damaged_again_with_a_stale_copy_in_hand(world, clock, register):
    lamp = register.lamp  # the same object in memory for both reports, as a caller may hold it
    first = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))
    walk_to(world, first, "checked")

    second = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))

    lamp.refresh_from_db()
    assert lamp.state == AssetState.DAMAGED
    assert _rows(lamp)[1:] == [("intact", "damaged", first.number), ("damaged", "intact", first.number),
                               ("intact", "damaged", second.number)]
