"""Scoring on the phone and submitting: the running total, the stored figures (recomputable), and
each deduction on an item with a category becoming a case in the loop."""

from datetime import datetime
from decimal import Decimal as D

import pytest

from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.conftest import SHANGHAI, walk_to
from jiedao.inspections import services
from jiedao.inspections.models import Inspection, InspectionPhoto, InspectionResult, InspectionState

from .conftest import item, score, start

pytestmark = pytest.mark.usefixtures("clock")


def test_scoring_items_answers_the_running_total(world, sheet):
    inspection = start(world, sheet)
    running = score(inspection, "1", 3)
    assert (running.sheet.total, running.sheet.max_score) == (D(14), D(20))
    assert running.as_dict()["item"] == {"id": item(sheet, "1").pk, "occurrences": 3, "vetoed": False,
                                         "score": "4.00", "lost": "6.00", "added": "0.00", "photo_count": 1}
    assert score(inspection, "4", 5, photos=[]).sheet.total == D(17)  # +3, the add item's cap
    # Scoring an item again replaces its count; its photos add up.
    again = score(inspection, "1", 1)
    assert again.sheet.total == D(21)
    assert again.as_dict()["item"]["photo_count"] == 2
    assert Inspection.objects.get(pk=inspection.pk).total == D(21)


def test_submit_stores_the_score_and_it_can_be_computed_again(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "1", 2)
    score(inspection, "2", 1, photos=[])
    score(inspection, "4", 1, photos=[])
    done = services.inspection_submit(inspection=inspection, by=world.people.inspector)
    # 20 − 4 (litter) − 5 (notice board) + 1 (bonus)
    assert (done.state, done.total, done.base, done.bonus, done.vetoed, done.deduction_count, done.score) == (
        InspectionState.SUBMITTED, D(12), D(11), D(1), False, 2, D(12))
    again = services.inspection_rescore(Inspection.objects.get(pk=done.pk))
    assert (again.total, again.base, again.bonus, again.vetoed) == (done.total, done.base, done.bonus, done.vetoed)


def test_a_deduction_with_a_category_becomes_a_case_with_the_photos_and_the_rules_deadline(world, sheet):
    inspection = start(world, sheet, by=world.people.supervisor)
    score(inspection, "1", 2, note="村口两处垃圾堆", photos=[services_photo(), services_photo()])
    score(inspection, "2", 1)  # no category: no case
    done = services.inspection_submit(inspection=inspection, by=world.people.supervisor)

    case = Case.objects.get()
    litter = InspectionResult.objects.get(inspection=done, item=item(sheet, "1"))
    notice = InspectionResult.objects.get(inspection=done, item=item(sheet, "2"))
    assert (litter.case, notice.case) == (case, None)
    assert (case.source, case.item, case.reporter, case.state) == (
        CaseSource.INSPECTION, world.item, world.people.supervisor, CaseState.REPORTED)
    assert case.grid == world.grids[0]
    assert case.photos.count() == 2 == InspectionPhoto.objects.filter(result=litter).count()
    assert case.description.startswith("【督查检查】农村人居环境测试细则（2026-11-17 通知检查，检查人 区督查员）第 1 垃圾 项：发现 2 处，扣 4.00 分。")
    assert case.description.endswith("村口两处垃圾堆")
    # Then it is a case like any other: the rule's 4 working hours from dispatch at 09:00.
    handling = walk_to(world, case, "handling")
    assert handling.deadline_at == datetime(2026, 11, 17, 14, 30, tzinfo=SHANGHAI)


def services_photo():
    from jiedao.conftest import make_upload

    return make_upload()


def test_a_veto_found_becomes_a_case_and_zeroes_the_sheet(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "3", 1, vetoed=True)
    done = services.inspection_submit(inspection=inspection, by=world.people.inspector)
    assert (done.total, done.vetoed) == (D(0), True)
    assert Case.objects.get().item == world.no_rule_item


def test_a_deduction_to_become_a_case_needs_a_place(world, sheet):
    inspection = start(world, sheet)
    services.inspection_score_item(inspection=inspection, by=world.people.inspector, item_id=item(sheet, "1").pk,
                                   occurrences=1)
    with pytest.raises(InvalidInput) as refused:
        services.inspection_submit(inspection=inspection, by=world.people.inspector)
    assert str(refused.value.message) == "第 1 垃圾 项扣分后将立案，请记录问题位置（定位）"
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.DRAFT
    assert Case.objects.count() == 0


def test_a_submitted_inspection_is_not_changed_again(world, sheet):
    inspection = start(world, sheet)
    services.inspection_submit(inspection=inspection, by=world.people.inspector)
    with pytest.raises(WrongState):
        score(inspection, "1", 1)
    with pytest.raises(WrongState):
        services.inspection_submit(inspection=inspection, by=world.people.inspector)
    assert InspectionResult.objects.count() == 0


@pytest.mark.parametrize("count, message", [
    (-1, "第 1 垃圾 项：次数不能为负数"), (10**9, "第 1 垃圾 项：次数不能超过 9999"), ("3.5", "次数须为整数"),
    ("", "次数须为整数"),
])
def test_a_bad_count_writes_nothing(world, sheet, count, message):
    inspection = start(world, sheet)
    with pytest.raises(InvalidInput) as refused:
        score(inspection, "1", count)
    assert str(refused.value.message) == message
    assert (InspectionResult.objects.count(), InspectionPhoto.objects.count()) == (0, 0)


def test_only_the_inspector_scores_and_only_in_scope(world, sheet):
    with pytest.raises(NotAllowed):
        start(world, sheet, by=world.people.inspector, unit=world.liuan)
    with pytest.raises(NotAllowed):
        start(world, sheet, by=world.people.secretary)
    inspection = start(world, sheet, by=world.people.leader, unit=world.liuan)
    with pytest.raises(NotAllowed):
        score(inspection, "1", 1, by=world.people.area_leader)
    assert InspectionResult.objects.count() == 0


def test_the_same_device_id_starts_one_inspection(world, sheet):
    client_id = "5b0f0e8e-3f62-4a8e-9a53-0d4c0d6b3a11"
    first, created = services.inspection_start(by=world.people.inspector, version=sheet, unit=world.taoyuan,
                                               client_id=client_id)
    again, created_again = services.inspection_start(by=world.people.inspector, version=sheet, unit=world.taoyuan,
                                                     client_id=client_id)
    assert (first.pk, created, created_again) == (again.pk, True, False)
    with pytest.raises(InvalidInput):
        services.inspection_start(by=world.people.supervisor, version=sheet, unit=world.taoyuan, client_id=client_id)
    assert Inspection.objects.count() == 1
