"""The arithmetic of a scoring sheet (standards.md §7 "Common mechanics"), pure: no database, no
clock. A sheet is read once from a checklist version (`selectors.sheet_of`) and scored from the
occurrences an inspector counted per item.

- 扣分 (deduct): item score = max − min(per occurrence × occurrences, cap); the cap is at most the
  item's max, so an item never goes below zero.
- 加分 (add): item score = min(per occurrence × occurrences, cap); the add items of the sheet together
  add at most the version's bonus cap.
- 一票否决 (veto): an item whose veto condition was found zeroes the item, its section or the whole
  sheet, as the item says. A veto-kind item is vetoed by any occurrence; a deduct item with a veto
  scope is vetoed when the inspector records the veto condition (e.g. open burning).
- Section score = the sum of its deduct and veto items (never above the section's max); total =
  sections + bonus.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

DEDUCT, ADD, VETO = "deduct", "add", "veto"
VETO_ITEM, VETO_SECTION, VETO_TOTAL = "item", "section", "total"
ZERO = Decimal(0)
CENT = Decimal("0.01")
# A sanity bound on what one inspector can count for one item in one inspection, not a rule of
# the office: 10⁹ litter spots is a typing slip, and a number that size would be stored and summed.
MAX_OCCURRENCES = 9999


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemRule:
    key: int
    section_key: int
    number: str
    name: str
    method: str = DEDUCT
    max_score: Decimal = ZERO
    per_occurrence: Decimal = ZERO
    cap: Decimal | None = None
    veto_scope: str = ""

    @property
    def effective_cap(self) -> Decimal:
        if self.method == DEDUCT:
            return self.max_score if self.cap is None else min(self.cap, self.max_score)
        if self.method == ADD:
            return self.cap if self.cap is not None else ZERO
        return ZERO

    @property
    def counts_in_section(self) -> bool:
        return self.method != ADD


@dataclass(frozen=True)
class SectionRule:
    key: int
    number: str
    name: str
    max_score: Decimal


@dataclass(frozen=True)
class Sheet:
    sections: tuple[SectionRule, ...]
    items: tuple[ItemRule, ...]
    bonus_cap: Decimal | None = None

    @property
    def max_score(self) -> Decimal:
        return sum((section.max_score for section in self.sections), ZERO)

    def item(self, key: int) -> ItemRule:
        for rule in self.items:
            if rule.key == key:
                return rule
        raise KeyError(key)


@dataclass(frozen=True)
class ItemResult:
    occurrences: int = 0
    vetoed: bool = False


@dataclass(frozen=True)
class ItemScore:
    key: int
    score: Decimal
    lost: Decimal        # points deducted (deduct, veto items); 0 for add items
    added: Decimal       # points added (add items)
    vetoed: bool


@dataclass(frozen=True)
class SectionScore:
    key: int
    score: Decimal
    max_score: Decimal
    vetoed: bool


@dataclass(frozen=True)
class SheetScore:
    total: Decimal
    base: Decimal
    bonus: Decimal
    max_score: Decimal
    vetoed: bool
    items: dict[int, ItemScore] = field(default_factory=dict)
    sections: dict[int, SectionScore] = field(default_factory=dict)


class ScoringError(ValueError):
    """A result the sheet cannot take (a negative count, a veto on an item that has none)."""


# ---------------------------------------------------------------- checking a sheet and a result

def sheet_problems(sheet: Sheet) -> list[str]:
    """Everything that makes a sheet unscorable, as messages naming the section or item."""
    problems: list[str] = []
    items_by_section: dict[int, list[ItemRule]] = {section.key: [] for section in sheet.sections}
    for rule in sheet.items:
        items_by_section.setdefault(rule.section_key, []).append(rule)
        label = f"{rule.number} {rule.name}".strip()
        if any(value is not None and value < 0 for value in (rule.max_score, rule.per_occurrence, rule.cap)):
            problems.append(_("第 %(item)s 项：分值、每处扣（加）分和封顶分不能为负数") % {"item": label})
        if rule.method == DEDUCT and rule.cap is not None and rule.cap > rule.max_score:
            problems.append(_("第 %(item)s 项：封顶扣分 %(cap)s 超过本项分值 %(max)s")
                            % {"item": label, "cap": rule.cap, "max": rule.max_score})
        if rule.method == DEDUCT and rule.per_occurrence <= 0 and not rule.veto_scope:
            problems.append(_("第 %(item)s 项：扣分项须填写每处扣分") % {"item": label})
        if rule.method == ADD and (rule.per_occurrence <= 0 or rule.cap is None):
            problems.append(_("第 %(item)s 项：加分项须填写每处加分和加分上限") % {"item": label})
        if rule.method == ADD and rule.veto_scope:
            problems.append(_("第 %(item)s 项：加分项不能设否决") % {"item": label})
        if rule.method == VETO and not rule.veto_scope:
            problems.append(_("第 %(item)s 项：否决项须选择否决范围") % {"item": label})
    for section in sheet.sections:
        if section.max_score < 0:
            problems.append(_("“%(section)s”的分值不能为负数") % {"section": section.name})
            continue
        scored = sum((rule.max_score for rule in items_by_section.get(section.key, []) if rule.counts_in_section), ZERO)
        if scored > section.max_score:
            problems.append(_("“%(section)s”各条目分值合计 %(sum)s 超过本部分分值 %(max)s")
                            % {"section": section.name, "sum": scored, "max": section.max_score})
    if sheet.bonus_cap is not None and sheet.bonus_cap < 0:
        problems.append(_("加分上限不能为负数"))
    return problems


def result_problem(rule: ItemRule, result: ItemResult) -> str | None:
    label = f"{rule.number} {rule.name}".strip()
    if not isinstance(result.occurrences, int) or isinstance(result.occurrences, bool):
        return _("第 %(item)s 项：次数须为整数") % {"item": label}
    if result.occurrences < 0:
        return _("第 %(item)s 项：次数不能为负数") % {"item": label}
    if result.occurrences > MAX_OCCURRENCES:
        return _("第 %(item)s 项：次数不能超过 %(max)s") % {"item": label, "max": MAX_OCCURRENCES}
    if result.vetoed and not rule.veto_scope:
        return _("第 %(item)s 项没有否决情形") % {"item": label}
    return None


# ---------------------------------------------------------------- scoring

def item_score(rule: ItemRule, result: ItemResult) -> ItemScore:
    problem = result_problem(rule, result)
    if problem:
        raise ScoringError(problem)
    vetoed = bool(rule.veto_scope) and (result.vetoed or (rule.method == VETO and result.occurrences > 0))
    if rule.method == ADD:
        added = _cents(min(rule.per_occurrence * result.occurrences, rule.effective_cap))
        return ItemScore(key=rule.key, score=added, lost=ZERO, added=added, vetoed=False)
    if rule.method == VETO:
        score = ZERO if vetoed else rule.max_score
    else:
        score = rule.max_score - min(rule.per_occurrence * result.occurrences, rule.effective_cap)
        if vetoed:
            score = ZERO
    score = _cents(max(score, ZERO))
    return ItemScore(key=rule.key, score=score, lost=_cents(rule.max_score - score), added=ZERO, vetoed=vetoed)


def sheet_score(sheet: Sheet, results: Mapping[int, ItemResult]) -> SheetScore:
    """Score a whole sheet; an item with no result scores as found with no occurrence."""
    unknown = set(results) - {rule.key for rule in sheet.items}
    if unknown:
        raise ScoringError(_("结果中有不属于本细则的条目"))
    items = {rule.key: item_score(rule, results.get(rule.key, ItemResult())) for rule in sheet.items}
    vetoed_sections = {rule.section_key for rule in sheet.items
                       if items[rule.key].vetoed and rule.veto_scope == VETO_SECTION}
    total_vetoed = any(items[rule.key].vetoed and rule.veto_scope == VETO_TOTAL for rule in sheet.items)

    sections: dict[int, SectionScore] = {}
    for section in sheet.sections:
        own = [rule for rule in sheet.items if rule.section_key == section.key and rule.counts_in_section]
        score = min(sum((items[rule.key].score for rule in own), ZERO), section.max_score)
        vetoed = section.key in vetoed_sections or total_vetoed
        sections[section.key] = SectionScore(key=section.key, score=ZERO if vetoed else _cents(score),
                                             max_score=section.max_score, vetoed=vetoed)
    bonus = sum((items[rule.key].added for rule in sheet.items
                 if rule.method == ADD and rule.section_key not in vetoed_sections), ZERO)
    if sheet.bonus_cap is not None:
        bonus = min(bonus, sheet.bonus_cap)
    base = sum((section.score for section in sections.values()), ZERO)
    if total_vetoed:
        base, bonus = ZERO, ZERO
    return SheetScore(total=_cents(base + bonus), base=_cents(base), bonus=_cents(bonus),
                      max_score=sheet.max_score, vetoed=total_vetoed, items=items, sections=sections)

