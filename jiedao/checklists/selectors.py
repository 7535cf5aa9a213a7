"""Reads of checklists: the scoring sheet of a version (one query for sections, one for items) and
the versions in force."""

from django.db.models import QuerySet

from .models import Checklist, ChecklistItem, ChecklistSection, ChecklistVersion, VersionStatus
from .scoring import ItemRule, SectionRule, Sheet


def sheet_of(version: ChecklistVersion) -> Sheet:
    sections = tuple(
        SectionRule(key=section.pk, number=section.number, name=section.name, max_score=section.max_score)
        for section in ChecklistSection.objects.filter(version=version).order_by("position")
    )
    items = tuple(
        ItemRule(key=item.pk, section_key=item.section_id, number=item.number, name=item.name, method=item.method,
                 max_score=item.max_score, per_occurrence=item.per_occurrence, cap=item.cap,
                 veto_scope=item.veto_scope)
        for item in ChecklistItem.objects.filter(section__version=version).order_by("section__position", "position")
    )
    return Sheet(sections=sections, items=items, bonus_cap=version.bonus_cap)


def version_in_force(checklist: Checklist) -> ChecklistVersion | None:
    return checklist.versions.filter(status=VersionStatus.PUBLISHED).first()


def checklists_in_force() -> QuerySet[ChecklistVersion]:
    return (ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("checklist").order_by("checklist__code"))


def version_items(version: ChecklistVersion) -> QuerySet[ChecklistItem]:
    return (ChecklistItem.objects.filter(section__version=version)
            .select_related("section", "category").order_by("section__position", "position"))
