"""A small published sheet to inspect with (until the seeded checklists are used), and helpers.

村庄清洁 (20): 1 垃圾 −2 a spot up to its 10 (category 暴露垃圾, which has a case rule of 4 working
hours), 2 公示栏 −5 (no category: not a street problem), 3 露天焚烧 a veto of the whole sheet
(category 乱堆杂物 standing in for 露天焚烧); 加分 (0): 4 红黑榜 +1 a time up to 3. Max 20."""

from decimal import Decimal as D

import pytest

from jiedao.checklists.models import ChecklistItem, ScoringMethod, VetoScope
from jiedao.checklists.services import (
    ItemDraft,
    SectionDraft,
    checklist_create,
    version_fill,
    version_publish,
)
from jiedao.conftest import grid_centre, make_upload
from jiedao.inspections import services


def sheet_sections(world):
    return [
        SectionDraft(name="村庄清洁", number="一", max_score=D(20), items=[
            ItemDraft(name="垃圾", number="1", max_score=D(10), per_occurrence=D(2), category=world.item,
                      sampling_rule="每村环绕一圈"),
            ItemDraft(name="公示栏", number="2", max_score=D(5), per_occurrence=D(5)),
            ItemDraft(name="露天焚烧", number="3", method=ScoringMethod.VETO, max_score=D(5),
                      veto_scope=VetoScope.TOTAL, veto_condition="发现露天焚烧垃圾、秸秆", category=world.no_rule_item),
        ]),
        SectionDraft(name="加分", number="二", max_score=D(0), items=[
            ItemDraft(name="红黑榜", number="4", method=ScoringMethod.ADD, per_occurrence=D(1), cap=D(3),
                      needs_photo=False),
        ]),
    ]


@pytest.fixture
def sheet(world):
    leader = world.people.leader
    draft = checklist_create(code="rural-test", name="农村人居环境测试细则", by=leader)
    version_fill(version=draft, sections=sheet_sections(world), by=leader)
    return version_publish(version=draft, by=leader)


def item(version, number: str) -> ChecklistItem:
    return ChecklistItem.objects.get(section__version=version, number=number)


def score(inspection, number, occurrences=0, *, by=None, vetoed=False, photos=None, column=0, **kwargs):
    lon, lat = grid_centre(column)
    return services.inspection_score_item(
        inspection=inspection, by=by or inspection.inspector, item_id=item(inspection.version, number).pk,
        occurrences=occurrences, vetoed=vetoed, photos=[make_upload()] if photos is None else photos,
        longitude=lon, latitude=lat, **kwargs)


def start(world, sheet, *, by=None, unit=None, **kwargs):
    inspection, _created = services.inspection_start(by=by or world.people.inspector, version=sheet,
                                                     unit=unit or world.taoyuan, **kwargs)
    return inspection
