"""Who sees which inspection (every unit its own, leaders their areas, departments none; 暗访 hidden
from the inspected unit until submitted), scores rolled up the tree, and plans' due inspections."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from jiedao.access_matrix import PERSONAS
from jiedao.inspections import services
from jiedao.inspections.models import Frequency, InspectionKind
from jiedao.inspections.selectors import day_start, inspections_visible_to, plans_due, unit_scores

from .conftest import score, start

pytestmark = pytest.mark.usefixtures("clock")

# An inspection of 桃源社区 by its 监督员: who opens it.
READERS_OF_TAOYUAN = {"inspector", "leader", "area_leader", "secretary", "supervisor"}


def test_who_reads_an_inspection_of_a_community(world, sheet):
    inspection = start(world, sheet)
    services.inspection_submit(inspection=inspection, by=world.people.inspector)
    seen = {who for who in PERSONAS
            if inspections_visible_to(user=getattr(world.people, who)).filter(pk=inspection.pk).exists()}
    assert seen == READERS_OF_TAOYUAN


def test_an_unannounced_inspection_is_hidden_until_submitted(world, sheet):
    inspection = start(world, sheet, by=world.people.supervisor, kind=InspectionKind.UNANNOUNCED)
    readers = {who for who in PERSONAS
               if inspections_visible_to(user=getattr(world.people, who)).filter(pk=inspection.pk).exists()}
    assert readers == {"supervisor"}
    services.inspection_submit(inspection=inspection, by=world.people.supervisor)
    readers = {who for who in PERSONAS
               if inspections_visible_to(user=getattr(world.people, who)).filter(pk=inspection.pk).exists()}
    assert readers == READERS_OF_TAOYUAN


def test_scores_roll_up_the_tree_and_average_the_inspections(world, sheet):
    for unit, spots in ((world.taoyuan, 1), (world.taoyuan, 4), (world.liuan, 0)):
        inspection = start(world, sheet, by=world.people.leader, unit=unit)
        score(inspection, "1", spots, column=0 if unit == world.taoyuan else 2)
        services.inspection_submit(inspection=inspection, by=world.people.leader)
    today = date(2026, 11, 17)
    scores = unit_scores(checklist=sheet.checklist, units=[world.taoyuan, world.liuan, world.area, world.grids[0]],
                         start=day_start(today), end=day_start(today + timedelta(days=1)))
    # 桃源 (18 + 12) / 2; 柳岸 20; 东片 (18 + 12 + 20) / 3; a grid with no inspection of its own: none.
    assert {pk: (row.average, row.count) for pk, row in scores.items()} == {
        world.taoyuan.pk: (D(15), 2), world.liuan.pk: (D(20), 1), world.area.pk: (D("16.67"), 3),
        world.grids[0].pk: (None, 0)}
    yesterday = unit_scores(checklist=sheet.checklist, units=[world.taoyuan], start=day_start(today - timedelta(days=1)),
                            end=day_start(today))
    assert yesterday[world.taoyuan.pk].average is None


def test_a_plan_makes_inspections_due_and_shows_the_missing_ones(world, sheet):
    plan = services.plan_create(by=world.people.leader, name="每周巡检", checklist=sheet.checklist,
                                frequency=Frequency.WEEK, inspector=world.people.inspector,
                                targets=[(world.taoyuan, ""), (world.taoyuan, "桃源农贸市场")],
                                starts_on=date(2026, 11, 9))
    inspection = start(world, sheet, plan=plan, place="桃源农贸市场")
    services.inspection_submit(inspection=inspection, by=world.people.inspector)
    rows = plans_due(plans=[plan], start=date(2026, 11, 1), end=date(2026, 11, 22))
    today = date(2026, 11, 17)
    assert [(row.period_start, row.target.place, row.done, row.is_missed(today)) for row in rows] == [
        (date(2026, 11, 9), "", 0, True), (date(2026, 11, 9), "桃源农贸市场", 0, True),
        (date(2026, 11, 16), "", 1, False), (date(2026, 11, 16), "桃源农贸市场", 1, False)]


def test_one_measure_per_checklist_in_force_reads_the_unit_scores(world, sheet):
    from jiedao.inspections.measures import inspection_measures
    from jiedao.inspections.selectors import unit_scores_on_hundred

    inspection = start(world, sheet)
    score(inspection, "1", 1)  # 18 of 20
    services.inspection_submit(inspection=inspection, by=world.people.inspector)
    [measure] = inspection_measures()
    assert (measure.key, str(measure.label), measure.unit, measure.higher_is_better) == (
        "inspection:rural-test", "农村人居环境测试细则 检查平均分", "分", True)
    today = date(2026, 11, 17)
    window = (day_start(today), day_start(today + timedelta(days=1)))
    assert measure.values([world.taoyuan, world.liuan], *window) == {world.taoyuan.pk: D(18), world.liuan.pk: None}
    assert unit_scores_on_hundred(checklist=sheet.checklist, units=[world.taoyuan], start=window[0],
                                  end=window[1]) == {world.taoyuan.pk: D(90)}
