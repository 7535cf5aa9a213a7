"""Reads of the catalogue: search as the user types, and the case rule that applies."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q

from jiedao import clock
from jiedao.territory.models import GridClass

from .models import CaseRule, CatalogueItem, CatalogueKind
from .search_text import search_query_normalised

_CANDIDATES = 200
# "How often the category is used here": cases reported in the last USAGE_DAYS, counted once every
# USAGE_SECONDS in the shared cache (search runs on every keystroke; the count moves slowly).
USAGE_DAYS = 90
USAGE_SECONDS = 600


def category_usage() -> dict[int, int]:
    """Cases reported per category over the last USAGE_DAYS (one grouped query, cached)."""
    usage = cache.get("catalogue:usage")
    if usage is None:
        cases = CatalogueItem._meta.get_field("cases").related_model  # the loop sits above the catalogue
        since = clock.now() - timedelta(days=USAGE_DAYS)
        usage = dict(cases.objects.filter(reported_at__gte=since).order_by().values("item_id")
                     .annotate(n=Count("id")).values_list("item_id", "n"))
        cache.set("catalogue:usage", usage, USAGE_SECONDS)
    return usage


def catalogue_search(*, query: str, limit: int = 20) -> list[CatalogueItem]:
    """Active items whose name contains `query`, whose pinyin (full or initials) contains it, or
    whose code starts with it. Ranked by how well the name matches (exact, then starting with the
    query, then containing it), then by how often the category is used here, then items that have
    a case rule (they can become cases), matters, by code."""
    query = query.strip()
    if not query:
        return []
    pinyin = search_query_normalised(query)
    condition = Q(name__icontains=query) | Q(code__startswith=query)
    if pinyin:
        condition |= Q(search_text__contains=pinyin)
    candidates = list(
        CatalogueItem.objects.filter(condition, is_active=True)
        .annotate(has_rules=Exists(CaseRule.objects.filter(item=OuterRef("pk"), is_active=True)))
        .order_by("code")[:_CANDIDATES]
    )

    def closeness(item: CatalogueItem) -> int:
        words = item.search_text.split()
        if item.name == query or (pinyin and pinyin in words):
            return 0
        if item.name.startswith(query) or item.code.startswith(query) or (
                pinyin and any(word.startswith(pinyin) for word in words)):
            return 1
        return 2

    usage = category_usage()
    candidates.sort(key=lambda item: (closeness(item), -usage.get(item.pk, 0), not item.has_rules,
                                      item.kind != CatalogueKind.MATTER, item.code))
    return candidates[:limit]


def _rule_item(item: CatalogueItem) -> CatalogueItem:
    """A component's problems are filed under its "<部件>异常" matter (GB/T 47678.5 事项 01–05),
    which carries the rules."""
    if item.kind != CatalogueKind.COMPONENT or item.rules.filter(is_active=True).exists():
        return item
    matter = CatalogueItem.objects.filter(kind=CatalogueKind.MATTER, code=item.code,
                                          standard_ref=item.standard_ref).first()
    return matter or item


def case_rules_for_item(*, item: CatalogueItem, grid_class: GridClass | None) -> list[CaseRule]:
    """The active rule of each severity step that applies in a grid of `grid_class` (a class of any
    scheme, or None), mildest first.

    A row naming the grid's class beats the row for all classes; a row naming another class never
    applies. A grid without a class is treated as the strictest class (order 1) of the scheme in use
    when the item has no row for all classes (the stricter deadline, as 一类 before schemes)."""
    rules = list(CaseRule.objects.filter(item=_rule_item(item), is_active=True)
                 .select_related("item", "department", "grid_class"))
    wanted_id = grid_class.pk if grid_class is not None else None
    if wanted_id is None:
        strictest = (GridClass.objects.filter(scheme__is_in_use=True).order_by("order", "code")
                     .values_list("pk", flat=True).first())
        fallback_id = strictest
    else:
        fallback_id = None
    chosen: dict[int, CaseRule] = {}
    for rule in sorted(rules, key=lambda r: (r.severity, r.grid_class_id is None, r.pk)):
        if rule.severity in chosen:
            continue
        if rule.grid_class_id is None or rule.grid_class_id == wanted_id:
            chosen[rule.severity] = rule
    for rule in sorted(rules, key=lambda r: r.pk):
        if fallback_id is not None and rule.severity not in chosen and rule.grid_class_id == fallback_id:
            chosen[rule.severity] = rule
    return [chosen[severity] for severity in sorted(chosen)]


def case_rule_for(*, item: CatalogueItem, grid_class: GridClass | None, rule_id: int | None = None) -> CaseRule | None:
    """The rule a new case of `item` gets: the chosen `rule_id` if it is an active rule of the
    item, otherwise the mildest applicable rule; None when there is none."""
    if rule_id is not None:
        return (CaseRule.objects.filter(pk=rule_id, item=_rule_item(item), is_active=True)
                .select_related("item", "department").first())
    rules = case_rules_for_item(item=item, grid_class=grid_class)
    return rules[0] if rules else None
