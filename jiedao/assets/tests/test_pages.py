"""The register's pages through HTTP, and who reads and keeps which asset (per object)."""

import pytest
from django.urls import reverse

from jiedao.assets.models import AssetCase, AssetState, AssetStateChange, CleaningGrade, MaintenanceRecord
from jiedao.assets.services import asset_link_for, cleaning_grades_seed, cleaning_zone_save
from jiedao.cases.models import Case
from jiedao.conftest import grid_centre, make_upload, report, walk_to


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("person, status", [
    ("leader", 200), ("area_leader", 200), ("secretary", 200), ("handler", 200), ("department_admin", 200),
    ("other_secretary", 404), ("other_handler", 404), ("grid_worker", 404), ("dispatcher", 404),
])
def test_who_reads_an_asset_of_taoyuan_kept_by_the_cleaning_department(client, world, register, person, status):
    response = client_for(client, getattr(world.people, person)).get(
        reverse("assets:asset-detail", args=[register.lamp.pk]))

    assert response.status_code == status


@pytest.mark.parametrize("person", ["other_handler", "handler", "secretary", "leader"])
def test_who_may_not_change_the_state(client, world, register, person):
    response = client_for(client, getattr(world.people, person)).post(
        reverse("assets:asset-state", args=[register.lamp.pk]), {"state": "lost", "reason": "井盖被盗"})

    assert response.status_code in (403, 404)
    register.lamp.refresh_from_db()
    assert register.lamp.state == AssetState.INTACT
    assert AssetStateChange.objects.filter(asset=register.lamp).count() == 1


def test_the_maintainers_department_admin_changes_the_state_with_a_reason(client, world, register):
    response = client_for(client, world.people.department_admin).post(
        reverse("assets:asset-state", args=[register.lamp.pk]), {"state": "lost", "reason": "灯杆被撞倒"})

    assert response.status_code == 302
    change = AssetStateChange.objects.filter(asset=register.lamp).last()
    assert (change.from_state, change.to_state, change.by, change.reason) == (
        "intact", "lost", world.people.department_admin, "灯杆被撞倒")


def test_a_state_without_a_reason_comes_back_with_the_form(client, world, register):
    response = client_for(client, world.people.department_admin).post(
        reverse("assets:asset-state", args=[register.lamp.pk]), {"state": "lost", "reason": ""})

    assert response.status_code == 400
    assert "请说明原因" in response.content.decode()
    register.lamp.refresh_from_db()
    assert register.lamp.state == AssetState.INTACT


def test_the_list_and_the_map_data_hold_only_what_the_reader_may_read(client, world, register):
    handler = client_for(client, world.people.other_handler)  # 城管执法中队 keeps the lamp of 柳岸社区

    points = handler.get(reverse("assets:points")).json()["points"]
    page = handler.get(reverse("assets:asset-list"))

    assert [row[0] for row in points] == [register.liuan_lamp.pk]
    assert page.status_code == 200
    assert register.liuan_lamp.identifier in page.content.decode()
    assert register.lamp.identifier not in page.content.decode()


def test_the_map_data_is_filtered_and_compact(client, world, register):
    leader = client_for(client, world.people.leader)

    rows = leader.get(reverse("assets:points"), {"item": register.manhole.pk}).json()["points"]

    assert rows == [[register.manhole_40m.pk, round(register.manhole_40m.longitude, 6),
                     round(register.manhole_40m.latitude, 6), 0, "01002"]]
    assert leader.get(reverse("assets:points"), {"bbox": "1,2"}).status_code == 400


def test_cases_on_the_asset_page_are_cut_by_cases_in_reach(client, world, clock, register):
    lamp = register.lamp
    dispatched = walk_to(world, report(world, also=asset_link_for(lamp, by=world.people.grid_worker)), "handling")
    waiting = report(world, also=asset_link_for(lamp, by=world.people.grid_worker))  # not dispatched to anyone

    page = client_for(client, world.people.handler).get(reverse("assets:asset-detail", args=[lamp.pk]))

    body = page.content.decode()
    assert dispatched.number in body
    assert waiting.number not in body
    assert 'data-out-of-reach="1"' in body


def test_cases_near_the_asset_are_listed(client, world, clock, register):
    lon, lat = grid_centre(0)
    nearby = report(world, longitude=lon + 0.0001, latitude=lat)
    far = report(world, longitude=lon + 0.003, latitude=lat)

    body = client_for(client, world.people.leader).get(
        reverse("assets:asset-detail", args=[register.lamp.pk])).content.decode()

    assert nearby.number in body
    assert far.number not in body


def test_maintenance_is_recorded_with_photos_by_the_maintainer(client, world, clock, register):
    response = client_for(client, world.people.handler).post(
        reverse("assets:maintenance-add", args=[register.lamp.pk]),
        {"kind": "maintain", "done_on": "2026-11-16", "work": "更换灯具", "photos": [make_upload()]})

    assert response.status_code == 302
    record = MaintenanceRecord.objects.get()
    assert (record.kind, str(record.done_on), record.done_by, record.organisation, record.photos.count()) == (
        "maintain", "2026-11-16", world.people.handler, world.cleaning, 1)
    photo = record.photos.get()
    assert client.get(reverse("assets:maintenance-photo", args=[register.lamp.pk, photo.pk, "thumb"])).status_code == 200


def test_maintenance_in_the_future_or_by_another_department_is_refused(client, world, clock, register):
    refused = client_for(client, world.people.handler).post(
        reverse("assets:maintenance-add", args=[register.lamp.pk]),
        {"kind": "inspect", "done_on": "2026-11-30", "work": "巡检"})
    other = client_for(client, world.people.other_handler).post(
        reverse("assets:maintenance-add", args=[register.lamp.pk]),
        {"kind": "inspect", "done_on": "2026-11-16", "work": "巡检"})

    assert refused.status_code == 400
    assert "完成日期不能晚于今天" in refused.content.decode()
    assert other.status_code == 404
    assert MaintenanceRecord.objects.count() == 0


def test_the_nearest_json_for_a_reporter(client, world, register):
    lon, lat = register.point

    answer = client_for(client, world.people.grid_worker).get(reverse("assets:nearest"), {"lon": lon, "lat": lat})

    assert [entry["identifier"] for entry in answer.json()["assets"]] == [
        register.lamp.identifier, register.lamp_20m.identifier, register.manhole_40m.identifier]
    assert client.get(reverse("assets:nearest"), {"lon": "x", "lat": lat}).status_code == 400


def test_the_nearest_json_needs_a_sign_in(client, world, register):
    assert client.get(reverse("assets:nearest"), {"lon": 120.1, "lat": 30.2}).status_code == 401


def test_the_staff_report_form_names_the_asset_picked(client, world, clock, register):
    lon, lat = register.point
    response = client_for(client, world.people.grid_worker).post(reverse("web:case-new"), {
        "item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84", "source": "patrol",
        "description": "路灯不亮", "asset": register.lamp.pk, "photos": [make_upload()]})

    assert response.status_code == 302
    case = Case.objects.get()
    assert AssetCase.objects.get(case=case).asset == register.lamp
    register.lamp.refresh_from_db()
    assert register.lamp.state == AssetState.DAMAGED


def test_an_asset_far_from_the_point_is_refused_with_nothing_written(client, world, clock, register):
    lon, lat = register.point
    response = client_for(client, world.people.grid_worker).post(reverse("web:case-new"), {
        "item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84", "source": "patrol",
        "asset": register.bin_far.pk, "photos": [make_upload()]})

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_the_field_report_names_the_asset(client, world, clock, register):
    lon, lat = register.point
    response = client_for(client, world.people.grid_worker).post(reverse("field:api-report"), {
        "key": "0b7e8a52-7a1c-4a57-9d3c-5d1b6e1f2a90", "item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84",
        "asset": register.lamp_20m.pk, "photos": [make_upload()]})

    assert response.status_code == 201
    assert AssetCase.objects.get().asset == register.lamp_20m


@pytest.mark.parametrize("name", ["assets:asset-map", "assets:asset-list", "assets:repeat-repairs",
                                  "assets:zone-list"])
def test_the_register_pages_answer(client, world, register, name):
    assert client_for(client, world.people.leader).get(reverse(name)).status_code == 200


def test_the_register_pages_are_refused_to_a_grid_worker(client, world, register):
    assert client_for(client, world.people.grid_worker).get(reverse("assets:asset-list")).status_code == 403


def test_the_export_is_the_census_sheet(client, world, register):
    response = client_for(client, world.people.leader).get(reverse("assets:export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="assets.xlsx"'


def test_a_cleaning_zone_page_lists_the_cases_along_it(client, world, clock):
    cleaning_grades_seed()
    lon, lat = grid_centre(0)
    zone = cleaning_zone_save(code="Z1", name="桃源路（全段）", kind="street", grade=CleaningGrade.objects.get(code="1"),
                              geometry={"type": "LineString", "coordinates": [[lon - 0.004, lat], [lon + 0.004, lat]]},
                              contractor=world.cleaning)
    on_it = report(world, longitude=lon + 0.001, latitude=lat + 0.0001)
    off_it = report(world, longitude=lon, latitude=lat + 0.003)

    body = client_for(client, world.people.leader).get(reverse("assets:zone-detail", args=[zone.pk])).content.decode()

    assert on_it.number in body
    assert off_it.number not in body
    assert zone.length_m == 770  # 0.008° × 111,320 m × cos 30.205° = 769.7 m
    assert client_for(client, world.people.other_secretary).get(
        reverse("assets:zone-detail", args=[zone.pk])).status_code == 404


def test_the_cached_map_data_follows_a_change_of_state(client, world, register):
    leader = client_for(client, world.people.leader)
    before = {row[0]: row[3] for row in leader.get(reverse("assets:points")).json()["points"]}

    from jiedao.assets.services import asset_state_set

    asset_state_set(asset=register.lamp, to_state=AssetState.DAMAGED, by=world.people.leader, reason="灯不亮")
    after = {row[0]: row[3] for row in leader.get(reverse("assets:points")).json()["points"]}

    assert (before[register.lamp.pk], after[register.lamp.pk]) == (0, 1)  # selectors.STATE_ORDER
