"""A resident's page never contradicts itself (issue 10, point 3): after "问题其实没有解决？" sends a
closed case back to check, the page shows the current stage only — no 已办结 banner, no closing
note, no rating — and the earlier closure and rating stay in the history, marked as superseded;
the next closure can be rated again."""

from datetime import timedelta

import pytest

from jiedao.cases import services
from jiedao.cases.models import CaseEvent, CaseRating, CaseSource

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db


def closed_and_rated(world, resident):
    case = walk_to(world, report(world, by=None, source=CaseSource.RESIDENT, reporter_phone="13900001111"), "checked")
    services.case_close(case=case, by=world.people.shift_lead, public_note="垃圾已清运完毕。")
    assert resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "5", "comment": "很快"}).status_code == 302
    return case


def test_after_not_fixed_the_page_shows_the_current_stage_only(world, clock, resident):
    case = closed_and_rated(world, resident)
    before = resident.get(f"/p/t/{case.tracking_code}/").content.decode()
    assert 'id="closing"' in before and "垃圾已清运完毕。" in before and 'id="rating"' in before

    response = resident.post(f"/p/t/{case.tracking_code}/update/", {"not_fixed": "yes", "text": "又堆起来了"})
    assert response.status_code == 302
    page = resident.get(f"/p/c/{case.public_code}/")
    html = page.content.decode()

    assert page.context["status"].label == "已处理，待核查"
    assert 'id="closing"' not in html
    assert "垃圾已清运完毕。" not in html
    assert 'id="rating"' not in html
    steps = {step.text: step for step in page.context["steps"]}
    assert steps["已办结"].superseded_note == "已被后续反映取代"
    assert steps["已办结"].is_done is False
    assert steps["群众已评价"].superseded_note == "此前的评价，已被后续反映取代"
    assert steps["群众反映问题仍未解决，已退回重新核查"].superseded_note == ""
    assert "此前的评价，已被后续反映取代" in html


def test_the_superseded_rating_is_kept_in_the_history_and_the_next_closure_can_be_rated(world, clock, resident):
    case = closed_and_rated(world, resident)
    resident.post(f"/p/t/{case.tracking_code}/update/", {"not_fixed": "yes", "text": "又堆起来了"})

    reopening = CaseEvent.objects.get(case=case, action="public_not_fixed")
    assert (reopening.data["superseded_rating"]["score"], reopening.data["superseded_rating"]["source"]) == (5, "portal")
    assert CaseEvent.objects.get(case=case, action="rate").data["score"] == 5
    assert CaseRating.objects.filter(case=case).count() == 0
    assert resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "2"}).status_code == 400

    case.refresh_from_db()
    services.case_check(case=case, by=case.assignee, passed=True)
    services.case_close(case=case, by=world.people.shift_lead, public_note="已彻底清理并加装监控。")
    page = resident.get(f"/p/t/{case.tracking_code}/")
    html = page.content.decode()
    assert page.context["may_rate"] is True
    assert "已彻底清理并加装监控。" in html and "垃圾已清运完毕。" not in html
    assert [step.is_done for step in page.context["steps"] if step.text == "已办结"] == [False, True]

    assert resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "2", "comment": "拖太久"}).status_code == 302
    assert CaseRating.objects.get(case=case).score == 2
    assert 'id="rating"' in resident.get(f"/p/t/{case.tracking_code}/").content.decode()



def test_a_rating_left_over_from_an_earlier_closure_is_not_shown_and_the_new_closure_can_be_rated(
        world, clock, resident):
    case = closed_and_rated(world, resident)
    resident.post(f"/p/t/{case.tracking_code}/update/", {"not_fixed": "yes", "text": "又堆起来了"})
    # a reopening recorded before ratings were set aside on "not fixed" kept the rating row
    old = CaseEvent.objects.get(case=case, action="rate")
    CaseRating.objects.create(case=case, score=5, comment="很快", source="portal", at=old.at)
    case.refresh_from_db()
    services.case_check(case=case, by=case.assignee, passed=True)
    clock.shift(timedelta(minutes=5))
    services.case_close(case=case, by=world.people.shift_lead)

    page = resident.get(f"/p/t/{case.tracking_code}/")
    assert (page.context["rating"], page.context["may_rate"]) == (None, True)
    assert resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "3"}).status_code == 302
    assert CaseRating.objects.get(case=case).score == 3


def test_a_refused_rating_keeps_the_stars_chosen(world, clock, resident):
    case = walk_to(world, report(world, by=None, source=CaseSource.RESIDENT, reporter_phone="13900001111"), "closed")

    response = resident.post(f"/p/t/{case.tracking_code}/rate/", {"score": "4", "comment": "长" * 1001})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="score" value="4" required checked' in html
    assert 'name="score" value="5" required checked' not in html
    assert CaseRating.objects.filter(case=case).count() == 0
