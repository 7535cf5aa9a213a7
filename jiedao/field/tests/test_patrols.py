"""Patrols through the device's endpoints: start (offline-safe, by the device's id), points in
batches (each kept once), stop; distance computed here; implausible points counted, not kept;
nobody else extends, stops or reads a worker's patrol except their supervisors."""

import uuid

import pytest

from jiedao.conftest import ORIGIN_LAT, ORIGIN_LON, TUESDAY_0900, grid_centre
from jiedao.field.models import Patrol, PatrolPolicy, Submission
from jiedao.field.tracks import haversine_m
from jiedao.territory.coordinates import wgs84_to_gcj02

pytestmark = pytest.mark.django_db

T0 = TUESDAY_0900.timestamp()
PATROL_ID = uuid.UUID("0b5e9f4a-55f1-4a8e-8d0c-3f1e6b3f2a10")
LON, LAT = grid_centre(0)


def walk(steps: int, *, every_s=60, step_deg=0.001, lon=LON, lat=LAT, since=T0 - 3600):
    """A walk east along a parallel: a point every `every_s` seconds, `step_deg` apart."""
    return [[lon + i * step_deg / 10, lat, since + i * every_s] for i in range(steps)]


@pytest.fixture
def started(world, clock, device):
    response = device("grid_worker").start_patrol(PATROL_ID, started_at=T0 - 3600)
    assert response.status_code == 201
    return Patrol.objects.get(client_id=PATROL_ID)


def test_a_patrol_starts_under_the_devices_id_and_starting_again_returns_it(world, clock, device):
    phone = device("grid_worker")

    first = phone.start_patrol(PATROL_ID, started_at=T0 - 600)
    again = phone.start_patrol(PATROL_ID, started_at=T0 - 300)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    patrol = Patrol.objects.get()
    assert (patrol.user, patrol.started_at.timestamp(), patrol.ended_at) == (world.people.grid_worker, T0 - 600, None)


def test_a_start_time_in_the_future_or_long_ago_is_kept_within_reason(world, clock, device):
    phone = device("grid_worker")
    phone.start_patrol(PATROL_ID, started_at=T0 + 86400)
    other = uuid.uuid4()
    phone.start_patrol(other, started_at=T0 - 7 * 86400)

    assert Patrol.objects.get(client_id=PATROL_ID).started_at.timestamp() == T0
    hours = PatrolPolicy.current().max_duration_hours
    assert Patrol.objects.get(client_id=other).started_at.timestamp() == T0 - hours * 3600


def test_points_make_a_track_whose_distance_is_computed_here(started, device):
    points = walk(5)  # four legs of 0.0001° of longitude

    response = device("grid_worker").points(PATROL_ID, points)

    assert response.status_code == 200
    leg = haversine_m(LON, LAT, LON + 0.0001, LAT)
    assert round(leg, 2) == 9.61  # shorter than the 10 m minimum, but a minute apart: kept
    body = response.json()
    assert (body["accepted"], body["thinned"], body["rejected"], body["point_count"]) == (5, 0, 0, 5)
    patrol = Patrol.objects.get(pk=started.pk)
    assert patrol.distance_m == pytest.approx(4 * leg, abs=0.1)
    assert patrol.track == [[round(p[0], 7), p[1], p[2]] for p in points]
    assert patrol.duration_s == 4 * 60
    assert list(patrol.grids.all()) == [started.user.duties.get().unit]
    assert patrol.line_string() == {"type": "LineString", "coordinates": [p[:2] for p in patrol.track]}


def test_batches_continue_each_other_and_a_replayed_batch_is_kept_once(started, device):
    phone = device("grid_worker")
    first = phone.points(PATROL_ID, walk(3), key="batch-0001")
    second = phone.points(PATROL_ID, walk(3, since=T0 - 3600 + 180, lon=LON + 0.0003), key="batch-0002")

    replay = phone.points(PATROL_ID, walk(3), key="batch-0001")

    assert (first.status_code, second.status_code, replay.status_code) == (200, 200, 200)
    assert replay.json() == first.json()
    patrol = Patrol.objects.get(pk=started.pk)
    assert patrol.point_count == 6
    assert [p[2] for p in patrol.track] == [T0 - 3600 + 60 * i for i in range(6)]
    assert Submission.objects.filter(kind="patrol_points").count() == 2


def test_close_points_are_thinned_and_jumps_rejected_by_the_policy(started, device):
    policy = PatrolPolicy.current()
    policy.max_speed_mps = 5  # a walking patrol
    policy.save()
    points = [
        [LON, LAT, T0 - 3000],
        [LON + 0.00003, LAT, T0 - 2990],  # 3 m in 10 s: thinned
        [LON + 0.01, LAT, T0 - 2980],  # 960 m in 20 s: 48 m/s, over this office's 5 m/s
        [LON + 0.0002, LAT, T0 - 2960],  # 19 m in 40 s: kept
        [200, LAT, T0 - 2900],  # not a place
        [LON + 0.0004, LAT, T0 + 3600],  # an hour in the future
    ]

    body = device("grid_worker").points(PATROL_ID, points).json()

    assert (body["accepted"], body["thinned"], body["rejected"]) == (2, 1, 3)
    assert body["rejected_by_reason"] == {"out_of_range": 1, "out_of_time": 1, "too_fast": 1}
    patrol = Patrol.objects.get(pk=started.pk)
    assert (patrol.point_count, patrol.rejected_point_count) == (2, 3)
    assert patrol.distance_m == pytest.approx(haversine_m(LON, LAT, LON + 0.0002, LAT), abs=0.1)


def test_numbers_too_large_for_a_float_are_out_of_range_not_an_error(started, device):
    response = device("grid_worker").post_json(
        f"/field/api/patrols/{PATROL_ID}/points/",
        {"key": "batch-huge-01", "points": [[10**400, LAT, T0 - 100], [LON, LAT, 10**400], [LON, LAT, True]]})

    assert response.status_code == 200
    assert response.json()["rejected_by_reason"] == {"out_of_range": 3}
    assert Patrol.objects.get(pk=started.pk).point_count == 0


def test_gcj02_points_are_stored_in_wgs84(started, device):
    gcj = [[*wgs84_to_gcj02(LON, LAT), T0 - 3000], [*wgs84_to_gcj02(LON + 0.001, LAT), T0 - 2900]]

    device("grid_worker").points(PATROL_ID, gcj, crs="gcj02")

    track = Patrol.objects.get(pk=started.pk).track
    assert track[0][0] == pytest.approx(LON, abs=1e-7) and track[0][1] == pytest.approx(LAT, abs=1e-7)
    assert track[1][0] == pytest.approx(LON + 0.001, abs=1e-7)


@pytest.mark.parametrize("body", [
    {"points": "120.1,30.2"},
    {"points": [[LON, LAT]]},
    {"points": [[LON, LAT, T0], "x"]},
    {"points": [[LON, LAT, T0]], "crs": "epsg:3857"},
])
def test_a_malformed_batch_is_refused_and_writes_nothing(started, device, body):
    phone = device("grid_worker")
    response = phone.post_json(f"/field/api/patrols/{PATROL_ID}/points/", {"key": "batch-bad-01", "crs": "wgs84", **body})

    assert response.status_code == 400
    assert response.json()["detail"]
    patrol = Patrol.objects.get(pk=started.pk)
    assert (patrol.track, patrol.point_count, patrol.rejected_point_count) == ([], 0, 0)
    assert Submission.objects.count() == 0


def test_a_batch_larger_than_the_policy_allows_is_refused(started, device):
    policy = PatrolPolicy.current()
    policy.max_points_per_batch = 3
    policy.save()

    response = device("grid_worker").points(PATROL_ID, walk(4))

    assert response.status_code == 400
    assert response.json()["detail"] == "每批最多 3 个轨迹点"


def test_stopping_records_the_end_and_duration_once(started, device):
    phone = device("grid_worker")
    phone.points(PATROL_ID, walk(3))

    first = phone.stop_patrol(PATROL_ID, ended_at=T0 - 600)
    again = phone.stop_patrol(PATROL_ID, ended_at=T0)

    assert first.json() == again.json()
    patrol = Patrol.objects.get(pk=started.pk)
    assert (patrol.ended_at.timestamp(), patrol.duration_s) == (T0 - 600, 3000)
    # points after the end are not part of the walk
    late = phone.points(PATROL_ID, [[LON + 0.001, LAT, T0 - 300]]).json()
    assert (late["accepted"], late["rejected_by_reason"]) == (0, {"out_of_time": 1})


def test_an_end_before_the_last_point_is_moved_to_it(started, device):
    phone = device("grid_worker")
    phone.points(PATROL_ID, walk(3))  # last point at T0 - 3600 + 120

    phone.stop_patrol(PATROL_ID, ended_at=T0 - 3590)

    assert Patrol.objects.get(pk=started.pk).ended_at.timestamp() == T0 - 3600 + 120


def test_a_report_made_on_patrol_is_linked_to_it(started, device):
    response = device("grid_worker").report(patrol=str(PATROL_ID))

    assert response.status_code == 201
    assert [c.number for c in Patrol.objects.get(pk=started.pk).cases.all()] == [response.json()["number"]]


def test_a_report_naming_someone_elses_patrol_is_made_but_not_linked(world, started, device):
    response = device("inspector").report(patrol=str(PATROL_ID))

    assert response.status_code == 201
    assert Patrol.objects.get(pk=started.pk).cases.count() == 0


# ---------------------------------------------------------------- who may touch or read a patrol

def test_another_worker_can_neither_extend_nor_stop_my_patrol(started, device):
    other = device("other_grid_worker")

    extend = other.points(PATROL_ID, walk(3))
    stop = other.stop_patrol(PATROL_ID)

    assert (extend.status_code, stop.status_code) == (404, 404)
    patrol = Patrol.objects.get(pk=started.pk)
    assert (patrol.track, patrol.ended_at) == ([], None)


def test_another_worker_cannot_take_my_patrols_id(started, device):
    response = device("other_grid_worker").start_patrol(PATROL_ID)

    assert response.status_code == 400
    assert Patrol.objects.get().user == started.user


@pytest.mark.parametrize(("person", "status"), [
    ("grid_worker", 200),  # the walker
    ("secretary", 200),  # 桃源社区: the grid the walk crossed
    ("area_leader", 200),
    ("leader", 200),
    ("shift_lead", 200),
    ("other_secretary", 404),  # 柳岸社区: not crossed
    ("other_grid_worker", 404),  # a peer
    ("inspector", 404),  # a field worker, not a supervisor
    ("handler", 404),
])
def test_the_patrol_page_is_for_the_walker_and_the_supervisors_of_the_grids_crossed(started, device, person, status):
    device("grid_worker").points(PATROL_ID, walk(3))

    response = device(person).client.get(f"/field/patrols/{PATROL_ID}/")

    assert response.status_code == status
    if status == 200:
        assert "巡查轨迹" in response.content.decode()


def test_the_patrol_list_shows_supervisors_only_the_patrols_in_their_scope(world, started, device):
    device("grid_worker").points(PATROL_ID, walk(3))
    liuan_patrol = uuid.uuid4()
    device("other_grid_worker").start_patrol(liuan_patrol, started_at=T0 - 3600)
    device("other_grid_worker").points(liuan_patrol, walk(3, lon=grid_centre(2)[0]))

    def listed(person):
        page = device(person).client.get("/field/patrols/").content.decode()
        return {str(pid) for pid in (PATROL_ID, liuan_patrol) if f"/field/patrols/{pid}/" in page}

    assert listed("secretary") == {str(PATROL_ID)}
    assert listed("other_secretary") == {str(liuan_patrol)}
    assert listed("leader") == {str(PATROL_ID), str(liuan_patrol)}
    assert listed("grid_worker") == {str(PATROL_ID)}
    assert listed("other_grid_worker") == {str(liuan_patrol)}
    assert device("handler").client.get("/field/patrols/").status_code == 403


def test_the_patrol_page_names_only_the_cases_the_reader_may_open(world, started, device):
    phone = device("grid_worker")
    phone.points(PATROL_ID, walk(3))                                        # in 桃源 grid 1
    number = phone.report(patrol=str(PATROL_ID), column=2).json()["number"]  # found in 柳岸

    secretary = device("secretary").client.get(f"/field/patrols/{PATROL_ID}/")  # 桃源's: reads the patrol
    leader = device("leader").client.get(f"/field/patrols/{PATROL_ID}/")

    assert secretary.status_code == 200
    assert secretary.context["map_data"]["cases"] == []
    assert number not in secretary.content.decode()
    assert "另有 1 件不在您的范围内" in secretary.content.decode()
    assert [c["number"] for c in leader.context["map_data"]["cases"]] == [number]
    assert "不在您的范围内" not in leader.content.decode()


def test_the_patrol_page_draws_the_track_and_the_cases_found(world, started, device):
    phone = device("grid_worker")
    phone.points(PATROL_ID, walk(3))
    number = phone.report(patrol=str(PATROL_ID)).json()["number"]

    page = device("secretary").client.get(f"/field/patrols/{PATROL_ID}/")

    data = page.context["map_data"]
    assert data["track"] == [[LAT, round(LON + i * 0.0001, 7)] for i in range(3)]
    assert [c["number"] for c in data["cases"]] == [number]
    assert data["cases"][0]["url"] == f"/cases/{number}/"
    assert ORIGIN_LON < data["cases"][0]["lon"] < ORIGIN_LON + 0.01
    assert ORIGIN_LAT < data["cases"][0]["lat"] < ORIGIN_LAT + 0.01
