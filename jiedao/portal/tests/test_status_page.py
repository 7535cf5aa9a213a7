"""The status page a resident opens with the tracking code: the timeline in plain words, only
public photos, the closing note, the rating and "this is not fixed"."""

import pytest
from django.test import Client

from jiedao.cases import services
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseRating, CaseSource, CaseState
from jiedao.conftest import make_upload
from jiedao.portal.models import PortalPolicy

from .conftest import media_files, report, walk_to

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400


def residents_case(world, state="reported"):
    case = report(world, by=None, source=CaseSource.RESIDENT, reporter_phone="13900001111", reporter_name="李大爷")
    return case if state == "reported" else walk_to(world, case, state)


def page_of(response) -> str:
    return response.content.decode()


def test_the_timeline_is_in_plain_words_without_staff_names_or_opinions(world, clock, resident):
    case = residents_case(world)
    p = world.people
    services.case_accept(case=case, by=p.intake_clerk, opinion="受理员内部意见甲")
    services.case_file(case=case, by=p.shift_lead, opinion="值班长内部意见乙")
    services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)
    services.case_request(case=case, by=p.handler, kind="extension", reason="申请理由丙", extra_minutes=60)
    services.case_decide_request(case=case, by=p.dispatcher, approve=False, note="驳回理由丁")
    services.case_report_fix(case=case, by=p.handler, opinion="处置意见戊", photos=[make_upload()])
    services.case_check(case=case, by=p.inspector, passed=True, opinion="核查意见己")
    services.case_close(case=case, by=p.shift_lead, opinion="结案内部意见庚", public_note="垃圾已清运，增设了收集桶。")

    response = resident.get(f"/p/t/{case.tracking_code}/")

    assert response.status_code == 200
    assert [step.text for step in response.context["steps"]] == [
        "收到问题反映", "已受理", "已立案，等待派遣", "已交由环卫所处理", "处理部门反馈已处理，等待核查", "现场核查通过", "已办结"]
    page = page_of(response)
    assert "垃圾已清运，增设了收集桶。" in page
    for secret in ["甲", "乙", "丙", "丁", "戊", "己", "庚", *(u.display_name for u in vars(p).values())]:
        assert secret not in page, secret
    assert response.context["status"].label == "已办结"


def test_only_photos_staff_made_public_are_shown_and_served(world, clock, resident):
    case = residents_case(world, "closed")
    after = CasePhoto.objects.get(case=case, stage="after")
    before = CasePhoto.objects.get(case=case, stage="before")

    hidden = resident.get(f"/p/t/{case.tracking_code}/")
    assert f"/p/photos/{after.pk}/" not in page_of(hidden)
    assert resident.get(f"/p/photos/{after.pk}/thumbnail/").status_code == 404

    services.case_photo_publish(photo=after, by=world.people.dispatcher, public=True)
    shown = resident.get(f"/p/t/{case.tracking_code}/")

    assert [photo.pk for photo in shown.context["photos"].after] == [after.pk]
    assert f"/p/photos/{after.pk}/thumbnail/" in page_of(shown)
    assert f"/p/photos/{before.pk}/" not in page_of(shown)
    served = resident.get(f"/p/photos/{after.pk}/thumbnail/")
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert resident.get(f"/p/photos/{before.pk}/image/").status_code == 404
    assert resident.get(f"/p/photos/{after.pk}/original/").status_code == 404


def test_a_closed_case_offers_the_rating_once(world, clock, resident):
    case = residents_case(world, "closed")

    page = resident.get(f"/p/t/{case.tracking_code}/")
    assert page.context["may_rate"] is True
    response = resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "4", "comment": "挺快的"})

    assert (response.status_code, response["Location"]) == (302, f"/p/t/{case.tracking_code}/")
    rating = CaseRating.objects.get(case=case)
    assert (rating.score, rating.comment, rating.source) == (4, "挺快的", "portal")
    after = resident.get(f"/p/t/{case.tracking_code}/")
    assert after.context["may_rate"] is False
    again = resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "1"})
    assert again.status_code == 400
    assert "该案件已经评价过了" in page_of(again)
    assert CaseRating.objects.get(case=case).score == 4


def test_an_open_case_offers_no_rating_and_refuses_one(world, clock, resident):
    case = residents_case(world, "handling")

    page = resident.get(f"/p/t/{case.tracking_code}/")
    response = resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "5"})

    assert page.context["may_rate"] is False
    assert b'action="/p/t/' + case.tracking_code.encode() + b'/rate/"' not in page.content
    assert response.status_code == 400
    assert "案件办结后才能评价" in page_of(response)
    assert CaseRating.objects.count() == 0


def test_this_is_not_fixed_sends_a_closed_case_back_to_check(world, clock, resident):
    case = residents_case(world, "closed")

    response = resident.post(f"/p/t/{case.tracking_code}/update/", {
        "not_fixed": "yes", "text": "垃圾又堆起来了", "photos": make_upload(), "client_key": "update-key-01"})

    assert (response.status_code, response["Location"]) == (302, f"/p/t/{case.tracking_code}/")
    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.assignee) == (CaseState.FIXED, world.people.grid_worker)
    event = CaseEvent.objects.get(case=case, action="public_not_fixed")
    assert CasePhoto.objects.get(event=event).is_public is False
    page = resident.get(f"/p/t/{case.tracking_code}/")
    assert "已收到。案件已退回，工作人员会重新到现场核查，结果会在本页更新。" in page_of(page)
    assert page.context["steps"][-1].text == "群众反映问题仍未解决，已退回重新核查"
    assert page.context["status"].label == "已处理，待核查"


def test_a_replayed_not_fixed_form_changes_the_case_once(world, clock, resident):
    case = residents_case(world, "closed")
    form = {"not_fixed": "yes", "text": "没修好", "client_key": "update-key-02"}

    resident.post(f"/p/t/{case.tracking_code}/update/", form)
    version = Case.objects.get(pk=case.pk).version
    resident.post(f"/p/t/{case.tracking_code}/update/", form)

    assert CaseEvent.objects.filter(case=case, action="public_not_fixed").count() == 1
    assert Case.objects.get(pk=case.pk).version == version


def test_a_not_fixed_form_with_a_file_that_is_not_an_image_writes_nothing(world, clock, resident):
    case = residents_case(world, "closed")
    before = (Case.objects.values().get(pk=case.pk), CaseEvent.objects.count(), media_files())

    response = resident.post(f"/p/t/{case.tracking_code}/update/", {
        "not_fixed": "yes", "text": "看照片", "photos": make_upload("problem.jpg", data=EXE)})

    assert response.status_code == 400
    assert "文件“problem.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）" in page_of(response)
    assert (Case.objects.values().get(pk=case.pk), CaseEvent.objects.count(), media_files()) == before


def test_an_unknown_code_is_a_friendly_404_and_guessing_is_slowed(world, clock, resident):
    policy = PortalPolicy.current()
    policy.lookups_missed_per_ip_per_hour = 3
    policy.save()
    case = residents_case(world)

    misses = [resident.get(f"/p/t/{code}/").status_code for code in ["ABCDEFGH23", "nonsense", "ZZZZZZZZZZ"]]
    blocked = resident.get(f"/p/t/{case.tracking_code}/")

    assert misses == [404, 404, 404]
    assert blocked.status_code == 429
    assert Client(REMOTE_ADDR="10.9.8.7").get(f"/p/t/{case.tracking_code}/").status_code == 200


def test_the_code_may_be_typed_in_lower_case_with_spaces(world, clock, resident):
    case = residents_case(world)
    typed = case.tracking_code.lower()[:5] + " " + case.tracking_code.lower()[5:]

    response = resident.get("/p/t/", {"code": typed})

    assert (response.status_code, response["Location"]) == (302, f"/p/t/{case.tracking_code}/")


def test_a_merged_duplicates_page_shows_the_original_problems_progress(world, clock, resident):
    original = walk_to(world, report(world), "handling")
    duplicate = residents_case(world)
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="同一堆垃圾")

    response = resident.get(f"/p/t/{duplicate.tracking_code}/")

    assert response.context["status"].label == "已合并"
    assert response.context["live"] == original
    assert [step.text for step in response.context["live_steps"]][-2:] == ["已交由环卫所处理", "合并了同一问题的另一条反映"]
    assert "同一堆垃圾" not in page_of(response)


def test_the_kept_cases_page_says_how_many_reports_were_merged_into_it(world, clock, resident):
    original = walk_to(world, report(world), "handling")
    duplicate = residents_case(world)
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="同一堆垃圾")

    page = page_of(resident.get(f"/p/c/{original.public_code}/"))

    assert 'data-merged-reports="1"' in page
    assert "另有 1 条相同的反映已合并到此一并处理。" in page
    assert duplicate.number not in page and duplicate.tracking_code not in page


def test_a_merged_duplicates_reporter_can_say_the_problem_is_not_fixed(world, clock, resident):
    original = report(world)
    duplicate = residents_case(world)
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="重复")
    walk_to(world, Case.objects.get(pk=original.pk), "closed")

    page = resident.get(f"/p/t/{duplicate.tracking_code}/")
    response = resident.post(f"/p/t/{duplicate.tracking_code}/update/", {"not_fixed": "yes", "text": "还在"})

    assert (page.context["may_say_not_fixed"], page.context["may_rate"]) == (True, False)
    assert response.status_code == 302
    assert Case.objects.get(pk=original.pk).state == CaseState.FIXED
    assert Case.objects.get(pk=duplicate.pk).state == CaseState.VOIDED
