"""The staff case page's controls the portal needs: merging a duplicate, publishing a photo, and a
closing note for the public."""

import pytest
from django.contrib.messages import get_messages

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseState

from .conftest import grid_centre, report, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client
    return sign_in


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_merge_form_suggests_the_open_case_nearby_and_merges(world, clock, as_user):
    lon, lat = grid_centre(0)
    original = report(world, longitude=lon, latitude=lat)
    duplicate = report(world, longitude=lon + 0.0002, latitude=lat)
    clerk = as_user(world.people.intake_clerk)

    page = clerk.get(f"/cases/{duplicate.number}/")
    merge = next(form for form in page.context["forms"] if form["action"].code == "merge")
    response = clerk.post(f"/cases/{duplicate.number}/act/merge/", {
        "expected_version": duplicate.version, "into": original.number, "reason": "同一堆垃圾"})

    assert [entry.case for entry in merge["merge_candidates"]] == [original]
    assert f'value="{original.number}"' in page.content.decode()
    assert (response.status_code, messages_of(response)) == (302, ["已完成：合并重复"])
    duplicate = Case.objects.get(pk=duplicate.pk)
    assert (duplicate.state, duplicate.merged_into) == (CaseState.VOIDED, original)
    assert CaseEvent.objects.get(case=original, action="merged_in").data == {"merged_from": duplicate.number}


def test_merging_into_a_number_that_does_not_exist_is_refused(world, clock, as_user):
    duplicate = report(world)
    before = Case.objects.values().get(pk=duplicate.pk)

    response = as_user(world.people.shift_lead).post(f"/cases/{duplicate.number}/act/merge/", {
        "expected_version": duplicate.version, "into": "2026-999999", "reason": "重复"})

    assert messages_of(response) == ["未找到可并入的案件“2026-999999”"]
    assert Case.objects.values().get(pk=duplicate.pk) == before


def test_the_command_centre_publishes_a_photo_from_the_case_page(world, clock, as_user):
    case = walk_to(world, report(world), "fixed")
    after = CasePhoto.objects.get(case=case, stage="after")
    dispatcher = as_user(world.people.dispatcher)

    page = dispatcher.get(f"/cases/{case.number}/")
    response = dispatcher.post(f"/cases/{case.number}/photos/{after.pk}/publish", {"public": "yes"})

    assert page.context["may_publish_photos"] is True
    assert f"/cases/{case.number}/photos/{after.pk}/publish" in page.content.decode()
    assert (response.status_code, response["Location"]) == (302, f"/cases/{case.number}/#photos")
    assert messages_of(response) == ["照片已公开"]
    assert CasePhoto.objects.get(pk=after.pk).is_public is True
    assert "已公开" in dispatcher.get(f"/cases/{case.number}/").content.decode()


def test_a_handler_sees_no_publish_control_and_is_refused(world, clock, as_user):
    case = walk_to(world, report(world), "fixed")
    after = CasePhoto.objects.get(case=case, stage="after")
    handler = as_user(world.people.handler)

    page = handler.get(f"/cases/{case.number}/")
    response = handler.post(f"/cases/{case.number}/photos/{after.pk}/publish", {"public": "yes"})

    assert page.context["may_publish_photos"] is False
    assert "/publish" not in page.content.decode()
    assert messages_of(response) == ["您无权决定该案件的照片是否公开"]
    assert CasePhoto.objects.get(pk=after.pk).is_public is False


def test_a_photo_of_a_case_one_cannot_see_is_not_found(world, clock, as_user):
    case = walk_to(world, report(world), "fixed")
    after = CasePhoto.objects.get(case=case, stage="after")
    other = report(world, column=2)

    unseen = as_user(world.people.other_secretary).post(f"/cases/{case.number}/photos/{after.pk}/publish",
                                                         {"public": "yes"})
    wrong_case = as_user(world.people.dispatcher).post(f"/cases/{other.number}/photos/{after.pk}/publish",
                                                       {"public": "yes"})

    assert (unseen.status_code, wrong_case.status_code) == (404, 404)
    assert CasePhoto.objects.get(pk=after.pk).is_public is False


def test_the_closing_note_for_the_public_is_written_on_the_close_form(world, clock, as_user, resident):
    case = walk_to(world, report(world), "checked")

    as_user(world.people.shift_lead).post(f"/cases/{case.number}/act/close/", {
        "expected_version": case.version, "opinion": "内部：核查通过", "public_note": "垃圾已清运，谢谢反映。"})

    event = CaseEvent.objects.get(case=case, action="close")
    assert (event.opinion, event.data["public_note"]) == ("内部：核查通过", "垃圾已清运，谢谢反映。")
    resident.logout()
    public = resident.get(f"/p/c/{case.public_code}/").content.decode()
    assert "垃圾已清运，谢谢反映。" in public
    assert "内部：核查通过" not in public
