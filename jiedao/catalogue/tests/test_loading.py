import pytest

from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.catalogue.search_text import search_text_of
from jiedao.catalogue.services import (
    LOCAL_REF,
    STANDARD_REF,
    case_rules_load_default,
    catalogue_load_local_extensions,
    catalogue_load_standard,
)
from jiedao.territory.models import Organisation
from jiedao.territory.services import organisations_seed_default


@pytest.fixture
def seeded(db):
    organisations_seed_default()
    catalogue_load_standard()
    catalogue_load_local_extensions()
    case_rules_load_default()


def test_search_text_is_full_pinyin_then_initials():
    assert search_text_of("暴露垃圾") == "baolulaji bllj"
    assert search_text_of("垃圾站（箱）满溢") == "lajizhanxiangmanyi ljzxmy"


def test_standard_catalogue_loads_153_components_and_250_matters(db):
    rows = catalogue_load_standard()

    assert rows == 403
    assert CatalogueItem.objects.filter(standard_ref=STANDARD_REF, kind=CatalogueKind.COMPONENT).count() == 153
    assert CatalogueItem.objects.filter(standard_ref=STANDARD_REF, kind=CatalogueKind.MATTER).count() == 250
    item = CatalogueItem.objects.get(kind=CatalogueKind.MATTER, code="06010")
    assert (item.name, item.major_code, item.major_name, item.search_text, item.is_local_extension) == (
        "暴露垃圾", "06", "市容环境类", "baolulaji bllj", False)


def test_loading_twice_changes_nothing_and_keeps_switched_off_items(seeded):
    CatalogueItem.objects.filter(code="06029", kind=CatalogueKind.MATTER).update(is_active=False)
    rule = CaseRule.objects.get(seed_key="matter:06010:1:1")
    rule.deadline_value = 6
    rule.save()
    before = (CatalogueItem.objects.count(), CaseRule.objects.count(), Organisation.objects.count())

    created = (organisations_seed_default(), case_rules_load_default())
    catalogue_load_standard()
    catalogue_load_local_extensions()

    assert created == (0, 0)
    assert (CatalogueItem.objects.count(), CaseRule.objects.count(), Organisation.objects.count()) == before
    assert CatalogueItem.objects.get(code="06029", kind=CatalogueKind.MATTER).is_active is False
    assert CaseRule.objects.get(seed_key="matter:06010:1:1").deadline_value == 6


def test_local_extensions_are_marked_local(seeded):
    items = CatalogueItem.objects.filter(standard_ref=LOCAL_REF)

    assert items.count() == 14  # 90008 绿化缺株 gave way to the standard's 04013/04011 (issue 11)
    assert set(items.values_list("is_local_extension", "major_code", "kind")) == {(True, "90", "matter")}
    assert items.get(name="工业废气").search_text == "gongyefeiqi gyfq"


def test_default_rules_cite_their_source_and_department(seeded):
    assert CaseRule.objects.count() == 52
    illegal_building = CaseRule.objects.filter(item__code="06001").order_by("severity")
    assert [(r.severity, r.deadline_value, r.deadline_unit, r.department.code) for r in illegal_building] == [
        (1, 4, DeadlineUnit.WORKING_HOURS, "D01"),
        (2, 7, DeadlineUnit.WORKING_DAYS, "D01"),
        (3, 20, DeadlineUnit.WORKING_DAYS, "D01"),
    ]
    assert illegal_building[0].source == "standards.md §4.2: renrendoc.com/paper/191493937"
    assert CaseRule.objects.filter(department__isnull=True).count() == 0
    assert CaseRule.objects.filter(source="local default").count() == 31


def test_deleted_default_rule_is_recreated_but_edited_rule_is_not_duplicated(seeded):
    CaseRule.objects.get(seed_key="matter:09009:1:*").delete()
    edited = CaseRule.objects.get(seed_key="matter:06012:1:2")
    edited.filing_condition = "管理员改写的条件"
    edited.save()

    created = case_rules_load_default()

    assert created == 1
    assert CaseRule.objects.filter(item__code="06012").count() == 2
    assert CaseRule.objects.get(seed_key="matter:06012:1:2").filing_condition == "管理员改写的条件"
