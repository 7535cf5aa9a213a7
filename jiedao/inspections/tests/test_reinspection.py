"""复查: outcomes per failed item (standards.md §7 point 3), their cost to the unit's score, the
refusals (an item not failed, 已整改 while the case is still open), and a closed case's problem
found again going back into the loop."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.cases.services import case_report_fix
from jiedao.conftest import make_upload, walk_to
from jiedao.inspections import services
from jiedao.inspections.models import Inspection, InspectionPolicy, Outcome, Reinspection
from jiedao.inspections.selectors import day_start, unit_scores
from jiedao.inspections.services import ItemOutcome

from .conftest import item, score, start

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def inspected(world, sheet):
    """Litter 2 spots (−4, a case) and the notice board (−5, no case): 11 of 20."""
    inspection = start(world, sheet)
    score(inspection, "1", 2)
    score(inspection, "2", 1, photos=[])
    return services.inspection_submit(inspection=inspection, by=world.people.inspector)


def outcome(version, number, value, note=""):
    return ItemOutcome(item_id=item(version, number).pk, outcome=value, note=note)


def test_failed_outcomes_cost_the_unit_the_policys_deduction(world, sheet, inspected):
    reinspection = services.reinspection_record(
        inspection=inspected, by=world.people.supervisor,
        outcomes=[outcome(sheet, "2", Outcome.PARTLY_RECTIFIED)])
    assert (reinspection.failed_count, reinspection.false_count, reinspection.deduction) == (1, 0, D(1))
    services.reinspection_record(inspection=inspected, by=world.people.supervisor,
                                 outcomes=[outcome(sheet, "2", Outcome.FALSE_RECTIFICATION, "公示栏内容为旧照片")])
    done = Inspection.objects.get(pk=inspected.pk)
    assert (done.total, done.reinspection_deduction, done.score) == (D(11), D(6), D(5))
    # The unit's score for the month moves with it.
    month = (day_start(inspected.started_at.date().replace(day=1)), day_start(inspected.started_at.date())
             + timedelta(days=30))
    assert unit_scores(checklist=sheet.checklist, units=[world.taoyuan, world.area], start=month[0],
                       end=month[1])[world.taoyuan.pk].average == D(5)


def test_the_deductions_are_data(world, sheet, inspected):
    policy = InspectionPolicy.current()
    policy.deduction_not_rectified = D("3.5")
    policy.save()
    services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                 outcomes=[outcome(sheet, "2", Outcome.NOT_RECTIFIED)])
    assert Inspection.objects.get(pk=inspected.pk).score == D("7.50")


def test_rectified_costs_nothing(world, sheet, inspected):
    reinspection = services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                                outcomes=[outcome(sheet, "2", Outcome.RECTIFIED)])
    assert (reinspection.failed_count, reinspection.deduction) == (0, D(0))
    assert Inspection.objects.get(pk=inspected.pk).score == D(11)
    with pytest.raises(InvalidInput) as refused:
        services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                     outcomes=[outcome(sheet, "2", Outcome.NOT_RECTIFIED)])
    assert str(refused.value.message) == "第 2 公示栏 项已复查为已整改"


def test_an_item_the_inspection_did_not_fail_is_refused(world, sheet, inspected):
    for number in ("3", "4"):  # never scored; scored without loss would be the same
        with pytest.raises(InvalidInput) as refused:
            services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                         outcomes=[outcome(sheet, "2", Outcome.RECTIFIED),
                                                   outcome(sheet, number, Outcome.RECTIFIED)])
        assert str(refused.value.message).endswith("项在本次检查中未扣分，无需复查")
    assert Reinspection.objects.count() == 0


def test_rectified_waits_for_the_cases_fix(world, sheet, inspected):
    case = Case.objects.get()
    walk_to(world, case, "handling")
    with pytest.raises(InvalidInput) as refused:
        services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                     outcomes=[outcome(sheet, "1", Outcome.RECTIFIED)])
    assert str(refused.value.message) == (
        f"第 1 垃圾 项的案件 {case.number} 仍为“处置中”，尚未反馈处置完成，不能记为已整改；"
        "请记为未整改，或待案件处置反馈后再复查")
    # 未整改 is recorded; the case is still open, so no second case.
    services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                 outcomes=[outcome(sheet, "1", Outcome.NOT_RECTIFIED)])
    assert Case.objects.count() == 1
    case_report_fix(case=Case.objects.get(pk=case.pk), by=world.people.handler, opinion="已清运",
                    photos=[make_upload()])
    services.reinspection_record(inspection=inspected, by=world.people.inspector,
                                 outcomes=[outcome(sheet, "1", Outcome.RECTIFIED)])
    assert Inspection.objects.get(pk=inspected.pk).score == D(9)


def test_a_problem_still_there_after_its_case_closed_is_a_new_case(world, sheet, inspected):
    old = walk_to(world, Case.objects.get(), "closed")
    reinspection = services.reinspection_record(inspection=inspected, by=world.people.supervisor,
                                                outcomes=[outcome(sheet, "1", Outcome.FALSE_RECTIFICATION)])
    new = reinspection.items.get().case
    assert (new.source, new.item, new.state, new.reporter) == (
        CaseSource.INSPECTION, world.item, CaseState.REPORTED, world.people.supervisor)
    assert f"原案件 {old.number} 已结案但问题仍在" in new.description


def test_only_submitted_inspections_in_scope_are_reinspected(world, sheet, inspected):
    with pytest.raises(NotAllowed):
        services.reinspection_record(inspection=inspected, by=world.people.secretary,
                                     outcomes=[outcome(sheet, "2", Outcome.RECTIFIED)])
    draft = start(world, sheet)
    with pytest.raises(WrongState):
        services.reinspection_record(inspection=draft, by=world.people.inspector,
                                     outcomes=[outcome(sheet, "2", Outcome.RECTIFIED)])
    assert Reinspection.objects.count() == 0
