"""Updates from the public (`case_resident_update`): appended to the case, and "this is not fixed"
sends a fix back to check instead of being lost."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CasePolicy, CaseState, PhotoStage
from jiedao.conftest import make_upload

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def written() -> tuple:
    return CaseEvent.objects.count(), CasePhoto.objects.count(), media_files()


def test_an_update_is_appended_without_changing_the_case(world, clock):
    case = report(world)
    before = Case.objects.values().get(pk=case.pk)

    event = services.case_resident_update(case=case, text="垃圾越堆越多了", photos=[make_upload()],
                                          name="张先生", contact="13800000000")

    assert Case.objects.values().get(pk=case.pk) == before
    event = CaseEvent.objects.get(pk=event.pk)
    assert (event.action, event.from_state, event.to_state, event.actor, event.opinion) == (
        "public_update", "reported", "reported", None, "垃圾越堆越多了")
    # the resident's name and contact are kept encrypted beside the data, never in it (cases/contact.py)
    assert event.data == {"public": True}
    assert event.personal_data == {"name": "张先生", "contact": "13800000000"}
    photo = CasePhoto.objects.get(event=event)
    assert (photo.stage, photo.is_public, photo.uploaded_by) == (PhotoStage.PUBLIC, False, None)


def test_not_fixed_on_a_case_closed_within_the_window_sends_it_back_to_check(world, clock):
    case = walk_to(world, report(world), "closed")
    clock.shift(timedelta(days=30))

    event = services.case_resident_update(case=case, text="垃圾又堆起来了", photos=[make_upload()], not_fixed=True)

    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.closed_at, case.closure_type, case.assignee) == (
        CaseState.FIXED, None, "", world.people.grid_worker)
    event = CaseEvent.objects.get(pk=event.pk)
    assert (event.action, event.from_state, event.to_state) == ("public_not_fixed", "closed", "fixed")
    assert (event.data["not_fixed"], event.data["inspector"]) == (True, world.people.grid_worker.pk)
    assert [p.stage for p in event.photos.all()] == [PhotoStage.PUBLIC]


def test_the_loop_goes_on_after_a_case_is_sent_back(world, clock):
    case = walk_to(world, report(world), "closed")
    services.case_resident_update(case=case, text="没修好", not_fixed=True)

    case = services.case_check(case=Case.objects.get(pk=case.pk), by=world.people.grid_worker, passed=False,
                               opinion="确实未清理干净")

    assert (case.state, case.rework_count) == (CaseState.HANDLING, 1)


def test_not_fixed_after_the_window_is_recorded_as_a_complaint_and_changes_nothing(world, clock):
    case = walk_to(world, report(world), "closed")
    policy = CasePolicy.current()
    policy.reopen_window_days = 7
    policy.save()
    clock.shift(timedelta(days=8))
    before = Case.objects.values().get(pk=case.pk)

    event = services.case_resident_update(case=case, text="还是脏", not_fixed=True)

    assert Case.objects.values().get(pk=case.pk) == before
    event = CaseEvent.objects.get(pk=event.pk)
    assert (event.action, event.to_state, event.data["too_late"]) == ("public_complaint", "closed", True)


@pytest.mark.parametrize("state", ["fixed", "checked"])
def test_not_fixed_on_a_fix_awaiting_check_or_checked_goes_back_to_check(world, clock, state):
    case = walk_to(world, report(world), state)
    version = case.version

    event = services.case_resident_update(case=case, text="根本没清理", not_fixed=True)

    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.version) == (CaseState.FIXED, version + 1)
    assert case.assignee is not None
    assert case.assignee != case.fixed_by
    assert (event.action, event.from_state) == ("public_not_fixed", state)


@pytest.mark.parametrize("state", ["reported", "accepted", "handling"])
def test_not_fixed_before_a_fix_is_a_complaint_on_the_case(world, clock, state):
    case = walk_to(world, report(world), state) if state != "reported" else report(world)
    before = Case.objects.values().get(pk=case.pk)

    event = services.case_resident_update(case=case, text="一直没人管", not_fixed=True)

    assert Case.objects.values().get(pk=case.pk) == before
    assert (event.action, event.data["not_fixed"], event.data["too_late"]) == ("public_complaint", True, False)


def test_a_replayed_update_returns_the_first_event_and_writes_nothing_more(world, clock):
    case = report(world)
    first = services.case_resident_update(case=case, text="补充", photos=[make_upload()], client_key="portal:k1")
    after_first = written()

    again = services.case_resident_update(case=case, text="补充", photos=[make_upload()], client_key="portal:k1")

    assert again.pk == first.pk
    assert written() == after_first


def test_a_client_key_used_on_another_case_is_refused(world, clock):
    services.case_resident_update(case=report(world), text="补充", client_key="portal:k2")
    other = report(world)
    before = written()

    with pytest.raises(InvalidInput) as refused:
        services.case_resident_update(case=other, text="补充", client_key="portal:k2")

    assert str(refused.value.message) == "该幂等键已被使用，请换一个"
    assert written() == before


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"text": "看照片", "photos": "exe"}, "photos", "文件“photo.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）"),
    ({"text": "  "}, "text", "请填写情况说明或上传照片"),
    ({"text": "长" * 4001}, "text", "说明不能超过 4000 字"),
    ({"text": "好", "name": "名" * 61}, "name", "姓名不能超过 60 字"),
], ids=["not-an-image", "empty", "too-long", "long-name"])
def test_bad_input_is_refused_and_writes_nothing(world, clock, kwargs, field, message):
    case = walk_to(world, report(world), "closed")
    if kwargs.get("photos") == "exe":
        kwargs = {**kwargs, "photos": [make_upload(), make_upload(data=EXE)]}
    before_case = Case.objects.values().get(pk=case.pk)
    before = written()

    with pytest.raises(InvalidInput) as refused:
        services.case_resident_update(case=case, not_fixed=True, **kwargs)

    assert (refused.value.field, str(refused.value.message)) == (field, message)
    assert written() == before
    assert Case.objects.values().get(pk=case.pk) == before_case


def test_an_update_on_a_merged_duplicate_lands_on_the_case_it_was_merged_into(world, clock):
    target = report(world)
    duplicate = report(world)
    services.case_merge(case=duplicate, into=target, by=world.people.intake_clerk, reason="同一堆垃圾")

    event = services.case_resident_update(case=duplicate, text="还在", client_key="portal:k3")

    assert (event.case_id, event.data["via_merged"]) == (target.pk, duplicate.number)
    assert services.case_resident_update(case=duplicate, text="还在", client_key="portal:k3").pk == event.pk
