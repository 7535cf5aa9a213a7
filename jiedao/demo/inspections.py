"""A month of inspections (检查考评) in 青溪街道, driven through the real services with the clock set
to each step: the 督查员 and the area leaders score every community about once a week on the
seeded sample checklists (市容环境 for the 社区, 农村人居环境 for the 村), a quarter of the visits unannounced (暗访); the deductions with a street category become cases,
the older ones fixed through the loop; about a week later the failed items are re-inspected
(mostly 已整改, a few 未整改 / 整改不到位, one 虚假整改). Scores land mostly between 80 and 98,
with one laggard (望江社区). Idempotent: a second run finds the first inspection and writes nothing."""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape

from jiedao import clock
from jiedao.accountability.services import findings_refresh
from jiedao.cases import services as case_services
from jiedao.cases.errors import CaseError
from jiedao.cases.models import CaseState
from jiedao.cases.selectors import dispatch_suggestion
from jiedao.catalogue.models import DeadlineUnit
from jiedao.checklists.models import ChecklistVersion, ScoringMethod, VersionStatus
from jiedao.checklists.scoring import ItemResult, Sheet, item_score
from jiedao.checklists.seeds import checklists_seed
from jiedao.checklists.selectors import sheet_of
from jiedao.inspections import services
from jiedao.inspections.models import Frequency, Inspection, InspectionKind, InspectionPlan, Outcome
from jiedao.territory.models import Duty, Organisation, Role, Unit

from .replay import demo_photo_bytes
from .territory import DemoPeople, DemoTerritory

# The seeded sample checklists (jiedao/checklists/seeds.py) the demo inspects with.
STREET, RURAL = "street-appearance", "rural-living"
NAMESPACE = uuid.UUID("6f1c7a52-3b0e-4c55-9d7e-2a1f5e0c9b11")
DEMO_NOTE = "（演示数据）"
# Sample target scores (of 100) per community: most do well, 望江 lags.
TARGETS = {"桃源社区": 94, "柳岸社区": 90, "南湖社区": 88, "望江社区": 74, "石桥村": 84, "梅园村": 92}
LAGGARD = "望江社区"

@dataclass(frozen=True)
class Visit:
    community: Unit
    at: datetime
    inspector: object
    kind: str
    version: ChecklistVersion
    plan: InspectionPlan | None
    number: int

    @property
    def client_id(self) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.community.code}:{self.number}")


# ---------------------------------------------------------------- the sheets

def _sheets() -> tuple[ChecklistVersion, ChecklistVersion]:
    """(the communities' sheet, the villages' sheet): the seeded samples in force."""
    checklists_seed()
    versions = {version.checklist.code: version for version in ChecklistVersion.objects.filter(
        checklist__code__in=[STREET, RURAL], status=VersionStatus.PUBLISHED).select_related("checklist")}
    return versions[STREET], versions[RURAL]


# ---------------------------------------------------------------- what an inspector finds

def _findings(sheet: Sheet, target: Decimal, rng: random.Random) -> dict[int, ItemResult]:
    """Occurrences on random deduct items until the sheet is down to about `target` (and a bonus
    now and then): the counts an inspector would have found on a street scoring about that."""
    results: dict[int, int] = {}
    deductible = [rule for rule in sheet.items if rule.method == ScoringMethod.DEDUCT and rule.per_occurrence > 0]
    lost = Decimal(0)
    budget = sheet.max_score - target
    for _attempt in range(200):
        if lost >= budget or not deductible:
            break
        rule = rng.choice(deductible)
        count = results.get(rule.key, 0) + 1
        before = item_score(rule, ItemResult(occurrences=count - 1)).lost
        after = item_score(rule, ItemResult(occurrences=count)).lost
        if after == before or lost + (after - before) > budget + 2:
            continue
        results[rule.key] = count
        lost += after - before
    for rule in sheet.items:
        if rule.method == ScoringMethod.ADD and rng.random() < 0.3:
            results[rule.key] = 1
    return {key: ItemResult(occurrences=count) for key, count in results.items()}


def _point_in(community: Unit, grids: list[Unit], rng: random.Random) -> tuple[float, float]:
    inside = [grid for grid in grids if grid.path.startswith(community.path) and grid.boundary]
    polygon = shape(rng.choice(inside).boundary)
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(50):
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(point):
            return round(point.x, 6), round(point.y, 6)
    centre = polygon.representative_point()
    return centre.x, centre.y


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("inspection.jpg", demo_photo_bytes(), content_type="image/jpeg")


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# ---------------------------------------------------------------- the seed

def demo_inspections_seed(*, territory: DemoTerritory, people: DemoPeople, now: datetime | None = None) -> dict:
    """Plans, a month of inspections, the cases they made (fixed through the loop when old enough)
    and re-inspections. Returns counts; writes nothing when the demo's first inspection exists."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    communities = list(territory.communities.values())
    if not communities:
        return {"inspections": 0}
    first = uuid.uuid5(NAMESPACE, f"{communities[0].code}:0")
    if Inspection.objects.filter(client_id=first).exists():
        return {"inspections": 0}
    leader = Duty.objects.filter(role=Role.LEADER).select_related("user").first().user
    supervisor = Duty.objects.filter(role=Role.SUPERVISOR).select_related("user").first().user
    area_leaders = {duty.unit_id: duty.user for duty in Duty.objects.filter(role=Role.AREA_LEADER).select_related("user")}
    rng = random.Random(20261)
    counts = {"inspections": 0, "cases": 0, "fixed": 0, "reinspections": 0}
    grids = list(territory.grids.values())
    start_day = today - timedelta(days=30)

    with transaction.atomic(), clock.frozen(_at(start_day - timedelta(days=1), 9, 0)):
        street, rural = _sheets()
        villages = [unit for unit in communities if unit.name.endswith("村")]
        towns = [unit for unit in communities if unit not in villages]
        plans = {
            "street": services.plan_create(by=leader, name="社区市容环境月度考评", checklist=street.checklist,
                                           inspector=supervisor, frequency=Frequency.MONTH,
                                           targets=[(unit, "") for unit in towns], starts_on=start_day.replace(day=1)),
            "rural": services.plan_create(by=leader, name="农村人居环境月度考评", checklist=rural.checklist,
                                          inspector=supervisor, frequency=Frequency.MONTH,
                                          targets=[(unit, "") for unit in villages], starts_on=start_day.replace(day=1)),
        }
        laggard = next((unit for unit in towns if unit.name == LAGGARD), None)
        if laggard is not None:
            plans["weekly"] = services.plan_create(
                by=leader, name=f"{LAGGARD}每周暗访", checklist=street.checklist, inspector=supervisor,
                frequency=Frequency.WEEK, kind=InspectionKind.UNANNOUNCED, targets=[(laggard, "")],
                starts_on=start_day, note="上月得分末位，加密暗访")

    visits: list[Visit] = []
    for index, community in enumerate(communities):
        version = rural if community in villages else street
        for number, offset in enumerate(range(index % 3, 31, 7)):
            day = start_day + timedelta(days=offset)
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
            if day >= today:
                continue
            area_leader = area_leaders.get(community.parent_id)
            unannounced = community == laggard or number % 4 == 3
            plan = None
            if community == laggard and "weekly" in plans:
                plan = plans["weekly"]
            elif number == 0:
                plan = plans["rural" if community in villages else "street"]
            inspector = supervisor if (plan is not None or number % 2 == 0 or area_leader is None) else area_leader
            visits.append(Visit(community=community, at=_at(day, 9 + rng.randint(0, 5), rng.randint(0, 59)),
                                inspector=inspector, version=version, plan=plan, number=number,
                                kind=plan.kind if plan else (InspectionKind.UNANNOUNCED if unannounced
                                                             else InspectionKind.NOTIFIED)))
    visits.sort(key=lambda visit: visit.at)

    with transaction.atomic():
        done = [_inspect(visit, grids=grids, rng=rng, counts=counts) for visit in visits]
        for inspection, visit in zip(done, visits, strict=True):
            _loop(inspection, visit=visit, people=people, now=now, rng=rng, counts=counts)
        for inspection, visit in zip(done, visits, strict=True):
            _reinspect(inspection, visit=visit, now=now, rng=rng, counts=counts, laggard=laggard)
    # The register as the hourly job keeps it, for this month and the last.
    for month_start in {start_day.replace(day=1), today.replace(day=1)}:
        month_end = min(today, (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        findings_refresh(start=month_start, end=month_end, now=now)
    return counts


def _inspect(visit: Visit, *, grids: list[Unit], rng: random.Random, counts: dict) -> Inspection:
    sheet = sheet_of(visit.version)
    target = TARGETS.get(visit.community.name, 88) + rng.uniform(-3.5, 3.5)
    target = (sheet.max_score * Decimal(str(round(target, 1))) / 100).quantize(Decimal("0.01"))
    findings = _findings(sheet, target, rng)
    with clock.frozen(visit.at):
        inspection, _created = services.inspection_start(
            by=visit.inspector, version=visit.version, unit=visit.community, kind=visit.kind, plan=visit.plan,
            client_id=visit.client_id)
    moment = visit.at
    for key, result in findings.items():
        moment += timedelta(minutes=rng.randint(3, 12))
        lon, lat = _point_in(visit.community, grids, rng)
        rule = sheet.item(key)
        with clock.frozen(moment):
            services.inspection_score_item(
                inspection=inspection, by=visit.inspector, item_id=key, occurrences=result.occurrences,
                note=f"{rule.name}：现场发现 {result.occurrences} 处，已拍照{DEMO_NOTE}" if rule.method == ScoringMethod.DEDUCT else "",
                longitude=lon, latitude=lat,
                photos=[_photo()] if rule.method == ScoringMethod.DEDUCT else [])
    with clock.frozen(moment + timedelta(minutes=10)):
        inspection = services.inspection_submit(inspection=inspection, by=visit.inspector)
    counts["inspections"] += 1
    counts["cases"] += inspection.results.filter(case__isnull=False).count()
    return inspection


def _loop(inspection: Inspection, *, visit: Visit, people: DemoPeople, now: datetime, rng: random.Random,
          counts: dict) -> None:
    """The cases of an inspection older than two days go round the loop and are closed; newer ones wait."""
    if now - visit.at < timedelta(days=2):
        return
    fallback = Organisation.objects.filter(code="D01").first()
    for result in inspection.results.filter(case__isnull=False).select_related("case", "case__grid"):
        case = result.case
        moment = visit.at + timedelta(hours=1)
        try:
            with clock.frozen(moment):
                case = case_services.case_accept(case=case, by=people.intake_clerk)
            with clock.frozen(moment + timedelta(minutes=20)):
                case = case_services.case_file(case=case, by=people.shift_lead, deadline_value=3,
                                               deadline_unit=DeadlineUnit.WORKING_DAYS, opinion="督查检查发现，立案")
            # The rule's department; for a category without one, the 城管执法中队 (D01) as a desk would.
            department = dispatch_suggestion(case=case).department or fallback
            handlers = people.handlers_of.get(department.pk) if department else None
            if not handlers:
                continue
            with clock.frozen(moment + timedelta(minutes=45)):
                case = case_services.case_dispatch(case=case, by=people.dispatcher, department=department,
                                                   opinion=f"督查检查发现，请{department.name}按时限整改")
            fixed_at = visit.at + timedelta(days=1, hours=rng.randint(0, 6))
            with clock.frozen(fixed_at):
                case = case_services.case_report_fix(case=case, by=rng.choice(handlers), opinion="已整改到位",
                                                     photos=[_photo()])
            checker = case.assignee or people.inspector_of.get(case.grid.code)
            with clock.frozen(fixed_at + timedelta(hours=2)):
                case = case_services.case_check(case=case, by=checker, passed=True, opinion="现场核查，已整改")
            with clock.frozen(fixed_at + timedelta(hours=3)):
                case_services.case_close(case=case, by=people.shift_lead)
            counts["fixed"] += 1
        except CaseError:
            continue  # left where it stopped: a demo case in the middle of the loop is fine


def _reinspect(inspection: Inspection, *, visit: Visit, now: datetime, rng: random.Random, counts: dict,
               laggard: Unit | None) -> None:
    """About six days after the visit, the failed items are looked at again."""
    at = visit.at + timedelta(days=6)
    if at >= now:
        return
    failed = list(inspection.results.filter(failed=True).select_related("case"))
    if not failed:
        return
    outcomes = []
    for index, result in enumerate(failed):
        outcome = Outcome.RECTIFIED
        if visit.community == laggard and index == 0:
            outcome = Outcome.FALSE_RECTIFICATION if visit.number == 1 else Outcome.NOT_RECTIFIED
        elif result.case is not None and result.case.state != CaseState.CLOSED:
            continue  # its case is still in the loop: looked at once the fix is reported
        elif rng.random() < 0.03:
            outcome = Outcome.PARTLY_RECTIFIED
        outcomes.append(services.ItemOutcome(item_id=result.item_id, outcome=outcome,
                                             note="复查发现问题仍在" + DEMO_NOTE if outcome != Outcome.RECTIFIED else ""))
    if not outcomes:
        return
    with clock.frozen(at):
        services.reinspection_record(inspection=inspection, by=visit.inspector, outcomes=outcomes,
                                     note="按期复查" + DEMO_NOTE)
    counts["reinspections"] += 1



def demo_inspections_wipe() -> list[int]:
    """Delete the demo's inspections with their results, photos (files too), re-inspections, plans
    and the findings they are evidence for; returns the ids of the cases they made, which the
    caller deletes with the other demo cases (`replay.demo_cases_wipe`, for `seed_demo --reset`)."""
    from jiedao.accountability.models import Finding, FindingEvidence
    from jiedao.inspections.models import InspectionPhoto, InspectionResult, Reinspection, ReinspectionItem

    ids = [uuid.uuid5(NAMESPACE, f"{unit.code}:{number}")
           for unit in Unit.objects.filter(level="community") for number in range(8)]
    inspections = Inspection.objects.filter(client_id__in=ids)
    made = set(InspectionResult.objects.filter(inspection__in=inspections, case__isnull=False)
               .values_list("case_id", flat=True))
    made |= set(ReinspectionItem.objects.filter(reinspection__inspection__in=inspections, case__isnull=False)
                .values_list("case_id", flat=True))
    findings = Finding.objects.filter(evidence__inspection__in=inspections).distinct()
    FindingEvidence.objects.filter(finding__in=findings).delete()
    Finding.objects.filter(pk__in=findings.values("pk")).update(superseded_by=None)
    Finding.objects.filter(pk__in=list(findings.values_list("pk", flat=True))).delete()
    for photo in InspectionPhoto.objects.filter(result__inspection__in=inspections).iterator():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    ReinspectionItem.objects.filter(reinspection__inspection__in=inspections).delete()
    Reinspection.objects.filter(inspection__in=inspections).delete()
    plans = list(InspectionPlan.objects.filter(inspections__in=inspections).distinct().values_list("pk", flat=True))
    inspections.delete()
    InspectionPlan.objects.filter(pk__in=plans, inspections__isnull=True).delete()
    return sorted(made)


def demo_inspection_ranking_rule_seed() -> bool:
    """A 红黑榜 that weighs the street checklist's average (30 %) with the case indicators (70 %), as
    an office ranking its communities on both would; villages, inspected on the rural sheet, stay
    unranked on it. Returns whether it was created."""
    from jiedao.checklists.models import Checklist
    from jiedao.evaluation.models import ObjectType, PeriodType, RankingRule
    from jiedao.territory.models import UnitLevel

    checklist = Checklist.objects.filter(code=STREET).first()
    if checklist is None:
        return False
    _rule, created = RankingRule.objects.get_or_create(
        name="社区月度考评（案件指标 70% + 市容检查 30%）",
        defaults={"object_type": ObjectType.REGION, "level": UnitLevel.COMMUNITY, "period_type": PeriodType.MONTH,
                  "red_top_n": 2, "black_bottom_n": 2, "inspection_checklist": checklist, "inspection_weight": 30})
    return created
