"""Reads for the field app: the worker's queue, the stage a case is in, quick-pick categories,
and patrols."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet

from jiedao import clock
from jiedao.cases.models import Case, CaseEvent
from jiedao.cases.selectors import CasesInReach, cases_in_inbox, cases_in_reach
from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind

from .access import patrols_visible_filter
from .models import Patrol

QUEUE_LIMIT = 50
QUICK_PICKS = 8
COMMON_DAYS = 30


# ---------------------------------------------------------------- the stage a worker saw

def case_stage(case: Case) -> str:
    """Names the stage the case is in: its state and the event that last brought it there.

    A device that was offline sends back the stage it saw. The action applies while the case is
    still in that stage, even if other things happened meanwhile (a reminder, a reassignment
    inside the stage); it is refused once the case left the stage, even if it came back
    (failed check → rework → fixed again is another fix to check)."""
    entered = (CaseEvent.objects.filter(case_id=case.pk, to_state=case.state).exclude(from_state=case.state)
               .order_by("-id").values_list("id", flat=True).first())
    return f"{case.state}:{entered or 0}"


def stage_state(stage: str) -> str:
    return (stage or "").partition(":")[0]


# ---------------------------------------------------------------- the worker's queue

@dataclass(frozen=True)
class QueueEntry:
    case: Case
    kind: str  # "verify" | "check"
    stage: str
    photos_before: list
    photos_after: list
    fix_opinion: str
    fixed_by_name: str


def field_queue(*, user) -> dict[str, list[QueueEntry]]:
    """Cases waiting for this person on site: 待核实 (to verify) and 待核查 (to check)."""
    queue: dict[str, list[QueueEntry]] = {}
    for kind, box in (("verify", "to_verify"), ("check", "to_check")):
        cases = list(cases_in_inbox(user=user, box=box).select_related("item", "grid", "fixed_by")
                     .prefetch_related("photos")[:QUEUE_LIMIT])
        fixes = _fix_events(cases) if kind == "check" else {}
        entries = []
        for case in cases:
            photos = list(case.photos.all())
            fix = fixes.get(case.pk)
            entries.append(QueueEntry(
                case=case, kind=kind, stage=case_stage(case),
                photos_before=[p for p in photos if p.stage == "before"],
                photos_after=[p for p in photos if p.stage == "after" and (fix is None or p.event_id == fix.pk)],
                fix_opinion=fix.opinion if fix else "",
                fixed_by_name=fix.actor_name if fix else "",
            ))
        queue[kind] = entries
    return queue


def _fix_events(cases: list[Case]) -> dict[int, CaseEvent]:
    """The latest 处置反馈 of each case (the fix to be checked)."""
    latest: dict[int, CaseEvent] = {}
    events = CaseEvent.objects.filter(case_id__in=[c.pk for c in cases], action="report_fix").order_by("at", "id")
    for event in events:
        latest[event.case_id] = event
    return latest


def field_queue_counts(*, user) -> dict[str, int]:
    return {kind: cases_in_inbox(user=user, box=box).order_by().count()
            for kind, box in (("verify", "to_verify"), ("check", "to_check"))}


# ---------------------------------------------------------------- categories

def field_categories(*, user) -> list[CatalogueItem]:
    """Quick picks: the categories this person reported lately (most recent first), then those
    reported most in the last month, then categories with case rules; at most QUICK_PICKS."""
    picks: list[CatalogueItem] = []
    seen: set[int] = set()

    def add(items):
        for item in items:
            if item.pk not in seen and item.is_active and len(picks) < QUICK_PICKS:
                seen.add(item.pk)
                picks.append(item)

    recent_ids = list(Case.objects.filter(reporter=user).order_by("-reported_at", "-id")
                      .values_list("item_id", flat=True)[:40])
    by_id = CatalogueItem.objects.in_bulk(set(recent_ids))
    add(by_id[pk] for pk in dict.fromkeys(recent_ids) if pk in by_id)
    if len(picks) < QUICK_PICKS:
        since = clock.now() - timedelta(days=COMMON_DAYS)
        common = (Case.objects.filter(reported_at__gte=since).order_by().values("item_id")
                  .annotate(n=Count("id")).order_by("-n", "item_id")[:QUICK_PICKS * 2])
        by_id = CatalogueItem.objects.in_bulk([row["item_id"] for row in common])
        add(by_id[row["item_id"]] for row in common if row["item_id"] in by_id)
    if len(picks) < QUICK_PICKS:
        ruled = CaseRule.objects.filter(is_active=True).values_list("item_id", flat=True)
        add(CatalogueItem.objects.filter(pk__in=ruled, is_active=True).order_by("code")[:QUICK_PICKS * 2])
    return picks


def catalogue_for_offline() -> list[dict]:
    """Every active category, small enough to search on the device without signal (matters first,
    as reports are made under matters)."""
    rows = (CatalogueItem.objects.filter(is_active=True)
            .order_by("kind", "code").values("id", "code", "name", "major_name", "kind", "search_text"))
    ordered = sorted(rows, key=lambda row: (row["kind"] != CatalogueKind.MATTER, row["code"]))
    return [{"id": row["id"], "code": row["code"], "name": row["name"], "major": row["major_name"],
             "pinyin": row["search_text"]} for row in ordered]


# ---------------------------------------------------------------- patrols

def patrols_visible_to(*, user) -> QuerySet[Patrol]:
    condition = patrols_visible_filter(user)
    if condition is None:
        return Patrol.objects.none()
    ids = Patrol.objects.filter(condition).values("pk")
    return Patrol.objects.filter(pk__in=ids).select_related("user").order_by("-started_at", "-id")


def patrol_cases(*, patrol: Patrol, user) -> CasesInReach:
    """The cases reported on a patrol that `user` may open (a supervisor reads a patrol that crossed
    their grids, not every case it found elsewhere), and how many others."""
    return cases_in_reach(user=user, cases=patrol.cases.select_related("item").order_by("reported_at", "id"))

