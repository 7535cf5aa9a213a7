"""Writes of checklists. A version is filled while it is a draft (by hand, by an `.xlsx` import,
by the seeds), checked as a whole and published; publishing retires the version in force. A
published or retired version is never changed again — an edit starts a new draft copied from it."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.access import user_roles
from jiedao.territory.models import Role

from .models import Checklist, ChecklistItem, ChecklistSection, ChecklistVersion, ScoringMethod, VersionStatus
from .scoring import ItemRule, SectionRule, Sheet, sheet_problems
from .selectors import sheet_of

# Issue 9 point 5: system administrators and leaders write the office's standards.
EDITING_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LEADER})


# Who reads the checklists in force: whoever inspects or is inspected against them — the leaders and
# area leaders, the community secretaries (their community is scored), the inspectors and 督查员 — and the
# administrators. Department staff, dispatchers and the security auditor do not. Drafts are the
# editors' only: a reader sees published and retired versions.
READING_ROLES = EDITING_ROLES | {Role.AREA_LEADER, Role.FIRST_RESPONSIBLE, Role.INSPECTOR, Role.SUPERVISOR}


def may_edit_checklists(*, user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & EDITING_ROLES))


def may_read_checklists(*, user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user_roles(user) & READING_ROLES))


def _require_editor(by) -> None:
    if by is not None and not may_edit_checklists(user=by):
        raise NotAllowed(_("只有系统管理员和街道领导可以修改考评细则"))


def _require_draft(version: ChecklistVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise WrongState(_("已发布的版本不能修改，请先新建修订版本"))


# ---------------------------------------------------------------- the contents of a version

@dataclass
class ItemDraft:
    name: str
    number: str = ""
    content: str = ""
    standard: str = ""
    method: str = ScoringMethod.DEDUCT
    max_score: Decimal = Decimal(0)
    per_occurrence: Decimal = Decimal(0)
    cap: Decimal | None = None
    veto_scope: str = ""
    veto_condition: str = ""
    sampling_rule: str = ""
    sample_size: int | None = None
    sample_unit: str = ""
    needs_photo: bool = True
    needs_location: bool = True
    needs_count: bool = True
    category: CatalogueItem | None = None


@dataclass
class SectionDraft:
    name: str
    max_score: Decimal
    number: str = ""
    items: list[ItemDraft] = field(default_factory=list)


def drafts_problems(sections: list[SectionDraft], *, bonus_cap: Decimal | None = None) -> list[str]:
    """The sheet's problems before anything is written (the same rules as at publishing)."""
    sheet = Sheet(
        sections=tuple(SectionRule(key=index, number=section.number, name=section.name, max_score=section.max_score)
                       for index, section in enumerate(sections)),
        items=tuple(ItemRule(key=index * 10_000 + position, section_key=index, number=item.number, name=item.name,
                             method=item.method, max_score=item.max_score, per_occurrence=item.per_occurrence,
                             cap=item.cap, veto_scope=item.veto_scope)
                    for index, section in enumerate(sections) for position, item in enumerate(section.items)),
        bonus_cap=bonus_cap,
    )
    problems = sheet_problems(sheet)
    for section in sections:
        if not section.items:
            problems.append(_("“%(section)s”没有条目") % {"section": section.name})
    return problems


# `version_fill(bonus_cap=...)` not given: the draft keeps its bonus cap.
KEEP = object()


@transaction.atomic
def version_fill(*, version: ChecklistVersion, sections: list[SectionDraft], by=None,
                 bonus_cap: Decimal | object | None = KEEP) -> ChecklistVersion:
    """Replace a draft's sections and items (and its bonus cap, when given); refused whole (nothing
    written) if the sheet is wrong."""
    _require_editor(by)
    version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    cap = version.bonus_cap if bonus_cap is KEEP else bonus_cap
    problems = drafts_problems(sections, bonus_cap=cap)
    if problems:
        raise InvalidInput("；".join(str(problem) for problem in problems))
    if cap != version.bonus_cap:
        version.bonus_cap = cap
        version.save(update_fields=["bonus_cap"])
    ChecklistSection.objects.filter(version=version).delete()
    for section_position, draft in enumerate(sections, start=1):
        section = ChecklistSection.objects.create(version=version, position=section_position, number=draft.number,
                                                  name=draft.name, max_score=draft.max_score)
        ChecklistItem.objects.bulk_create([
            ChecklistItem(section=section, position=position, **vars(item))
            for position, item in enumerate(draft.items, start=1)
        ])
    return version


def version_drafts(version: ChecklistVersion) -> list[SectionDraft]:
    """A version's contents as drafts (to copy into a new version, or to export)."""
    drafts = []
    for section in version.sections.order_by("position").prefetch_related("items"):
        items = [
            ItemDraft(**{name: getattr(item, name) for name in ItemDraft.__dataclass_fields__})
            for item in sorted(section.items.all(), key=lambda item: item.position)
        ]
        drafts.append(SectionDraft(name=section.name, max_score=section.max_score, number=section.number, items=items))
    return drafts


# ---------------------------------------------------------------- checklists and their versions

@transaction.atomic
def checklist_create(*, code: str, name: str, by=None, applies_to: str = "", description: str = "",
                     source: str = "", is_sample: bool = False) -> ChecklistVersion:
    """A new checklist with an empty first draft."""
    _require_editor(by)
    if Checklist.objects.filter(code=code).exists():
        raise InvalidInput(_("编号 %(code)s 已被使用") % {"code": code}, field="code")
    checklist = Checklist.objects.create(code=code, name=name, applies_to=applies_to, description=description,
                                         source=source, is_sample=is_sample)
    return ChecklistVersion.objects.create(checklist=checklist, number=1, created_by=by)


@transaction.atomic
def checklist_revise(*, checklist: Checklist, by=None) -> ChecklistVersion:
    """The draft to edit: the open one, or a new one copied from the newest version."""
    _require_editor(by)
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    draft = checklist.versions.filter(status=VersionStatus.DRAFT).first()
    if draft:
        return draft
    newest = checklist.versions.order_by("-number").first()
    number = (checklist.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    draft = ChecklistVersion.objects.create(checklist=checklist, number=number, created_by=by,
                                            bonus_cap=newest.bonus_cap if newest else None)
    if newest:
        version_fill(version=draft, sections=version_drafts(newest))
    return draft


@transaction.atomic
def version_publish(*, version: ChecklistVersion, by=None, note: str = "") -> ChecklistVersion:
    """Put a draft in force; the version in force until now is retired (inspections keep it)."""
    _require_editor(by)
    version = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    sheet = sheet_of(version)
    problems = sheet_problems(sheet)
    if not sheet.items:
        problems.append(_("版本没有任何条目，不能发布"))
    if problems:
        raise InvalidInput("；".join(str(problem) for problem in problems))
    ChecklistVersion.objects.filter(checklist_id=version.checklist_id, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = clock.now()
    version.published_by = by
    if note:
        version.change_note = note
    version.save(update_fields=["status", "published_at", "published_by", "change_note"])
    return version
