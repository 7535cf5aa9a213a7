"""The pages by persona: who opens the list, an inspection (200 or 404 as for one that does not
exist), its photos, the re-inspection form, the scores and the plans; the phone's sheet."""

from datetime import date

import pytest
from django.test import Client

from jiedao.access_matrix import PERSONAS
from jiedao.cases.models import Case
from jiedao.inspections import services
from jiedao.inspections.models import InspectionPhoto

from .conftest import score, start

pytestmark = pytest.mark.usefixtures("clock")

READERS = {"inspector", "leader", "area_leader", "secretary", "other_secretary", "supervisor"}
TAOYUAN = {"inspector", "leader", "area_leader", "secretary", "supervisor"}
INSPECTORS = {"inspector", "leader", "area_leader", "supervisor"}


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspected(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "1", 2, note="村口两处垃圾堆")
    return services.inspection_submit(inspection=inspection, by=world.people.inspector)


def test_the_pages_by_persona(world, inspected):
    photo = InspectionPhoto.objects.get()
    pages = {
        "list": ("/inspections/", READERS),
        "scores": ("/inspections/scores/", READERS),
        "plans": ("/inspections/plans/", INSPECTORS),
        "detail": (f"/inspections/{inspected.pk}/", TAOYUAN),
        "photo": (f"/inspections/{inspected.pk}/photos/{photo.pk}/thumb/", TAOYUAN),
        "reinspect": (f"/inspections/{inspected.pk}/reinspect/", INSPECTORS),
        "phone": ("/field/inspections/", INSPECTORS),
        "sheet": (f"/field/inspections/sheet/{inspected.version_id}/", INSPECTORS),
    }
    for name, (path, allowed) in pages.items():
        answers = {who: as_user(getattr(world.people, who)).get(path).status_code for who in PERSONAS}
        assert {who for who, status in answers.items() if status == 200} == allowed, name
        assert set(answers.values()) <= {200, 403, 404}, name
    # Outside its unit, an inspection answers like one that does not exist.
    assert as_user(world.people.other_secretary).get(f"/inspections/{inspected.pk}/").status_code == 404
    assert Client().get("/inspections/").status_code == 302


def test_the_inspection_page_shows_the_deductions_and_the_cases_in_reach(world, inspected):
    case = Case.objects.get()
    page = as_user(world.people.secretary).get(f"/inspections/{inspected.pk}/")
    html = page.content.decode()
    assert page.context["sheet"].score.total == inspected.total
    assert f'href="/cases/{case.number}/"' in html
    assert "村口两处垃圾堆" in html
    assert page.context["hidden_count"] == 0
    # A case this reader may not open is counted, never named: 桃源's grid worker does not read
    # inspections at all, so take the leader's view of a case reported under 柳岸 instead.
    case.territory_path = world.liuan.path + "x/"
    case.save(update_fields=["territory_path"])
    page = as_user(world.people.secretary).get(f"/inspections/{inspected.pk}/")
    assert (page.context["hidden_count"], f'href="/cases/{case.number}/"' in page.content.decode()) == (1, False)


def test_the_list_filters_and_the_scores_page(world, sheet, inspected):
    leader = as_user(world.people.leader)
    listed = leader.get("/inspections/", {"unit": world.liuan.pk})
    assert list(listed.context["inspections"]) == []
    listed = leader.get("/inspections/", {"unit": world.taoyuan.pk, "kind": "notified",
                                          "checklist": sheet.checklist_id})
    assert list(listed.context["inspections"]) == [inspected]
    assert leader.get("/inspections/", {"start": "2026-13-01"}).status_code == 400
    scores = leader.get("/inspections/scores/", {"checklist": sheet.checklist_id, "start": "2026-11-01",
                                                 "end": "2026-11-30"})
    rows = {row["unit"].name: row["score"].average for row in scores.context["rows"]}
    assert rows == {"桃源社区": inspected.total, "柳岸社区": None}


def test_the_phone_sheet_carries_its_rules(world, sheet):
    page = as_user(world.people.supervisor).get(f"/field/inspections/sheet/{sheet.pk}/", {"unit": world.taoyuan.pk})
    rules = page.context["sheet"]
    assert [(rule["number"], rule["method"], rule["max"], rule["per"], rule["cap"], rule["veto"])
            for rule in rules["items"]] == [
        ("1", "deduct", "10.00", "2.00", None, ""), ("2", "deduct", "5.00", "5.00", None, ""),
        ("3", "veto", "5.00", "0.00", None, "total"), ("4", "add", "0.00", "1.00", "3.00", "")]
    assert page.context["unit_id"] == world.taoyuan.pk
    assert [unit.name for unit in page.context["units"]] == ["桃源社区", "桃源社区第1网格", "桃源社区第2网格"]
    assert page.context["hide_worker_tabs"]  # a 督查员 does not patrol: no report or queue tabs


def test_a_plan_page_shows_what_was_not_done(world, sheet):
    services.plan_create(by=world.people.leader, name="月度考评", checklist=sheet.checklist,
                         inspector=world.people.inspector, targets=[(world.taoyuan, "")],
                         starts_on=date(2026, 10, 1))
    page = as_user(world.people.inspector).get("/inspections/plans/")
    assert [(row.period_start, row.done) for row in page.context["missed"]] == [(date(2026, 10, 1), 0)]
    assert "未按计划检查" in page.content.decode()
