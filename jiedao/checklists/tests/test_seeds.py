"""The sample checklists: valid sheets of 100 points, published as version 1 and marked as samples,
seeded once, never over an office's edits, and tolerant of a catalogue without their codes."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from jiedao.checklists.models import Checklist, ChecklistItem, ChecklistVersion, VersionStatus
from jiedao.checklists.scoring import ItemResult, sheet_problems, sheet_score
from jiedao.checklists.seeds import checklists_seed
from jiedao.checklists.selectors import sheet_of, version_in_force
from jiedao.checklists.services import checklist_revise, version_drafts, version_fill, version_publish
from jiedao.checklists.workbook import sheet_read, version_xlsx

CODES = ["dust-six", "rural-living", "street-appearance", "waste-sorting-estate"]


@pytest.fixture
def catalogue(world):
    call_command("seed_catalogue", stdout=io.StringIO())


@pytest.fixture
def seeded(catalogue):
    assert checklists_seed() == 4
    return {checklist.code: version_in_force(checklist) for checklist in Checklist.objects.all()}


def test_four_samples_published_as_version_one_with_a_sample_note(seeded):
    assert sorted(seeded) == CODES
    for version in seeded.values():
        assert (version.number, version.status, version.checklist.is_sample) == (1, VersionStatus.PUBLISHED, True)
        assert version.checklist.description.startswith("示例内容")
        assert version.change_note.startswith("示例内容")


@pytest.mark.parametrize("code", CODES)
def test_each_sample_is_a_valid_sheet_of_100_points(seeded, code):
    sheet = sheet_of(seeded[code])
    assert sheet_problems(sheet) == []
    assert sheet.max_score == D(100)
    assert sheet_score(sheet, {}).total == D(100)


def test_the_rural_sheet_samples_five_households_and_vetoes_open_burning_on_its_item(seeded):
    version = seeded["rural-living"]
    toilets = ChecklistItem.objects.get(section__version=version, name="卫生厕所")
    assert (toilets.section.name, toilets.section.max_score, toilets.per_occurrence) == ("厕所革命", D(10), D(2))
    assert (toilets.sampling_rule, toilets.sample_size, toilets.sample_unit) == ("每个自然村随机走访5户", 5, "户")
    litter = ChecklistItem.objects.get(section__version=version, name="村内垃圾")
    assert (litter.section.name, litter.veto_scope, litter.category.code) == ("村庄清洁", "item", "06010")

    sheet = sheet_of(version)
    score = sheet_score(sheet, {litter.pk: ItemResult(occurrences=1, vetoed=True),
                                toilets.pk: ItemResult(occurrences=2)})
    assert score.total == D(100) - D(5) - D(4)


def test_the_waste_sheet_has_the_sources_section_weights(seeded):
    sections = dict(seeded["waste-sorting-estate"].sections.values_list("name", "max_score"))
    assert {name: sections[name] for name in ("宣传公示", "设施配置", "中低价值可回收物投放点", "集置点", "分类质量")} == {
        "宣传公示": D(10), "设施配置": D(20), "中低价值可回收物投放点": D(10), "集置点": D(20), "分类质量": D(15)}
    participation = ChecklistItem.objects.get(section__version=seeded["waste-sorting-estate"], name="参与率")
    assert participation.standard == "参与率90%以上不扣分，每低10%扣1分"
    assert participation.per_occurrence == D(1)


def test_dust_and_street_items_map_to_their_catalogue_categories(seeded):
    dust = dict(ChecklistItem.objects.filter(section__version=seeded["dust-six"], section__position=1)
                .values_list("name", "category__code"))
    assert dust == {"工地周边围挡": "08007", "物料堆放覆盖": "08004", "出入车辆冲洗": "08012",
                    "施工现场地面硬化": "08008", "拆迁工地湿法作业": "08004", "渣土车辆密闭运输": "08011"}
    street = dict(ChecklistItem.objects.filter(section__version=seeded["street-appearance"])
                  .values_list("name", "category__code"))
    assert street == {"无垃圾死角": "06010", "无污水横流": "06030", "无杂物乱堆": "06036", "露天焚烧": "06020",
                      "道路平整": "06013", "路灯明亮": "01037", "排水畅通": "90014", "四季有绿": "04013",
                      "错落有致": "06017", "美观大方": "07001"}
    # 04013 is both a component and a matter: the matter, since a case is about a matter.
    assert ChecklistItem.objects.get(section__version=seeded["street-appearance"], name="四季有绿").category.kind == "matter"


def test_seeding_again_writes_nothing_and_keeps_the_offices_edits(seeded, world):
    rural = Checklist.objects.get(code="rural-living")
    draft = checklist_revise(checklist=rural, by=world.people.leader)
    sections = version_drafts(draft)
    sections[0].items[0].sample_size = 8
    version_fill(version=draft, sections=sections, by=world.people.leader)
    version_publish(version=draft, by=world.people.leader, note="每村走访 8 户")

    assert checklists_seed() == 0

    assert ChecklistVersion.objects.count() == 5
    assert version_in_force(rural).number == 2
    assert ChecklistItem.objects.get(section__version=version_in_force(rural), name="卫生厕所").sample_size == 8


def test_a_deleted_sample_comes_back_and_only_it(seeded):
    version = seeded["dust-six"]
    ChecklistItem.objects.filter(section__version=version).delete()
    version.sections.all().delete()
    ChecklistVersion.objects.filter(pk=version.pk).delete()
    Checklist.objects.filter(code="dust-six").delete()

    assert checklists_seed() == 1
    assert sorted(Checklist.objects.values_list("code", flat=True)) == CODES


def test_a_catalogue_without_the_codes_leaves_categories_empty(world):
    """The test world's catalogue holds 06010 and 06036 only."""
    out = io.StringIO()
    call_command("seed_checklists", stdout=out)
    call_command("seed_checklists", stdout=out)

    assert out.getvalue().splitlines() == ["sample checklists created: 4", "sample checklists created: 0"]
    street = version_in_force(Checklist.objects.get(code="street-appearance"))
    categories = dict(ChecklistItem.objects.filter(section__version=street).values_list("name", "category__code"))
    assert categories["无垃圾死角"] == "06010" and categories["无杂物乱堆"] == "06036"
    assert categories["路灯明亮"] is None and categories["排水畅通"] is None


@pytest.mark.parametrize("code", CODES)
def test_each_sample_survives_export_and_import(seeded, code):
    data, _items = version_xlsx(seeded[code])
    read = sheet_read(data)
    assert read.sections == version_drafts(seeded[code])
    assert read.interpreted == []
