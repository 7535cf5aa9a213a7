"""River patrols: judged by their level's rule and kept whatever the judgement; idempotent by the
device's ids and keys; on a chief's account only for the chief and their assistant."""

import uuid
from datetime import timedelta

import pytest

from jiedao.cases.idempotency import KeyReused
from jiedao.rivers import services
from jiedao.rivers.models import PatrolValidity, RiverPatrol
from jiedao.rivers.selectors import reason_texts

from .conftest import patrol_walk, walk


def test_a_patrol_of_35_minutes_and_2_7_km_counts(river, clock):
    patrol = patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    assert (patrol.validity, patrol.validity_reasons) == (PatrolValidity.VALID, [])
    assert patrol.chief == river.chief
    assert patrol.point_count == 36
    assert patrol.duration_s == 35 * 60
    assert patrol.distance_m == pytest.approx(2800, rel=0.02)


def test_a_patrol_of_30_seconds_is_kept_and_does_not_count(river, clock):
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    clock.shift(timedelta(seconds=30))
    services.river_patrol_points_add(by=river.people.chief, patrol=patrol, key="k" * 10, points=[
        [river.segment.min_lon, 30.205, patrol.started_at.timestamp()],
        [river.segment.min_lon + 0.0003, 30.205, patrol.started_at.timestamp() + 30]])
    answer = services.river_patrol_submit(by=river.people.chief, patrol=patrol)
    patrol.refresh_from_db()
    assert patrol.validity == PatrolValidity.NOT_COUNTING
    assert reason_texts(patrol.validity_reasons) == ["时长 0 分 30 秒，不足 30 分钟", "里程 29 米，不足 2000 米"]
    assert answer.body["message"] == "巡河已提交，但不计入：时长 0 分 30 秒，不足 30 分钟；里程 29 米，不足 2000 米"
    assert RiverPatrol.objects.count() == 1


def test_a_track_with_jumps_is_kept_and_does_not_count(river, clock):
    patrol = patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock, jumps=12)
    assert patrol.rejected_point_count == 12
    assert patrol.point_count == 36
    assert patrol.validity == PatrolValidity.NOT_COUNTING
    assert reason_texts(patrol.validity_reasons) == ["轨迹跳点 12 个（25%），超过 20%"]


def test_starting_twice_with_the_same_id_is_one_patrol(river, clock):
    client_id = uuid.uuid4()
    first, created = services.river_patrol_start(by=river.people.chief, client_id=client_id, segment=river.segment)
    again, created_again = services.river_patrol_start(by=river.people.chief, client_id=str(client_id),
                                                       segment=river.segment)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert RiverPatrol.objects.count() == 1


def test_a_batch_sent_twice_is_kept_once(river, clock):
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    points = walk(river.segment.min_lon, minutes=5, start=patrol.started_at)
    clock.shift(timedelta(minutes=5))
    first = services.river_patrol_points_add(by=river.people.chief, patrol=patrol, key="batch-0001", points=points,
                                             fingerprint="a" * 64)
    again = services.river_patrol_points_add(by=river.people.chief, patrol=patrol, key="batch-0001", points=points,
                                             fingerprint="a" * 64)
    patrol.refresh_from_db()
    assert (first.replayed, again.replayed, again.body) == (False, True, first.body)
    assert patrol.point_count == 6
    with pytest.raises(KeyReused):
        services.river_patrol_points_add(by=river.people.chief, patrol=patrol, key="batch-0001", points=points[:2],
                                         fingerprint="b" * 64)


def test_a_patrol_submitted_twice_offline_is_submitted_once(river, clock):
    patrol = patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)
    submitted_at = patrol.submitted_at
    clock.shift(timedelta(minutes=10))
    again = services.river_patrol_submit(by=river.people.chief, patrol=patrol, answers={})
    patrol.refresh_from_db()
    assert again.replayed
    assert again.body == patrol.submit_response
    assert patrol.submitted_at == submitted_at


def test_a_second_submission_with_other_answers_is_refused(river, clock):
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    services.river_patrol_submit(by=river.people.chief, patrol=patrol, note="正常", fingerprint="a" * 64)
    with pytest.raises(KeyReused):
        services.river_patrol_submit(by=river.people.chief, patrol=patrol, note="别的", fingerprint="b" * 64)


def test_an_assistant_patrols_on_the_chiefs_account(river, clock):
    patrol = patrol_walk(by=river.people.assistant, segment=river.segment, minutes=35, clock=clock, chief=river.chief)
    assert (patrol.chief, patrol.patrolled_by, patrol.validity) == (river.chief, river.people.assistant,
                                                                    PatrolValidity.VALID)


def test_another_villages_chief_may_not_patrol_here(river, clock):
    with pytest.raises(services.NotAllowed):
        services.river_patrol_start(by=river.people.other_chief, client_id=uuid.uuid4(), segment=river.segment)
    with pytest.raises(services.NotAllowed):
        services.river_patrol_start(by=river.people.other_chief, client_id=uuid.uuid4(), segment=river.segment,
                                    chief=river.chief)
    assert RiverPatrol.objects.count() == 0


def test_a_patroller_patrols_the_segments_of_their_village_on_their_own(river, clock):
    patrol, _created = services.river_patrol_start(by=river.people.patroller, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    assert patrol.chief is None
    with pytest.raises(services.NotAllowed):
        services.river_patrol_start(by=river.people.patroller, client_id=uuid.uuid4(), segment=river.other_segment)


def test_a_grid_worker_does_not_patrol_rivers(river, world, clock):
    with pytest.raises(services.NotAllowed):
        services.river_patrol_start(by=world.people.grid_worker, client_id=uuid.uuid4(), segment=river.segment)
