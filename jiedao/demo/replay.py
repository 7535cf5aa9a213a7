"""Replaying real Boston 311 requests through the real case services, as the demo people, with the
clock set to the moment of each step.

Time: the sample's last days of 2015 are moved forward by a whole number of weeks so that they end
within the past week (hour of day and weekday are kept), and the last 60 days are replayed. A step
whose moment is still in the future has not happened yet, so recent cases are left open where
they would be now.

Durations: Boston's service-level targets were days; ours are hours. Each case keeps Boston's
*share* of its target: a request Boston closed at 40 % of its target is fixed at 40 % of ours, one
Boston closed late is fixed late by the same factor. So the long tail and the on-time share are
real, and a case is closed overdue exactly when Boston closed it after its target.
"""

import csv
import gzip
import io
import math
import random
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from jiedao import clock
from jiedao.cases import services
from jiedao.cases.errors import CaseError
from jiedao.cases.models import (
    Case,
    CaseEvent,
    CaseNumberSequence,
    CasePhoto,
    CaseRequest,
    CaseSource,
    RejectionKind,
)
from jiedao.cases.selectors import dispatch_suggestion
from jiedao.catalogue.models import CaseRule, CatalogueItem, CatalogueKind
from jiedao.catalogue.selectors import case_rules_for_item
from jiedao.territory.locator import GridLocator
from jiedao.territory.models import GridClass, Organisation
from jiedao.worktime.deadlines import deadline_after
from jiedao.worktime.selectors import working_calendar

from . import geography
from .territory import DemoPeople, DemoTerritory

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_CSV = DATA_DIR / "boston-sample.csv.gz"
MAPPING_CSV = DATA_DIR / "type_mapping.csv"
CLIENT_KEY_PREFIX = "demo-boston-"
DEMO_LABEL = "（演示数据，依据波士顿 311 公开数据生成）"
WINDOW = timedelta(days=60)
# The sample ends with 2015; its requests are moved forward by whole weeks to end before now.
BOSTON_DATA_END = datetime(2016, 1, 1)  # noqa: DTZ001 (Boston wall time, naive on purpose)
KIND_BY_LABEL = {"部件": CatalogueKind.COMPONENT, "事项": CatalogueKind.MATTER, "事件": CatalogueKind.EVENT}


# ---------------------------------------------------------------- the sample and the mapping

@dataclass(frozen=True)
class BostonRequest:
    case_id: str
    opened: datetime  # Boston wall time, naive
    target: datetime | None
    closed: datetime | None
    closure: str  # resolved / duplicate / invalid / noted / referred / open
    type: str
    source: str
    longitude: float  # already moved into 青溪街道
    latitude: float


@dataclass(frozen=True)
class TypeMapping:
    boston_type: str
    item_kind: str
    item_code: str
    item_name: str
    severity: int
    deadline_value: int | None  # only used where the catalogue has no case rule
    deadline_unit: str
    department_code: str
    description: str


def _naive(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sample_read(*, path: Path = SAMPLE_CSV) -> list[BostonRequest]:
    shape = geography.outline()
    requests = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            longitude, latitude = geography.boston_to_local(float(row["longitude"]), float(row["latitude"]), shape)
            requests.append(BostonRequest(
                case_id=row["case_id"], opened=_naive(row["opened"]), target=_naive(row["target"]),
                closed=_naive(row["closed"]), closure=row["closure"], type=row["type"], source=row["source"],
                longitude=longitude, latitude=latitude,
            ))
    requests.sort(key=lambda request: (request.opened, request.case_id))
    return requests


def mapping_read(*, path: Path = MAPPING_CSV) -> dict[str, TypeMapping]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["boston_type"]: TypeMapping(
            boston_type=row["boston_type"], item_kind=KIND_BY_LABEL[row["item_kind"]], item_code=row["item_code"],
            item_name=row["item_name"], severity=int(row["severity"] or 1),
            deadline_value=int(row["deadline_value"]) if row["deadline_value"] else None,
            deadline_unit=row["deadline_unit"], department_code=row["department_code"],
            description=row["description"],
        ) for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class TimeShift:
    weeks: int
    tz: object

    @classmethod
    def ending_before(cls, now: datetime) -> "TimeShift":
        local_now = timezone.localtime(now).replace(tzinfo=None)
        weeks = math.ceil((local_now - BOSTON_DATA_END) / timedelta(weeks=1))
        return cls(weeks=weeks, tz=timezone.get_current_timezone())

    def local(self, boston: datetime) -> datetime:
        """Same weekday and hour of day, here, `weeks` later."""
        return timezone.make_aware(boston + timedelta(weeks=self.weeks), self.tz)


def requests_in_window(requests: list[BostonRequest], *, now: datetime, limit: int | None = None
                       ) -> tuple[TimeShift, list[BostonRequest]]:
    shift = TimeShift.ending_before(now)
    local_now = timezone.localtime(now).replace(tzinfo=None)
    start, end = local_now - timedelta(weeks=shift.weeks) - WINDOW, local_now - timedelta(weeks=shift.weeks)
    chosen = [request for request in requests if start < request.opened <= end]
    if limit is not None and limit < len(chosen):
        # Evenly spaced, so a small run keeps the arrival pattern and the mix of the full one.
        chosen = [chosen[index * len(chosen) // limit] for index in range(limit)]
    return shift, chosen


# ---------------------------------------------------------------- what happens to one request

STALL_STATES_RECENT = ("reported", "verifying", "accepted", "filed", "self_handled")
STALL_STATES_OLDER = ("suspended", "fixed", "checked")


@dataclass
class CasePlan:
    source: str
    reporter: object | None
    reporter_name: str = ""
    reporter_phone: str = ""
    self_handled: bool = False
    review_approves: bool = True
    verify: bool = False
    verify_confirms: bool = True
    void_reason: str = ""
    void_stage: str = ""  # "reported" or "accepted"
    wrong_department: bool = False
    ratio: float = 0.5  # the fix, as a share of the deadline
    extension: str = ""  # "approve" or "reject"
    suspension: bool = False
    resume_after_days: float | None = None
    reworks: int = 0
    stop_before: str = ""  # leave the case waiting for this action (a backlog at some desk)


RESIDENT_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"


def case_plan(request: BostonRequest, *, grid_code: str, people: DemoPeople, rng: random.Random,
              stall: str = "") -> CasePlan:
    """Decide, from Boston's record and a seeded coin, what this case goes through."""
    grid_worker, inspector = people.grid_worker_of[grid_code], people.inspector_of[grid_code]
    resident = f"{rng.choice(RESIDENT_SURNAMES)}{rng.choice(['先生', '女士'])}"
    phone = f"1380000{rng.randint(1000, 9999)}"
    if request.source == "Constituent Call":
        plan = CasePlan(source=CaseSource.HOTLINE, reporter=people.intake_clerk, reporter_name=resident,
                        reporter_phone=phone)
    elif request.source in ("Citizens Connect App", "Self Service", "Twitter"):
        plan = CasePlan(source=CaseSource.RESIDENT, reporter=None, reporter_name=resident, reporter_phone=phone)
    elif request.source == "Employee Generated":
        plan = CasePlan(source=CaseSource.PATROL, reporter=grid_worker)
    elif request.source == "City Worker App":
        plan = CasePlan(source=CaseSource.PATROL, reporter=inspector)
    else:
        plan = CasePlan(source=CaseSource.VIDEO, reporter=None)
    from_public = plan.source in (CaseSource.HOTLINE, CaseSource.RESIDENT, CaseSource.VIDEO)

    # How long the fix takes, as a share of the deadline (see the module docstring).
    if request.closed is not None:
        taken = request.closed - request.opened
        if request.target is not None and request.target > request.opened:
            plan.ratio = taken / (request.target - request.opened)
        else:
            plan.ratio = taken / timedelta(hours=72)
        plan.ratio = min(max(plan.ratio, 0.03), 5.0)
        quick = taken < timedelta(hours=2)
    else:
        quick = False
        if rng.random() < 0.35:  # still unsolved: stuck in handling, some suspended (挂账)
            plan.ratio = 60.0
            if rng.random() < 0.45:
                plan.suspension = True
                plan.resume_after_days = rng.uniform(3, 15) if rng.random() < 0.4 else None
        else:
            plan.ratio = rng.uniform(1.3, 5.0)

    if request.closure == "duplicate":
        plan.void_stage, plan.void_reason = "accepted", "重复上报，已并入先前案件办理"
    elif request.closure == "invalid":
        plan.verify, plan.verify_confirms = True, False
    elif request.closure == "noted" and rng.random() < 0.3:
        plan.void_stage, plan.void_reason = "reported", "不属于本平台受理范围，已告知举报人向相关部门反映"
    elif plan.source == CaseSource.PATROL and plan.reporter is grid_worker and quick and rng.random() < 0.7:
        plan.self_handled = True
        plan.review_approves = rng.random() < 0.95
    elif from_public and rng.random() < 0.3:
        plan.verify = True
    plan.wrong_department = request.closure == "referred" or rng.random() < 0.02
    if 1.0 < plan.ratio < 60 and not plan.suspension and rng.random() < 0.3:
        plan.extension = "approve" if rng.random() < 0.85 else "reject"
    if plan.ratio < 60 and rng.random() < 0.05:
        plan.reworks = 2 if rng.random() < 0.1 else 1
    if stall:
        _stall(plan, stall, grid_worker=grid_worker)
    return plan


def _stall(plan: CasePlan, state: str, *, grid_worker) -> None:
    """Make the case stop in `state`, the way a desk's backlog leaves it."""
    plan.void_stage, plan.void_reason, plan.self_handled, plan.verify = "", "", False, False
    plan.suspension, plan.resume_after_days, plan.reworks, plan.extension = False, None, 0, ""
    plan.wrong_department = False
    plan.ratio = min(plan.ratio, 0.3)
    if state == "reported":
        plan.stop_before = "accept"
    elif state == "verifying":
        plan.verify, plan.stop_before = True, "verify"
    elif state == "accepted":
        plan.stop_before = "file"
    elif state == "filed":
        plan.stop_before = "dispatch"
    elif state == "self_handled":
        plan.source, plan.reporter, plan.reporter_name, plan.reporter_phone = CaseSource.PATROL, grid_worker, "", ""
        plan.self_handled, plan.stop_before = True, "review"
    elif state == "suspended":
        plan.suspension, plan.ratio, plan.stop_before = True, 60.0, "resume"
    elif state == "fixed":
        plan.stop_before = "check"
    elif state == "checked":
        plan.stop_before = "close"


EXTENSION_REASONS = (
    "需协调车辆和作业人员，申请延期处置",
    "涉及多个权属单位，需协调后处置，申请延期",
    "需采购材料、安排施工，申请延期处置",
)


class _Pending(Exception):
    """The next step has not happened yet (its moment is after now, or the plan stops here)."""


class _Timeline:
    def __init__(self, *, now: datetime, stop_before: str, rng: random.Random):
        self.now, self.stop_before, self.rng = now, stop_before, rng
        self.at: datetime | None = None

    def step(self, action: str, at: datetime) -> AbstractContextManager:
        """The clock for one step; events never go back in time."""
        if self.at is not None:
            at = max(at, self.at + timedelta(minutes=1))
        if action == self.stop_before or at > self.now:
            raise _Pending
        self.at = at
        return clock.frozen(at)

    def later(self, low: float, high: float) -> datetime:
        return self.at + timedelta(minutes=self.rng.uniform(low, high))

    def desk(self, low: float, high: float) -> datetime:
        """The 监督/指挥中心 desks work 07:30–22:00; at night the case waits for the morning shift."""
        return _within_hours(self.later(low, high), time(7, 30), time(22, 0), self.rng)

    def field(self, low: float, high: float) -> datetime:
        """Inspectors and grid workers are out 08:00–18:00."""
        return _within_hours(self.later(low, high), time(8, 0), time(18, 0), self.rng)


# Reports found by others that a grid's patrol could have found first.
MISSABLE_SOURCES = frozenset({CaseSource.HOTLINE, CaseSource.RESIDENT, CaseSource.VIDEO})


def _within_hours(moment: datetime, opens: time, closes: time, rng: random.Random) -> datetime:
    local = timezone.localtime(moment)
    if opens <= local.time() < closes:
        return moment
    day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, opens), local.tzinfo)
    return start + timedelta(minutes=rng.uniform(0, 50))


# ---------------------------------------------------------------- the replay

@dataclass
class ReplayContext:
    now: datetime
    shift: TimeShift
    territory: DemoTerritory
    people: DemoPeople
    mapping: dict[str, TypeMapping]
    items: dict[str, CatalogueItem]  # by Boston type
    departments: dict[str, Organisation]  # by code
    photo_bytes: bytes
    rules: dict | None = None

    def rule_for(self, *, item: CatalogueItem, grid_class: GridClass | None, severity: int) -> CaseRule | None:
        """The rule of the wanted severity step, if the item has one (else the mildest applies)."""
        if self.rules is None:
            self.rules = {}
        key = (item.pk, grid_class.pk if grid_class else None)
        if key not in self.rules:
            self.rules[key] = case_rules_for_item(item=item, grid_class=grid_class)
        return next((rule for rule in self.rules[key] if rule.severity == severity), None)

    def photo(self) -> SimpleUploadedFile:
        return SimpleUploadedFile("demo.jpg", self.photo_bytes, content_type="image/jpeg")


def demo_photo_bytes() -> bytes:
    """A tiny generated JPEG (the fix report requires an after-photo)."""
    image = Image.new("RGB", (64, 48), (96, 140, 96))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 30, 56, 44), fill=(150, 150, 150))
    draw.ellipse((40, 4, 56, 20), fill=(240, 220, 120))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def _address(request: BostonRequest, grid_code: str, rng: random.Random) -> str:
    community = next(plan for plan in geography.COMMUNITIES if grid_code.startswith(plan.code))
    road = rng.choice(community.roads)
    return f"{geography.SUBDISTRICT_NAME}{community.name}{road}{rng.randint(1, 260)}号附近"


def _wrong_department(right: Organisation, departments: dict[str, Organisation]) -> Organisation:
    code = "D02" if right.code == "D01" else "D01"
    return departments.get(code) or right


def case_replay(*, context: ReplayContext, request: BostonRequest, grid_code: str, stall: str = "") -> Case:
    """Drive one request through the services, step by step, until now (or until the stall)."""
    rng = random.Random(request.case_id)
    people, calendar = context.people, working_calendar()
    mapping, item = context.mapping[request.type], context.items[request.type]
    plan = case_plan(request, grid_code=grid_code, people=people, rng=rng, stall=stall)
    timeline = _Timeline(now=context.now, stop_before=plan.stop_before, rng=rng)

    with timeline.step("report", context.shift.local(request.opened)):
        case = services.case_report(
            by=plan.reporter, source=plan.source, item=item, longitude=request.longitude,
            latitude=request.latitude, description=f"{mapping.description}。{DEMO_LABEL}",
            address=_address(request, grid_code, rng), reporter_name=plan.reporter_name,
            reporter_phone=plan.reporter_phone, client_key=f"{CLIENT_KEY_PREFIX}{request.case_id}",
            self_handled=plan.self_handled, after_photos=[context.photo()] if plan.self_handled else (),
        )
    with suppress(_Pending):  # the rest has not happened yet
        _replay_steps(context=context, case=case, plan=plan, timeline=timeline, mapping=mapping,
                      calendar=calendar, grid_code=grid_code)
    return case


def _replay_steps(*, context: ReplayContext, case: Case, plan: CasePlan, timeline: _Timeline,
                  mapping: TypeMapping, calendar, grid_code: str) -> None:
    people, rng = context.people, timeline.rng
    intake, shift_lead, dispatcher = people.intake_clerk, people.shift_lead, people.dispatcher
    inspector = people.inspector_of[grid_code]

    # 受理 / 核实 / 自处置审核
    if plan.self_handled:
        with timeline.step("review", timeline.desk(10, 90)):
            case = services.case_review_self_handled(
                case=case, by=shift_lead, approve=plan.review_approves,
                opinion="" if plan.review_approves else "处置不彻底，转立案派遣")
        if plan.review_approves:
            return
    elif plan.void_stage == "reported":
        # 不予受理 by the intake desk, reviewed (and upheld) by the shift lead
        with timeline.step("reject", timeline.desk(5, 40)):
            case = services.case_reject(case=case, by=intake, kind=RejectionKind.NOT_OURS, reason=plan.void_reason)
        with timeline.step("review_rejection", timeline.desk(10, 90)):
            services.case_review_rejection(case=case, by=shift_lead, uphold=True)
        return
    elif plan.verify:
        with timeline.step("send_to_verify", timeline.desk(2, 25)):
            services.case_send_to_verify(case=case, by=intake, inspector=inspector, opinion="请现场核实")
        with timeline.step("verify", timeline.field(20, 120)):
            case = services.case_verify(
                case=case, by=inspector, confirmed=plan.verify_confirms,
                opinion="现场核实属实" if plan.verify_confirms else "现场未发现所反映的问题")
        if not plan.verify_confirms:
            return  # 核实不属实 ends the report: voided by the verification itself
    else:
        with timeline.step("accept", timeline.desk(2, 25)):
            case = services.case_accept(case=case, by=intake)
    if plan.void_stage == "accepted":
        with timeline.step("void", timeline.desk(5, 40)):
            services.case_void(case=case, by=shift_lead, reason=plan.void_reason)
        return

    # 立案: the rule of the mapped severity, or a deadline by hand where the category has no rule
    rule = context.rule_for(item=case.item, grid_class=case.grid.grid_class, severity=mapping.severity)
    # The desk's own limits are 30 minutes (CasePolicy): most steps are taken within them, some not.
    # One public report in six is confirmed at 立案 as a 漏报 of the grid's worker (by its number, so
    # the replay's random stream stays as it was).
    missed = plan.source in MISSABLE_SOURCES and int(case.number[-3:]) % 6 == 0
    with timeline.step("file", timeline.desk(5, 45)):
        case = services.case_file(case=case, by=shift_lead, rule=rule, deadline_value=mapping.deadline_value,
                                  deadline_unit=mapping.deadline_unit or None, opinion="符合立案条件",
                                  missed_by_patrol=missed)

    # 派遣 to the department of the rule (职责清单), else the mapping's department
    right = dispatch_suggestion(case=case).department or context.departments[mapping.department_code]
    first = _wrong_department(right, context.departments) if plan.wrong_department else right
    with timeline.step("dispatch", timeline.desk(3, 40)):
        case = services.case_dispatch(case=case, by=dispatcher, department=first,
                                      opinion=f"请{first.name}按时限处置")
    if first != right:
        wrong_handler = rng.choice(people.handlers_of[first.pk])
        with timeline.step("request_return", timeline.later(30, 240)):
            services.case_request(case=case, by=wrong_handler, kind="return",
                                  reason=f"该问题不属于本部门职责，请改派{right.name}")
        with timeline.step("decide_return", timeline.desk(10, 60)):
            services.case_decide_request(case=case, by=dispatcher, approve=True, note="同意回退")
        with timeline.step("dispatch", timeline.desk(5, 30)):
            case = services.case_dispatch(case=case, by=dispatcher, department=right,
                                          opinion=f"改派{right.name}处置")

    handler = rng.choice(people.handlers_of[right.pk])
    budget, unit, started = case.time_budget_minutes, case.deadline_unit, case.dispatched_at

    def after_dispatch(share: float) -> datetime:
        return deadline_after(start=started, budget_minutes=max(1, round(budget * share)), unit=unit,
                              calendar=calendar)

    fix_at = after_dispatch(plan.ratio) if plan.ratio < 60 else context.now + timedelta(days=365)
    if plan.extension:
        extra = max(60, math.ceil((plan.ratio - 1 + 0.25) * budget / 60) * 60)
        with timeline.step("request_extension", after_dispatch(rng.uniform(0.5, 0.85))):
            services.case_request(case=case, by=handler, kind="extension", extra_minutes=extra,
                                  reason=rng.choice(EXTENSION_REASONS))
        approve = plan.extension == "approve"
        with timeline.step("decide_extension", timeline.desk(10, 90)):
            services.case_decide_request(case=case, by=dispatcher, approve=approve,
                                         note="同意延期" if approve else "理由不充分，请按原时限处置")
    if plan.suspension:
        with timeline.step("request_suspension", after_dispatch(rng.uniform(0.4, 0.9))):
            services.case_request(case=case, by=handler, kind="suspension",
                                  reason="涉及产权单位协调和资金安排，短期内无法解决，申请挂账")
        with timeline.step("decide_suspension", timeline.desk(10, 120)):
            services.case_decide_request(case=case, by=dispatcher, approve=True, note="同意挂账，定期跟踪")
        if plan.resume_after_days is None:
            return
        with timeline.step("resume", timeline.desk(plan.resume_after_days * 1440, plan.resume_after_days * 1440)):
            services.case_resume(case=case, by=dispatcher, opinion="协调已完成，恢复处置")
        fix_at = deadline_after(start=timeline.at, budget_minutes=max(1, round(budget * rng.uniform(0.3, 3))),
                                unit=unit, calendar=calendar)

    # 处置反馈 → 核查 (返工 sends it back) → 结案
    closing = f"已处置：{case.rule.closing_condition}" if case.rule else "已处置完毕"
    for attempt in range(plan.reworks + 1):
        with timeline.step("report_fix", fix_at):
            case = services.case_report_fix(case=case, by=handler, opinion=closing, photos=[context.photo()])
        checker = case.assignee or inspector
        passed = attempt == plan.reworks
        with timeline.step("check", timeline.field(20, 180)):
            case = services.case_check(case=case, by=checker, passed=passed,
                                       opinion="现场核查，已处置到位" if passed else "现场核查仍未处置到位，请返工")
        fix_at = deadline_after(start=timeline.at, budget_minutes=max(1, round(budget * rng.uniform(0.1, 0.5))),
                                unit=unit, calendar=calendar)
    with timeline.step("close", timeline.desk(5, 60)):
        services.case_close(case=case, by=shift_lead)


# ---------------------------------------------------------------- seeding and wiping

def _stalls(requests: list[BostonRequest], shift: TimeShift, now: datetime) -> dict[str, str]:
    """A few recent cases left waiting at each desk, so every state shows up even in a small run:
    the newest ones at the front desks, some of a few days ago further along the loop."""
    stalls: dict[str, str] = {}
    copies = 2 if len(requests) >= 1000 else 1
    recent = [request for request in reversed(requests)]
    for state, request in zip([s for s in STALL_STATES_RECENT for _copy in range(copies)], recent, strict=False):
        stalls[request.case_id] = state
    older = [request for request in recent if shift.local(request.opened) < now - timedelta(days=3)
             and request.case_id not in stalls]
    for state, request in zip([s for s in STALL_STATES_OLDER for _copy in range(copies)], older, strict=False):
        stalls[request.case_id] = state
    return stalls


def demo_cases_exist() -> int:
    return Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX).count()


def demo_cases_seed(*, territory: DemoTerritory, people: DemoPeople, limit: int | None = None,
                    now: datetime | None = None,
                    progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Replay the sample; returns counts (cases made, skipped points, failures)."""
    now = now or timezone.now()
    mapping = mapping_read()
    requests = [request for request in sample_read() if request.type in mapping]
    shift, requests = requests_in_window(requests, now=now, limit=limit)
    locator = GridLocator.from_units([territory.district, territory.subdistrict, *territory.areas.values(),
                                      *territory.communities.values(), *territory.grids.values()])
    located = locator.locate_many([r.longitude for r in requests], [r.latitude for r in requests])
    placed = [(request, point.grid_code) for request, point in zip(requests, located, strict=True) if point]
    context = ReplayContext(
        now=now, shift=shift, territory=territory, people=people, mapping=mapping,
        items=_items_by_type(mapping), departments={o.code: o for o in Organisation.objects.all()},
        photo_bytes=demo_photo_bytes(),
    )
    stalls = _stalls([request for request, _grid in placed], shift, now)
    counts = {"cases": 0, "outside": len(requests) - len(placed), "failed": 0}
    errors: list[str] = []
    # One transaction: the demo cases appear all at once or not at all, and SQLite writes fast.
    with transaction.atomic():
        for index, (request, grid_code) in enumerate(placed, start=1):
            try:
                with transaction.atomic():
                    case_replay(context=context, request=request, grid_code=grid_code,
                                stall=stalls.get(request.case_id, ""))
                counts["cases"] += 1
            except CaseError as error:
                counts["failed"] += 1
                errors.append(f"{request.case_id} {request.type}: {error}")
            if progress and (index % 500 == 0 or index == len(placed)):
                progress(index, len(placed))
    counts["errors"] = errors[:5]
    return counts


def _items_by_type(mapping: dict[str, TypeMapping]) -> dict[str, CatalogueItem]:
    items = {(item.kind, item.code): item for item in CatalogueItem.objects.filter(is_active=True)}
    found = {}
    for boston_type, row in mapping.items():
        item = items.get((row.item_kind, row.item_code))
        if item is None:
            raise LookupError(f"type_mapping.csv: {row.item_kind} {row.item_code} {row.item_name} is not in the "
                              f"catalogue (run seed_catalogue)")
        found[boston_type] = item
    return found


@transaction.atomic
def demo_cases_wipe() -> int:
    """Delete the demo cases with everything that hangs off them: events, requests, photos (files
    too), escalations and their messages, and the findings they are evidence for. Generated demo
    data only; real records are never deleted (the register and the timeline are append-only)."""
    from jiedao.accountability.models import Finding, FindingEvidence
    from jiedao.campaigns.models import EvidenceFigure
    from jiedao.projects.models import ProjectCase
    from jiedao.supervision.models import CaseEscalation, Delivery, Notification

    from .air import demo_air_wipe
    from .inspections import demo_inspections_wipe
    from .rivers import demo_rivers_wipe

    # The demo's inspections and rivers go too, and the cases their deductions and patrols made
    # (seeded again after the replay).
    made_by_inspections = demo_inspections_wipe() + demo_rivers_wipe() + demo_air_wipe()
    cases = Case.objects.filter(Q(client_key__startswith=CLIENT_KEY_PREFIX) | Q(pk__in=made_by_inspections))
    # A campaign's evidence figure keeps its quantity without the demo case it was linked to.
    EvidenceFigure.objects.filter(case__in=cases).update(case=None)
    # A demo project keeps its place in the library without the demo cases that led to it.
    ProjectCase.objects.filter(case__in=cases).delete()
    findings = Finding.objects.filter(evidence__case__in=cases).distinct()
    FindingEvidence.objects.filter(finding__in=findings).delete()
    Finding.objects.filter(pk__in=findings.values("pk")).update(superseded_by=None)
    Finding.objects.filter(pk__in=list(findings.values_list("pk", flat=True))).delete()
    escalations = CaseEscalation.objects.filter(case__in=cases)
    Delivery.objects.filter(escalation__in=escalations).delete()
    Delivery.objects.filter(notification__case__in=cases).delete()
    Notification.objects.filter(case__in=cases).delete()
    escalations.delete()
    photos = CasePhoto.objects.filter(case__in=cases)
    for photo in photos.iterator():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    photos.delete()
    CaseRequest.objects.filter(case__in=cases).delete()
    CaseEvent.objects.filter(case__in=cases).delete()
    deleted, _by_model = cases.delete()
    # Let numbering carry on from the highest number still in use, so a regenerated demo starts at 1.
    for sequence in CaseNumberSequence.objects.all():
        numbers = Case.objects.filter(number__startswith=f"{sequence.year}-").values_list("number", flat=True)
        last = max((int(number.split("-")[1]) for number in numbers), default=0)
        if last != sequence.last:
            CaseNumberSequence.objects.filter(pk=sequence.pk).update(last=last)
    return deleted
