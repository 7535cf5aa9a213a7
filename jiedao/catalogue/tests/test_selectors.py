import pytest

from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.catalogue.selectors import case_rule_for, case_rules_for_item, catalogue_search
from jiedao.catalogue.services import (
    case_rules_load_default,
    catalogue_load_local_extensions,
    catalogue_load_standard,
)
from jiedao.territory.models import GridClass
from jiedao.territory.services import (
    grid_classes_seed_default,
    organisations_seed_default,
)


@pytest.fixture
def seeded(db):
    organisations_seed_default()
    catalogue_load_standard()
    catalogue_load_local_extensions()
    case_rules_load_default()


def klass(code: str) -> GridClass:
    """A class of the default "一类/二类" scheme by its code."""
    return grid_classes_seed_default()[code]


def matter(code: str) -> CatalogueItem:
    return CatalogueItem.objects.get(kind=CatalogueKind.MATTER, code=code)


@pytest.mark.parametrize("query", ["bllj", "BLLJ", "baolu", "bao lu", "暴露", "06010"])
def test_search_finds_exposed_garbage_first(seeded, query):
    found = catalogue_search(query=query)

    assert (found[0].kind, found[0].code, found[0].name) == ("matter", "06010", "暴露垃圾")


def test_chinese_substring_ranks_names_starting_with_it_before_names_containing_it(seeded):
    found = catalogue_search(query="垃圾", limit=50)

    names = [item.name for item in found]
    # Nothing used yet: names starting with the query, then names containing it; within each,
    # ruled items first, then matters, then by code.
    assert names == [
        "垃圾未分类", "垃圾站（箱）满溢", "垃圾混装混运", "垃圾分类设施缺失", "垃圾间（楼）异常", "垃圾箱异常",
        "垃圾间（楼）", "垃圾箱", "暴露垃圾", "积存垃圾渣土", "焚烧垃圾、树叶", "非正规垃圾填埋场",
    ]


def test_search_skips_switched_off_items_and_empty_queries(seeded):
    CatalogueItem.objects.filter(code="06010").update(is_active=False)

    assert [item.code for item in catalogue_search(query="bllj")] == []
    assert catalogue_search(query="  ") == []


def test_search_respects_the_limit(seeded):
    assert len(catalogue_search(query="异常", limit=5)) == 5


def test_grid_class_row_beats_the_all_classes_row(seeded):
    item = matter("06010")
    CaseRule.objects.create(item=item, filing_condition="所有区域", deadline_value=9,
                            deadline_unit=DeadlineUnit.WORKING_DAYS, closing_condition="清理")

    first = case_rule_for(item=item, grid_class=klass("1"))
    second = case_rule_for(item=item, grid_class=klass("2"))

    assert (first.deadline_value, first.deadline_unit, first.grid_class.code) == (4, "working_hours", "1")
    assert (second.deadline_value, second.deadline_unit, second.grid_class.code) == (1, "working_days", "2")


def test_unclassified_grid_prefers_the_all_classes_row_then_the_stricter_class(seeded):
    assert case_rule_for(item=matter("06001"), grid_class=None).deadline_value == 4
    strict = case_rule_for(item=matter("06012"), grid_class=None)
    assert (strict.grid_class.code, strict.deadline_value, strict.deadline_unit) == ("1", 2, "working_hours")


def test_mildest_step_is_the_default_and_all_steps_are_offered(seeded):
    item = matter("06001")

    rules = case_rules_for_item(item=item, grid_class=klass("2"))

    assert [(r.severity, r.deadline_value, r.deadline_unit) for r in rules] == [
        (1, 4, "working_hours"), (2, 7, "working_days"), (3, 20, "working_days")]
    assert case_rule_for(item=item, grid_class=klass("2")).pk == rules[0].pk


def test_chosen_rule_is_used_only_if_it_belongs_to_the_item(seeded):
    demolition = CaseRule.objects.get(item__code="06001", severity=3)

    assert case_rule_for(item=matter("06001"), grid_class=klass("1"), rule_id=demolition.pk).pk == demolition.pk
    assert case_rule_for(item=matter("06010"), grid_class=klass("1"), rule_id=demolition.pk) is None


def test_switched_off_rule_is_skipped(seeded):
    CaseRule.objects.filter(item__code="06013", severity=1).update(is_active=False)

    rule = case_rule_for(item=matter("06013"), grid_class=klass("1"))

    assert (rule.severity, rule.deadline_value, rule.deadline_unit) == (2, 4, "emergency_hours")


def test_component_uses_the_rules_of_its_abnormal_matter(seeded):
    street_lamp = CatalogueItem.objects.get(kind=CatalogueKind.COMPONENT, code="01037")

    rule = case_rule_for(item=street_lamp, grid_class=klass("2"))

    assert (rule.item.name, rule.deadline_value, rule.deadline_unit, rule.department.code) == (
        "路灯异常", 3, "working_days", "D03")


def test_item_without_rules_has_none(seeded):
    assert case_rule_for(item=matter("06029"), grid_class=klass("1")) is None


def test_among_equal_name_matches_the_category_used_more_here_comes_first(world, clock):
    from jiedao.conftest import report

    heaps = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="06", major_name="市容环境类",
                                         code="06099", name="积存垃圾渣土", standard_ref="local")
    unsorted = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="06", major_name="市容环境类",
                                            code="06098", name="垃圾未分类", standard_ref="local")
    report(world, item=heaps)
    report(world, item=heaps)

    names = [item.name for item in catalogue_search(query="垃圾")]

    # 垃圾未分类 starts with the query; 积存垃圾渣土 (used twice) and 暴露垃圾 (ruled, never used) both
    # contain it: use decides between them, not the rule.
    assert names == [unsorted.name, heaps.name, "暴露垃圾"]
