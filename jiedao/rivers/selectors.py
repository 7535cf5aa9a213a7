"""Reads of the river chief system: what a person may see, this week's compliance of every segment
in one aggregate, each chief's patrol duties (jiedao/duties), the cases on or near a
segment (cut by `cases_in_reach`), and the 巡河日志 of a chief's month."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao.cases.models import Case
from jiedao.cases.selectors import CasesInReach, cases_in_reach
from jiedao.checklists.models import Checklist, ChecklistVersion
from jiedao.checklists.selectors import version_in_force
from jiedao.duties.models import DutyKind, DutyPlan, InvalidReason
from jiedao.duties.selectors import BY_PERSON, Figure, compliance_by, compliance_rows

from . import geometry as geo
from .access import segments_visible_filter
from .models import (
    Assignment,
    PatrolValidity,
    RiverChief,
    RiverPatrol,
    RiverPolicy,
    RiverProblem,
    RiverSegment,
)

PATROL_CHECKLIST_CODE = "river-patrol"
# The key river segments are declared under as duty subjects (apps.py).
SUBJECT_KIND = "river_segment"
WEEK, MONTH = "week", "month"
NEAR_CANDIDATES = 2000


def patrol_checklist_version() -> ChecklistVersion | None:
    checklist = Checklist.objects.filter(code=PATROL_CHECKLIST_CODE).first()
    return version_in_force(checklist) if checklist else None


def _duration_words(seconds: int) -> str:
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(h)d 小时 %(m)d 分") % {"h": hours, "m": minutes}
    return _("%(m)d 分 %(s)d 秒") % {"m": minutes, "s": seconds}


def reason_texts(reasons: list[dict]) -> list[str]:
    """Why a patrol does not count, in the reader's language."""
    texts = []
    for reason in reasons or ():
        code = reason.get("code")
        if code == "no_track":
            texts.append(_("没有有效轨迹"))
        elif code == "too_short":
            texts.append(_("时长 %(actual)s，不足 %(minimum)d 分钟")
                         % {"actual": _duration_words(reason["seconds"]), "minimum": reason["minimum"]})
        elif code == "too_little_distance":
            texts.append(_("里程 %(actual)d 米，不足 %(minimum)d 米") % {"actual": reason["metres"],
                                                                      "minimum": reason["minimum"]})
        elif code == "outside_scope":
            texts.append(_("河段不在其职责计划范围内"))
        elif code in ("low_coverage", "too_few_photos", "ends_before_start"):
            texts.append(str(dict(InvalidReason.choices)[code]))
        elif code == "jumps":
            texts.append(_("轨迹跳点 %(n)d 个（%(share)d%%），超过 %(maximum)d%%")
                         % {"n": reason["rejected"], "share": reason["share"], "maximum": reason["maximum"]})
    return texts


# ---------------------------------------------------------------- who sees what

def segments_visible_to(*, user) -> QuerySet[RiverSegment]:
    condition = segments_visible_filter(user)
    if condition is None:
        return RiverSegment.objects.none()
    if not condition:
        return RiverSegment.objects.all()
    return RiverSegment.objects.filter(pk__in=RiverSegment.objects.filter(condition).values("pk"))


def patrols_visible_to(*, user) -> QuerySet[RiverPatrol]:
    return RiverPatrol.objects.filter(segment__in=segments_visible_to(user=user).values("pk"))


def letters_visible_to(*, user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(segment__in=segments_visible_to(user=user).values("pk"))


# ---------------------------------------------------------------- periods

def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    """The local week (Monday first) or month that contains `now`."""
    today = timezone.localtime(now).date()
    if period == WEEK:
        first = today - timedelta(days=today.weekday())
        last = first + timedelta(days=7)
    elif period == MONTH:
        first = today.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    else:
        raise ValueError(period)
    tz = timezone.get_current_timezone()
    return (datetime.combine(first, datetime.min.time(), tzinfo=tz),
            datetime.combine(last, datetime.min.time(), tzinfo=tz))


# ---------------------------------------------------------------- compliance

class WeekStatus:
    DONE = "done"  # a patrol that counts
    NOT_COUNTING = "not_counting"  # patrolled, none counts
    MISSED = "missed"  # no patrol


def week_status_label(status: str) -> str:
    return {WeekStatus.DONE: _("已巡河"), WeekStatus.NOT_COUNTING: _("已巡河但不计入"),
            WeekStatus.MISSED: _("本周未巡河")}[status]


def segment_week_counts(*, now: datetime, segments: QuerySet[RiverSegment] | None = None) -> dict[int, tuple[int, int]]:
    """segment id → (patrols that count, patrols submitted) this week, in one aggregate."""
    start, end = period_bounds(WEEK, now)
    patrols = RiverPatrol.objects.filter(started_at__gte=start, started_at__lt=end, submitted_at__isnull=False)
    if segments is not None:
        patrols = patrols.filter(segment__in=segments.values("pk"))
    rows = (patrols.order_by().values("segment_id")
            .annotate(valid=Count("id", filter=Q(validity=PatrolValidity.VALID)), total=Count("id")))
    return {row["segment_id"]: (row["valid"], row["total"]) for row in rows}


def week_status(counts: tuple[int, int] | None) -> str:
    if not counts or not counts[1]:
        return WeekStatus.MISSED
    return WeekStatus.DONE if counts[0] else WeekStatus.NOT_COUNTING


@dataclass(frozen=True)
class ComplianceMap:
    # The segments as a GeoJSON FeatureCollection, already serialised: each geometry is the stored
    # GeoJSON text as the database returns it (checked as numbers on every write), never parsed
    # and written again — the page's cost with thousands of segments.
    collection_json: str
    counts: dict[str, int]
    total: int


def compliance_map(*, user, now: datetime, waterbody_id: int | None = None) -> ComplianceMap:
    """Every segment the user may read with this week's colour: one query for the segments, one
    aggregate for the patrols."""
    segments = segments_visible_to(user=user).filter(is_active=True)
    if waterbody_id:
        segments = segments.filter(waterbody_id=waterbody_id)
    counts = segment_week_counts(now=now, segments=segments)
    features, totals = [], {WeekStatus.DONE: 0, WeekStatus.NOT_COUNTING: 0, WeekStatus.MISSED: 0}
    rows = (segments.order_by("code").annotate(geometry_text=Cast("geometry", TextField()))
            .values_list("pk", "code", "name", "waterbody__name", "geometry_text"))
    for pk, code, name, waterbody_name, geometry_text in rows:
        status = week_status(counts.get(pk))
        totals[status] += 1
        properties = json.dumps({"id": pk, "code": code, "status": status, "name": f"{waterbody_name} · {name}"},
                                ensure_ascii=False)
        features.append(f'{{"type":"Feature","geometry":{geometry_text},"properties":{properties}}}')
    return ComplianceMap(collection_json='{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                         counts=totals, total=len(features))


@dataclass(frozen=True)
class ChiefCompliance:
    """A chief's river patrol duties in the periods holding today (jiedao/duties: each plan that
    obliges them, per segment where the plan counts segments separately): required, recorded,
    counted. A higher-level chief without a sign-in has none."""

    chief: RiverChief
    figure: Figure | None
    plans: list[DutyPlan]

    @property
    def required(self) -> int:
        return self.figure.required if self.figure else 0

    @property
    def counted(self) -> int:
        return self.figure.counted if self.figure else 0

    @property
    def not_counting(self) -> int:
        return self.figure.invalid if self.figure else 0

    @property
    def is_done(self) -> bool:
        return bool(self.figure) and self.counted >= self.required

    @property
    def plan_text(self) -> str:
        return "；".join(f"{plan.name}（{plan.frequency_text()}）" for plan in self.plans)


def river_patrol_plans() -> list[DutyPlan]:
    return list(DutyPlan.objects.filter(is_active=True, kind=DutyKind.PATROL, subject_kind=SUBJECT_KIND)
                .select_related("assignee_unit").order_by("pk"))


def chiefs_compliance(*, chiefs: list[RiverChief], now: datetime) -> list[ChiefCompliance]:
    """Each chief's compliance in the current periods of the river patrol plans, from the duties
    app's figures (one computation for all the chiefs)."""
    today = timezone.localtime(now).date()
    plans = river_patrol_plans()
    person_ids = {chief.user_id for chief in chiefs if chief.user_id}
    rows = compliance_rows(plans=plans, first=today, end=today + timedelta(days=1), today=today) if person_ids else []
    rows = [row for row in rows if row.obligation.person_id in person_ids]
    figures = compliance_by(rows, by=BY_PERSON)
    plans_by_id = {plan.pk: plan for plan in plans}
    person_plans: dict[int, list[DutyPlan]] = {}
    for row in rows:
        mine = person_plans.setdefault(row.obligation.person_id, [])
        if plans_by_id[row.obligation.plan_id] not in mine:
            mine.append(plans_by_id[row.obligation.plan_id])
    return [ChiefCompliance(chief=chief, figure=figures.get(chief.user_id) if chief.user_id else None,
                            plans=person_plans.get(chief.user_id, [])) for chief in chiefs]


def chiefs_visible_to(*, user) -> QuerySet[RiverChief]:
    """The chiefs of the segments the user reads, and the higher levels' names."""
    segments = segments_visible_to(user=user)
    return (RiverChief.objects.filter(Q(segments__in=segments.values("pk")) | Q(user__isnull=True, unit__isnull=True))
            .filter(pk__in=RiverChief.objects.filter(is_active=True).values("pk")).distinct()
            .select_related("user", "unit").order_by("level", "unit__path", "name"))


# ---------------------------------------------------------------- a segment's page

def segment_cases(*, user, segment: RiverSegment) -> CasesInReach:
    """The cases on the segment (found on its patrols) or near it (within the policy's distance),
    cut to what the reader may open; the others only counted."""
    near = RiverPolicy.current().near_distance_m
    lon_pad, lat_pad = geo.degrees_for(near, (segment.min_lat + segment.max_lat) / 2)
    candidates = (Case.objects.filter(longitude__gte=segment.min_lon - lon_pad, longitude__lte=segment.max_lon + lon_pad,
                                      latitude__gte=segment.min_lat - lat_pad, latitude__lte=segment.max_lat + lat_pad,
                                      merged_into__isnull=True)
                  .order_by("-reported_at").values_list("pk", "longitude", "latitude")[:NEAR_CANDIDATES])
    ids = {pk for pk, lon, lat in candidates
           if lon is not None and geo.distance_m(segment.geometry, lon, lat) <= near}
    ids.update(RiverProblem.objects.filter(patrol__segment=segment, case__isnull=False).values_list("case_id", flat=True))
    return cases_in_reach(user=user, cases=Case.objects.filter(pk__in=ids).select_related("item")
                          .order_by("-reported_at", "-id"))


# ---------------------------------------------------------------- the 巡河日志

def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    return period_bounds(MONTH, datetime.combine(first, datetime.min.time(),
                                                             tzinfo=timezone.get_current_timezone()))


@dataclass(frozen=True)
class LogEntry:
    patrol: RiverPatrol
    problems: list[RiverProblem]
    findings: list[tuple[str, str]]  # (checklist item, 正常 / 发现问题)
    reasons: list[str]

    @property
    def route(self) -> str:
        track = self.patrol.track
        if not track:
            return ""
        first, last = track[0], track[-1]
        return f"{first[1]:.5f}, {first[0]:.5f} → {last[1]:.5f}, {last[0]:.5f}"


def chief_month_log(*, chief: RiverChief, month: date) -> list[LogEntry]:
    """巡河日志 (standards.md §5, 甘肃/甘南 fields): every submitted patrol on the chief's account in
    the month, its checklist answers, problems and how each was handled."""
    start, end = month_bounds(month)
    patrols = list(RiverPatrol.objects.filter(chief=chief, started_at__gte=start, started_at__lt=end,
                                              submitted_at__isnull=False)
                   .select_related("segment__waterbody", "patrolled_by").order_by("started_at", "id"))
    problems: dict[int, list[RiverProblem]] = {}
    for problem in (RiverProblem.objects.filter(patrol__in=[p.pk for p in patrols])
                    .select_related("case", "letter", "checklist_item")):
        problems.setdefault(problem.patrol_id, []).append(problem)
    version_ids = {p.checklist_version_id for p in patrols if p.checklist_version_id}
    from jiedao.checklists.models import ChecklistItem

    items = list(ChecklistItem.objects.filter(section__version_id__in=version_ids)
                 .order_by("section__position", "position").values("pk", "name", "section__version_id"))
    entries = []
    for patrol in patrols:
        findings = [(item["name"], _("发现问题") if patrol.answers.get(str(item["pk"])) == "problem" else _("正常"))
                    for item in items if item["section__version_id"] == patrol.checklist_version_id]
        entries.append(LogEntry(patrol=patrol, problems=problems.get(patrol.pk, []), findings=findings,
                                reasons=reason_texts(patrol.validity_reasons)))
    return entries


# ---------------------------------------------------------------- the field app

@dataclass(frozen=True)
class PatrolChoice:
    segment: RiverSegment
    chief: RiverChief | None  # whose account the patrol counts for (None: the patroller's own)


def patrol_choices(*, user) -> list[PatrolChoice]:
    """The segments this person patrols: a chief's own, a 河长助理's chiefs' (on their account), and
    for 巡河员 and 保洁员 every segment of their village."""
    from jiedao.territory.access import user_duties
    from jiedao.territory.models import Role

    choices: list[PatrolChoice] = []
    seen: set[tuple[int, int | None]] = set()

    def add(segment, chief):
        if (segment.pk, chief.pk if chief else None) not in seen:
            seen.add((segment.pk, chief.pk if chief else None))
            choices.append(PatrolChoice(segment=segment, chief=chief))

    duties = user_duties(user)
    assistant_paths = [d.unit.path for d in duties if d.role == Role.RIVER_ASSISTANT and d.unit is not None]
    chiefs = RiverChief.objects.filter(is_active=True).filter(
        Q(user=user) | Q(pk__in=[c.pk for c in RiverChief.objects.filter(unit__isnull=False, user__isnull=False)
                                 .select_related("unit") if any(c.unit.path.startswith(p) for p in assistant_paths)])
    ).select_related("unit").prefetch_related("segments__waterbody").order_by("level", "name")
    for chief in chiefs:
        for segment in chief.segments.all():
            if segment.is_active:
                add(segment, chief)
    own_paths = [d.unit.path for d in duties if d.role in (Role.RIVER_PATROLLER, Role.CLEANER) and d.unit is not None]
    if own_paths:
        condition = Q(pk__in=[])
        for path in own_paths:
            condition |= Q(units__path__startswith=path)
        for segment in (RiverSegment.objects.filter(pk__in=RiverSegment.objects.filter(condition).values("pk"),
                                                    is_active=True).select_related("waterbody").order_by("code")):
            add(segment, None)
    return choices
