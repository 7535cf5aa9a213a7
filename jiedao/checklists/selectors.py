"""Reads of checklists: the scoring sheet of a version (one query for sections, one for items) and
the versions in force."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from jiedao.catalogue.models import CatalogueItem, CatalogueKind

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


def categories_by_code() -> dict[str, CatalogueItem]:
    """The active catalogue by code, as sheets name categories (问题分类代码); where a matter (事项)
    and a component (部件) share a code, the matter: a failed item becomes a case about a matter."""
    categories: dict[str, CatalogueItem] = {}
    for category in CatalogueItem.objects.filter(is_active=True).order_by("is_local_extension", "pk"):
        held = categories.get(category.code)
        if held is None or (category.kind == CatalogueKind.MATTER and held.kind != CatalogueKind.MATTER):
            categories[category.code] = category
    return categories


@dataclass
class ChecklistRow:
    checklist: Checklist
    in_force: ChecklistVersion | None
    draft: ChecklistVersion | None


def checklists_overview(*, with_drafts: bool) -> list[ChecklistRow]:
    """Every checklist with its version in force (and its open draft, for an editor); a checklist
    never published is listed to editors only."""
    rows = []
    versions = ChecklistVersion.objects.exclude(status=VersionStatus.RETIRED).prefetch_related("sections")
    for checklist in Checklist.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("code"):
        in_force = next((v for v in checklist.versions.all() if v.status == VersionStatus.PUBLISHED), None)
        draft = next((v for v in checklist.versions.all() if v.status == VersionStatus.DRAFT), None)
        if in_force is None and not (with_drafts and draft is not None):
            continue
        rows.append(ChecklistRow(checklist=checklist, in_force=in_force, draft=draft if with_drafts else None))
    return rows


def version_sheet(version: ChecklistVersion) -> list[tuple[ChecklistSection, list[ChecklistItem]]]:
    """The sections of a version with their items, in order, as the page shows them."""
    items: dict[int, list[ChecklistItem]] = {}
    for item in version_items(version):
        items.setdefault(item.section_id, []).append(item)
    return [(section, items.get(section.pk, [])) for section in version.sections.order_by("position")]


def version_history(checklist: Checklist) -> QuerySet[ChecklistVersion]:
    return checklist.versions.select_related("created_by", "published_by").order_by("-number")
