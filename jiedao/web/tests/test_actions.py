"""The action forms: a permitted person moves the case; anyone else gets a message and nothing changes."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from jiedao.cases.models import Case, CaseEvent
from jiedao.conftest import make_upload, walk_to


def act(client, case, action, **data):
    data.setdefault("expected_version", Case.objects.get(pk=case.pk).version)
    return client.post(reverse("web:case-act", args=[case.number, action]), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def snapshot(case) -> tuple[str, int, int]:
    case = Case.objects.get(pk=case.pk)
    return case.state, case.version, CaseEvent.objects.filter(case=case).count()


# (state the case is walked to, action, permitted person, refused person, form data, state after)
MATRIX = [
    (None, "accept", "intake_clerk", "dispatcher", {"opinion": "受理"}, "accepted"),
    (None, "void", "shift_lead", "intake_clerk", {"reason": "重复上报", "confirm": "yes"}, "voided"),
    ("accepted", "file", "shift_lead", "intake_clerk", {}, "filed"),
    ("filed", "dispatch", "dispatcher", "shift_lead", {"department": "cleaning"}, "handling"),
    ("handling", "request_suspension", "handler", "other_handler", {"reason": "需协调产权单位"}, "handling"),
    ("checked", "close", "shift_lead", "dispatcher", {}, "closed"),
]


@pytest.mark.parametrize(("walk", "action", "permitted", "refused", "data", "after"), MATRIX,
                         ids=[row[1] for row in MATRIX])
def test_permitted_role_moves_the_case_and_another_role_changes_nothing(
        world, fresh_case, as_user, walk, action, permitted, refused, data, after):
    case = walk_to(world, fresh_case, walk) if walk else fresh_case
    if data.get("department") == "cleaning":
        data = {**data, "department": world.cleaning.pk}
    before = snapshot(case)

    refused_response = act(as_user(getattr(world.people, refused)), case, action, **data)

    assert refused_response.status_code in (302, 404)
    if refused_response.status_code == 302:
        assert messages_of(refused_response)
    assert snapshot(case) == before

    response = act(as_user(getattr(world.people, permitted)), case, action, **data)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:case-detail", args=[case.number])
    state, version, events = snapshot(case)
    assert (state, version, events) == (after, before[1] + 1, before[2] + 1)


def test_a_stale_form_is_refused_with_the_message_and_changes_nothing(world, fresh_case, as_user):
    before = snapshot(fresh_case)

    response = act(as_user(world.people.intake_clerk), fresh_case, "accept", expected_version=0)

    assert messages_of(response) == ["案件已被他人处理，请刷新后重试"]
    assert snapshot(fresh_case) == before


def test_a_form_without_version_is_refused(world, fresh_case, as_user):
    response = as_user(world.people.intake_clerk).post(
        reverse("web:case-act", args=[fresh_case.number, "accept"]), {})

    assert messages_of(response) == ["表单已失效，请刷新页面后重试"]
    assert Case.objects.get(pk=fresh_case.pk).state == "reported"


def test_unknown_action_is_404(world, fresh_case, as_user):
    response = act(as_user(world.people.intake_clerk), fresh_case, "explode")

    assert response.status_code == 404


def test_report_fix_without_after_photos_is_refused_with_the_message(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")
    before = snapshot(case)

    response = act(as_user(world.people.handler), case, "report_fix", opinion="已清运")

    assert messages_of(response) == ["请上传处置后照片"]
    assert snapshot(case) == before


def test_extension_request_converts_working_days_into_working_minutes(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")

    act(as_user(world.people.handler), case, "request_extension", extra_value="1", extra_unit="working_days",
        reason="材料未到")

    assert case.requests.get().extra_minutes == 450  # 08:30–12:00 and 13:30–17:30


def test_send_to_verify_and_verify_through_the_forms(world, fresh_case, as_user):
    act(as_user(world.people.intake_clerk), fresh_case, "send_to_verify", inspector=world.people.inspector.pk)
    response = act(as_user(world.people.inspector), fresh_case, "verify", confirmed="yes", opinion="属实",
                   photos=make_upload())

    assert response.status_code == 302
    case = Case.objects.get(pk=fresh_case.pk)
    assert case.state == "accepted"
    assert case.photos.filter(stage="before").count() == 2


def test_decide_extension_by_the_dispatcher(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")
    act(as_user(world.people.handler), case, "request_extension", extra_value="2", extra_unit="working_hours",
        reason="材料未到")
    deadline = Case.objects.get(pk=case.pk).deadline_at

    act(as_user(world.people.dispatcher), case, "decide_extension", approve="yes", note="同意")

    case = Case.objects.get(pk=case.pk)
    assert case.extension_count == 1
    assert case.deadline_at > deadline
