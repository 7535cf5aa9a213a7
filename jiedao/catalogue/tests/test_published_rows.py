"""Issue 11, point 4: the published rows of standards.md §4.2 as seeded data, fractional limits, and
case rules that name a class of whichever grid class scheme the office uses."""

from decimal import Decimal

import pytest
from django.db.models import F

from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind, DeadlineUnit, deadline_text
from jiedao.catalogue.selectors import case_rule_for, case_rules_for_item
from jiedao.catalogue.services import (
    LOCAL_REF,
    case_rule_seed_key,
    case_rules_load_default,
    catalogue_load_local_extensions,
    catalogue_load_standard,
)
from jiedao.territory.models import GridClass, GridClassScheme
from jiedao.territory.services import (
    grid_class_scheme_choose,
    grid_classes_seed_default,
    organisations_seed_default,
)


@pytest.fixture
def seeded(db):
    organisations_seed_default()
    catalogue_load_standard()
    catalogue_load_local_extensions()
    case_rules_load_default()


def rows(code: str) -> list[tuple]:
    return [(rule.severity, rule.grid_class.code if rule.grid_class else "", rule.filing_condition,
             rule.deadline_text, rule.department.code)
            for rule in CaseRule.objects.filter(item__kind=CatalogueKind.MATTER, item__code=code, is_active=True)
            .order_by("severity", F("grid_class__code").asc(nulls_first=True))]


def test_construction_waste_has_the_two_published_conditions(seeded):
    assert rows("06011") == [
        (1, "", "建筑垃圾（含装修垃圾）成堆积存", "4 工作时", "D02"),
        (2, "", "渣土堆积或积存", "2 工作日", "D02"),
        (2, "2", "渣土堆积或积存", "4 工作日", "D02"),  # 济源's 积存垃圾渣土, for 二类 grids
    ]


def test_gas_and_water_pipe_bursts_have_their_emergency_limits(seeded):
    assert rows("01057") == [
        (1, "", "燃气管道破裂，现场尚未围护", "3 紧急工作时", "D03"),
        (2, "", "燃气管道破裂，已围护尚未修复", "2 自然日", "D03"),  # 2 紧急工作日: continuous days
    ]
    assert rows("01001") == [
        (1, "", "供水管道破裂，现场尚未围护", "3 紧急工作时", "D03"),
        (2, "", "供水管道破裂，已围护尚未修复", "8 紧急工作时", "D03"),
        (3, "", "供水管道已修复，路面恢复不平整", "5 工作日", "D03"),
    ]
    # The components carry no rules of their own: a report on 露天燃气管道 gets its matter's rule.
    pipe = CatalogueItem.objects.get(kind=CatalogueKind.COMPONENT, code="01057")
    assert case_rule_for(item=pipe, grid_class=None).deadline_text == "3 紧急工作时"


def test_green_space_upkeep_sits_on_the_standards_codes_not_a_local_extension(seeded):
    assert rows("04013") == [(1, "", "绿地植物死亡、缺株或黄土裸露", "5 工作日", "D10")]
    assert rows("04011") == [(1, "", "树池树穴塌陷、缺株或破损", "5 工作日", "D10")]
    assert not CatalogueItem.objects.filter(standard_ref=LOCAL_REF, code="90008").exists()


def test_every_published_row_names_its_standards_reference(seeded):
    published = CaseRule.objects.filter(item__code__in=["06011", "01057", "01001", "04011", "04013"])

    assert published.count() == 10
    assert all(rule.source.startswith("standards.md §4.2") for rule in published)


def test_an_earlier_install_switches_off_the_replaced_defaults_and_keeps_their_cases_category(seeded):
    # Given the rows and the local extension an earlier release seeded
    green, _created = CatalogueItem.objects.get_or_create(
        standard_ref=LOCAL_REF, kind=CatalogueKind.MATTER, code="90008",
        defaults={"major_code": "90", "major_name": "本地扩展", "name": "绿化缺株", "is_local_extension": True})
    old_green = CaseRule.objects.create(item=green, filing_condition="绿地植物死亡、缺株或树穴塌陷",
                                        deadline_value=5, deadline_unit="working_days", closing_condition="补植、修复",
                                        seed_key="matter:90008:1:*")
    waste = CatalogueItem.objects.get(kind=CatalogueKind.MATTER, code="06011")
    first = grid_classes_seed_default()["1"]
    old_waste = CaseRule.objects.create(item=waste, filing_condition="建筑垃圾、渣土或生活垃圾积存", grid_class=first,
                                        deadline_value=2, deadline_unit="working_days", closing_condition="清理完毕",
                                        seed_key="matter:06011:1:1")
    edited = CaseRule.objects.create(item=waste, filing_condition="建筑垃圾、渣土或生活垃圾积存",
                                     grid_class=grid_classes_seed_default()["2"], deadline_value=3,
                                     deadline_unit="working_days", closing_condition="清理完毕",
                                     seed_key="matter:06011:1:2")

    # When the defaults are loaded again (every deploy)
    case_rules_load_default()

    # Then the untouched old rows are switched off (not deleted), an administrator's edit stays on
    old_green.refresh_from_db(), old_waste.refresh_from_db(), edited.refresh_from_db(), green.refresh_from_db()
    assert (old_green.is_active, old_waste.is_active, edited.is_active, green.is_active) == (False, False, True, False)
    # and a 一类 grid now gets the published 建筑垃圾 4 工作时
    assert case_rule_for(item=waste, grid_class=first).deadline_text == "4 工作时"


def test_a_fractional_limit_is_kept_and_shown_as_the_tables_write_it(seeded):
    item = CatalogueItem.objects.get(kind=CatalogueKind.MATTER, code="09009")
    rule = CaseRule.objects.create(item=item, filing_condition="步骤时限", deadline_value=Decimal("1.5"),
                                   deadline_unit=DeadlineUnit.WORKING_HOURS, closing_condition="驶离")

    rule.refresh_from_db()

    assert rule.deadline_value == Decimal("1.50")
    assert rule.deadline_text == "1.5 工作时"
    assert str(rule) == "机动车乱停放 · 步骤时限 · 1.5 工作时"
    assert deadline_text(Decimal("4.00"), "working_days") == "4 工作日"
    assert deadline_text(Decimal("0.25"), "working_days") == "0.25 工作日"
    assert deadline_text(10, "minutes") == "10 分钟"


@pytest.fixture
def abc_scheme(seeded):
    """The office switches from 一类/二类 to A/B/C, and has a 核心区/一般区 scheme prepared too."""
    scheme = GridClassScheme.objects.create(name="A/B/C")
    classes = {code: GridClass.objects.create(scheme=scheme, code=code, name=f"{code}类", order=order)
               for order, code in enumerate("ABC", start=1)}
    core_scheme = GridClassScheme.objects.create(name="核心区/一般区")
    classes["core"] = GridClass.objects.create(scheme=core_scheme, code="core", name="核心区", order=1)
    grid_class_scheme_choose(scheme=scheme)
    item = CatalogueItem.objects.get(kind=CatalogueKind.MATTER, code="06042")  # 垃圾站（箱）满溢
    CaseRule.objects.filter(item=item).update(is_active=False)
    for code, hours in (("A", "1.5"), ("B", "3"), ("core", "0.5")):
        CaseRule.objects.create(item=item, filing_condition=f"{code} 满溢", grid_class=classes[code],
                                deadline_value=Decimal(hours), deadline_unit=DeadlineUnit.WORKING_HOURS,
                                closing_condition="清运完毕")
    CaseRule.objects.create(item=item, filing_condition="任意区域满溢", deadline_value=4,
                            deadline_unit=DeadlineUnit.WORKING_HOURS, closing_condition="清运完毕")
    return item, classes


def test_only_one_scheme_is_in_use(abc_scheme):
    assert list(GridClassScheme.objects.filter(is_in_use=True).values_list("name", flat=True)) == ["A/B/C"]


@pytest.mark.parametrize(("code", "expected"), [
    ("A", "A 满溢 · 1.5 工作时"), ("B", "B 满溢 · 3 工作时"),
    ("C", "任意区域满溢 · 4 工作时"),  # no row for C: the row for every class
    ("core", "core 满溢 · 0.5 工作时"),  # 核心区, a class of another scheme still finds its own row
    (None, "任意区域满溢 · 4 工作时"),  # no class: the row for every class
])
def test_the_rule_follows_the_grids_class_in_any_scheme(abc_scheme, code, expected):
    item, classes = abc_scheme

    rule = case_rule_for(item=item, grid_class=classes[code] if code else None)

    assert f"{rule.filing_condition} · {rule.deadline_text}" == expected


def test_a_grid_without_class_falls_back_to_the_strictest_class_of_the_scheme_in_use(abc_scheme):
    item, _classes = abc_scheme
    CaseRule.objects.filter(item=item, grid_class=None).update(is_active=False)

    rule = case_rule_for(item=item, grid_class=None)

    assert f"{rule.filing_condition} · {rule.deadline_text}" == "A 满溢 · 1.5 工作时"


def test_a_row_naming_another_class_is_never_offered(abc_scheme):
    item, classes = abc_scheme

    offered = case_rules_for_item(item=item, grid_class=classes["B"])

    assert [rule.filing_condition for rule in offered] == ["B 满溢"]


def test_default_rows_are_keyed_by_the_default_schemes_class_code(seeded):
    rule = CaseRule.objects.get(seed_key=case_rule_seed_key(kind="matter", code="06010", severity=1, grid_class="1"))

    assert (rule.grid_class.scheme.name, rule.grid_class.code, rule.grid_class.name) == ("一类/二类", "1", "一类")
