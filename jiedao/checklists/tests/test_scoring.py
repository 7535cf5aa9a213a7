"""The scoring mechanics of standards.md §7 on sheets small enough to compute by hand."""

from decimal import Decimal as D

import pytest

from jiedao.checklists.scoring import (
    ADD,
    DEDUCT,
    MAX_OCCURRENCES,
    VETO,
    ItemResult,
    ItemRule,
    ScoringError,
    SectionRule,
    Sheet,
    item_score,
    sheet_problems,
    sheet_score,
)

# The rural sheet's 村庄清洁 in miniature: 5 points, −1 a spot of litter, open burning zeroes the item;
# 10 points of heaps outside courtyards, −1 each, at most 6 lost; a 2-point add item (0.5 a
# 表彰, capped at 2); a pure veto (major incident) that zeroes the whole sheet.
LITTER = ItemRule(key=1, section_key=10, number="1", name="垃圾", method=DEDUCT, max_score=D(5),
                  per_occurrence=D(1), veto_scope="item")
HEAPS = ItemRule(key=2, section_key=10, number="2", name="五堆", method=DEDUCT, max_score=D(10),
                 per_occurrence=D(1), cap=D(6))
TOILETS = ItemRule(key=3, section_key=20, number="3", name="厕所", method=DEDUCT, max_score=D(10),
                   per_occurrence=D(2), veto_scope="section")
PRAISE = ItemRule(key=4, section_key=30, number="4", name="表彰", method=ADD, per_occurrence=D("0.5"), cap=D(2))
INCIDENT = ItemRule(key=5, section_key=20, number="5", name="重大事故", method=VETO, veto_scope="total")
SHEET = Sheet(
    sections=(SectionRule(key=10, number="一", name="村庄清洁", max_score=D(15)),
              SectionRule(key=20, number="二", name="厕所革命", max_score=D(10)),
              SectionRule(key=30, number="三", name="加分", max_score=D(0))),
    items=(LITTER, HEAPS, TOILETS, PRAISE, INCIDENT),
)


def test_a_clean_inspection_scores_the_sheet_maximum():
    score = sheet_score(SHEET, {})
    assert (score.total, score.base, score.bonus, score.max_score) == (D(25), D(25), D(0), D(25))


def test_each_occurrence_deducts_until_the_item_is_empty():
    assert item_score(LITTER, ItemResult(occurrences=3)).score == D(2)
    assert item_score(LITTER, ItemResult(occurrences=5)).score == D(0)
    # An item never goes below zero.
    assert item_score(LITTER, ItemResult(occurrences=8)).score == D(0)
    assert item_score(LITTER, ItemResult(occurrences=8)).lost == D(5)


def test_the_cap_limits_what_one_item_can_lose():
    assert item_score(HEAPS, ItemResult(occurrences=4)).score == D(6)
    assert item_score(HEAPS, ItemResult(occurrences=9)).score == D(4)  # 10 − min(9, 6)


def test_add_points_are_capped_per_item_and_by_the_sheet():
    assert item_score(PRAISE, ItemResult(occurrences=3)).added == D("1.5")
    assert item_score(PRAISE, ItemResult(occurrences=7)).added == D(2)
    capped = Sheet(sections=SHEET.sections, items=SHEET.items, bonus_cap=D(1))
    score = sheet_score(capped, {4: ItemResult(occurrences=7)})
    assert (score.bonus, score.total) == (D(1), D(26))


def test_a_veto_on_the_item_zeroes_only_the_item():
    score = sheet_score(SHEET, {1: ItemResult(occurrences=1, vetoed=True), 2: ItemResult(occurrences=2)})
    assert score.items[1].score == D(0) and score.items[1].vetoed
    assert score.sections[10].score == D(8)  # 0 + (10 − 2)
    assert score.total == D(18)


def test_a_veto_on_the_section_zeroes_the_section_and_its_bonus_stays_elsewhere():
    score = sheet_score(SHEET, {3: ItemResult(occurrences=0, vetoed=True), 4: ItemResult(occurrences=2)})
    assert score.sections[20].score == D(0) and score.sections[20].vetoed
    assert score.sections[10].score == D(15)
    assert score.total == D(16)  # 15 + 0 + bonus 1


def test_a_veto_item_found_once_zeroes_the_whole_sheet_bonus_included():
    score = sheet_score(SHEET, {5: ItemResult(occurrences=1), 4: ItemResult(occurrences=4)})
    assert score.vetoed
    assert (score.total, score.base, score.bonus) == (D(0), D(0), D(0))
    assert all(section.score == D(0) for section in score.sections.values())


def test_a_veto_item_not_found_costs_nothing():
    assert sheet_score(SHEET, {5: ItemResult(occurrences=0)}).total == D(25)


def test_fractional_deductions_round_to_the_cent():
    half = ItemRule(key=1, section_key=10, number="1", name="四边", max_score=D(3), per_occurrence=D("0.5"))
    assert item_score(half, ItemResult(occurrences=3)).score == D("1.50")


@pytest.mark.parametrize("result", [
    ItemResult(occurrences=-1),
    ItemResult(occurrences=MAX_OCCURRENCES + 1),
    ItemResult(occurrences=10**9),
    ItemResult(occurrences=1, vetoed=True),  # HEAPS has no veto condition
])
def test_impossible_results_are_refused(result):
    with pytest.raises(ScoringError):
        item_score(HEAPS, result)


def test_a_result_for_an_item_of_another_sheet_is_refused():
    with pytest.raises(ScoringError):
        sheet_score(SHEET, {99: ItemResult(occurrences=1)})


def test_the_sheet_itself_is_checked():
    assert sheet_problems(SHEET) == []
    too_much = Sheet(sections=(SectionRule(key=10, number="一", name="村庄清洁", max_score=D(12)),),
                     items=(LITTER, HEAPS))
    assert any("超过本部分分值" in problem for problem in sheet_problems(too_much))
    negative = ItemRule(key=7, section_key=10, number="7", name="负", max_score=D(2), per_occurrence=D(1), cap=D(-1))
    over_cap = ItemRule(key=8, section_key=10, number="8", name="超", max_score=D(2), per_occurrence=D(1), cap=D(3))
    unbounded_add = ItemRule(key=9, section_key=10, number="9", name="加", method=ADD, per_occurrence=D(1))
    scopeless_veto = ItemRule(key=11, section_key=10, number="11", name="否", method=VETO)
    sheet = Sheet(sections=(SectionRule(key=10, number="一", name="甲", max_score=D(10)),),
                  items=(negative, over_cap, unbounded_add, scopeless_veto))
    problems = sheet_problems(sheet)
    assert len(problems) == 4
    assert "不能为负数" in problems[0] and "超过本项分值" in problems[1]
