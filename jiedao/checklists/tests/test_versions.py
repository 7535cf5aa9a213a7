"""Versions: a draft is filled and checked as a whole, publishing retires the version in force,
and a published version never changes again."""

from decimal import Decimal as D

import pytest

from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.checklists.models import ChecklistItem, ChecklistVersion, VersionStatus
from jiedao.checklists.scoring import ItemResult, sheet_score
from jiedao.checklists.selectors import sheet_of, version_in_force
from jiedao.checklists.services import (
    ItemDraft,
    SectionDraft,
    checklist_create,
    checklist_revise,
    may_edit_checklists,
    version_fill,
    version_publish,
)


def sections(litter_max=D(5)):
    return [SectionDraft(name="村庄清洁", number="一", max_score=D(10), items=[
        ItemDraft(name="垃圾", number="1", max_score=litter_max, per_occurrence=D(1)),
        ItemDraft(name="五堆", number="2", max_score=D(5), per_occurrence=D(1), cap=D(3)),
    ])]


@pytest.fixture
def published(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村人居环境", by=leader)
    version_fill(version=draft, sections=sections(), by=leader)
    return version_publish(version=draft, by=leader)


def test_publishing_puts_the_version_in_force(world, published):
    assert published.status == VersionStatus.PUBLISHED
    assert published.published_by == world.people.leader
    assert version_in_force(published.checklist) == published
    assert published.max_score == D(10)


def test_revising_copies_the_version_and_publishing_retires_the_old_one(world, published):
    leader = world.people.leader
    draft = checklist_revise(checklist=published.checklist, by=leader)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert [item.name for item in ChecklistItem.objects.filter(section__version=draft).order_by("position")] == [
        "垃圾", "五堆"]
    # Asking again gives the same open draft, not a third version.
    assert checklist_revise(checklist=published.checklist, by=leader) == draft

    toilets = SectionDraft(name="厕所", max_score=D(2), items=[ItemDraft(name="改厕", max_score=D(2), per_occurrence=D(2))])
    version_fill(version=draft, sections=[*sections(litter_max=D(4)), toilets], by=leader)
    version_publish(version=draft, by=leader, note="增加厕所")
    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    assert version_in_force(published.checklist) == draft

    # The old version still scores as it did: 3 litter spots cost 3 of 5, not of 4.
    old_sheet = sheet_of(published)
    litter = next(rule for rule in old_sheet.items if rule.name == "垃圾")
    assert sheet_score(old_sheet, {litter.key: ItemResult(occurrences=3)}).total == D(7)


def test_a_published_version_cannot_be_refilled(world, published):
    with pytest.raises(WrongState):
        version_fill(version=published, sections=sections(), by=world.people.leader)
    with pytest.raises(WrongState):
        version_publish(version=published, by=world.people.leader)


def test_a_wrong_sheet_writes_nothing(world):
    leader = world.people.leader
    draft = checklist_create(code="rural", name="农村人居环境", by=leader)
    version_fill(version=draft, sections=sections(), by=leader)
    with pytest.raises(InvalidInput) as refused:
        version_fill(version=draft, sections=sections(litter_max=D(8)), by=leader)  # 8 + 5 > 10
    assert "超过本部分分值" in str(refused.value.message)
    assert list(ChecklistItem.objects.filter(section__version=draft).values_list("max_score", flat=True)) == [
        D(5), D(5)]
    with pytest.raises(InvalidInput):
        version_fill(version=draft, sections=[SectionDraft(name="空", max_score=D(1))], by=leader)


def test_an_empty_draft_cannot_be_published(world):
    draft = checklist_create(code="empty", name="空", by=world.people.leader)
    with pytest.raises(InvalidInput):
        version_publish(version=draft, by=world.people.leader)
    assert ChecklistVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


@pytest.mark.parametrize("persona, allowed", [
    ("leader", True), ("secretary", False), ("inspector", False), ("handler", False), ("dispatcher", False),
])
def test_only_administrators_and_leaders_edit_checklists(world, persona, allowed):
    user = getattr(world.people, persona)
    assert may_edit_checklists(user=user) is allowed
    if not allowed:
        with pytest.raises(NotAllowed):
            checklist_create(code="x", name="x", by=user)
