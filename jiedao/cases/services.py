"""Every change to a case: one function per transition, each a guard, an event row and a
conditional update in one transaction. Pages, the API, commands and the worker all call these."""

import hmac
import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedao import clock
from jiedao.catalogue.models import CaseRule, CatalogueItem, DeadlineUnit, deadline_value_text
from jiedao.catalogue.selectors import case_rule_for, case_rules_for_item
from jiedao.territory.access import is_field_worker_covering, user_duties, user_roles
from jiedao.territory.coordinates import CoordinateError, to_wgs84
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import ORGANISATION_ROLES, Organisation, Role, Unit, UnitLevel
from jiedao.worktime.deadlines import (
    budget_minutes,
    deadline_after,
    deadline_after_suspension,
    remaining_minutes,
)
from jiedao.worktime.selectors import working_calendar

from .access import acting_role, may_report, roles_on_case
from .errors import InvalidInput, NotAllowed, StaleCase, WrongState
from .models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    CasePhoto,
    CasePolicy,
    CaseRating,
    CaseRequest,
    CaseSource,
    CaseState,
    ClosureType,
    PhotoStage,
    RatingSource,
    RejectionKind,
    RequestKind,
    RequestState,
)
from .photos import PreparedPhoto, photo_prepare
from .signals import case_transitioned
from .workflow import (
    ACTIONS,
    OWN_FIND_SOURCES,
    PHONE_RATING_ROLES,
    PHOTO_PUBLISHING_ROLES,
    REPORTING_ROLES,
    SUPERVISE_STEP,
    Action,
)

MAX_DESCRIPTION = 4000
# A sanity bound on any time limit or extension, not a policy: a year of clock time. Beyond it a
# typing slip would put a deadline centuries away (or past what a date can hold).
LONGEST_TIME_LIMIT_MINUTES = 366 * 24 * 60


# ---------------------------------------------------------------- helpers shared by the transitions

def _next_case_number(*, year: int) -> str:
    """Issue the next readable number of the year in one statement (an upsert), so that two
    concurrent reports never get the same number."""
    table = "cases_casenumbersequence"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (last,) = cursor.fetchone()
    return f"{year}-{last:06d}"


def _record(*, case: Case, action: str, from_state: str, actor, role: str, at: datetime,
            opinion: str = "", data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, action=action, from_state=from_state, to_state=case.state, actor=actor,
        actor_name=actor.display_name if actor else "", actor_role=role, at=at, opinion=opinion,
        data=data or {},
    )


def _save_photos(*, case: Case, event: CaseEvent | None, prepared: Sequence[PreparedPhoto], stage: str,
                 by, at: datetime) -> list[CasePhoto]:
    photos = []
    for photo in prepared:
        photos.append(CasePhoto.objects.create(
            case=case, event=event, stage=stage, image=photo.image, thumbnail=photo.thumbnail,
            content_type=photo.content_type, size_bytes=photo.size_bytes,
            exif_longitude=photo.exif_longitude, exif_latitude=photo.exif_latitude,
            uploaded_by=by, uploaded_at=at,
        ))
    return photos


def _delete_files(photos: Sequence[CasePhoto]) -> None:
    for photo in photos:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)


def photos_count_check(*groups) -> None:
    """At most `CasePolicy.photos_per_request` photos in one submission (all its groups together),
    counted before a single one is decoded."""
    limit = CasePolicy.current().photos_per_request
    if sum(len(group or ()) for group in groups) > limit:
        raise InvalidInput(_("一次最多上传 %(n)d 张照片") % {"n": limit}, field="photos")


def _prepare_all(files, *, also=()) -> list[PreparedPhoto]:
    """Check every photo before anything is written: one bad file refuses the whole request.
    `also`: the submission's other photos, counted against the same limit."""
    photos_count_check(files, also)
    return [photo_prepare(upload) for upload in files or []]


class _Transition:
    """Context for one transition: locks the case row, checks role, state and version, and on exit
    writes the fields with a conditional update so two people acting at once cannot both win."""

    def __init__(self, *, case: Case, action_code: str, by, expected_version: int | None):
        self.action: Action = ACTIONS[action_code]
        self.case_id = case.pk
        self.by = by
        self.expected_version = expected_version

    def __enter__(self) -> "_Transition":
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        try:
            case = Case.objects.select_for_update(of=("self",)).select_related("item", "grid", "department").get(pk=self.case_id)
            if self.expected_version is not None and case.version != self.expected_version:
                raise StaleCase()
            if case.state not in self.action.sources:
                raise WrongState(
                    _("案件当前为“%(state)s”，不能“%(action)s”")
                    % {"state": case.get_state_display(), "action": self.action.label}
                )
            role = acting_role(user=self.by, case=case, action=self.action)
            if role is None:
                raise NotAllowed(_("您无权对该案件执行“%(action)s”") % {"action": self.action.label})
        except BaseException as error:
            self.atomic.__exit__(type(error), error, error.__traceback__)
            raise
        self.case, self.role, self.from_state = case, role, case.state
        self.now = clock.now()
        self.changed: set[str] = set()
        return self

    def set(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self.case, name, value)
        self.changed.update(fields)

    def record(self, *, opinion: str = "", data: dict | None = None, action: str | None = None) -> CaseEvent:
        self._write()
        event = _record(case=self.case, action=action or self.action.code, from_state=self.from_state,
                        actor=self.by, role=self.role, at=self.now, opinion=opinion, data=data)
        case_transitioned.send(sender=Case, case=self.case, event=event)  # inside the transaction: signals.py
        return event

    def _write(self) -> None:
        if getattr(self, "_written", False):
            return
        old_version = self.case.version
        self.set(version=old_version + 1, updated_at=self.now)
        updated = Case.objects.filter(pk=self.case.pk, version=old_version).update(
            **{name: getattr(self.case, name) for name in self.changed}
        )
        if updated != 1:
            raise StaleCase()
        self._written = True

    def __exit__(self, exc_type, exc, tb):
        return self.atomic.__exit__(exc_type, exc, tb)


def _require_sane_time_limit(minutes: int, *, field: str) -> None:
    if not 0 < minutes <= LONGEST_TIME_LIMIT_MINUTES:
        raise InvalidInput(_("时限须大于零且不超过一年"), field=field)


def _require_text(value: str, *, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    return value


def action_guard_passes(*, user, case: Case, action: Action) -> bool:
    """Case-specific conditions beyond role and state, used to hide buttons that would fail."""
    if action.code == "check":
        return _may_check(user=user, case=case)
    if action.code.startswith("request_"):
        return not case.requests.filter(state=RequestState.PENDING).exists()
    if action.code.startswith("decide_"):
        kind = action.code.removeprefix("decide_")
        return case.requests.filter(state=RequestState.PENDING, kind=kind).exists()
    if action.code == "review_rejection":
        return rejection_awaiting_review(case=case)
    return True


def _may_check(*, user, case: Case) -> bool:
    # 监督中心与指挥中心分离 (standards.md §2.1): whoever fixed it, or works for the department
    # that fixed it, never checks it.
    if case.fixed_by_id == user.pk:
        return False
    return not any(
        duty.role in ORGANISATION_ROLES and duty.organisation_id == case.department_id
        for duty in user_duties(user)
    )


# ---------------------------------------------------------------- report

def case_report(**kwargs) -> Case:
    """Register a new report (see `case_report_once`)."""
    return case_report_once(**kwargs)[0]


def case_report_once(*, by, source: str, item: CatalogueItem, longitude: float | None, latitude: float | None,
                     crs: str = "wgs84", description: str = "", address: str = "", photos=(),
                     after_photos=(), self_handled: bool = False, reporter_name: str = "",
                     reporter_phone: str = "", reporter_email: str = "", client_key: str | None = None,
                     at: datetime | None = None, channel: dict | None = None,
                     also=None) -> tuple[Case, bool]:
    """Register a new report; returns (case, created). A retry with the same client key returns
    the case the first attempt made, with created False — even when two retries race. `channel`
    names where an outside report came from (e.g. the Open311 client) on the report event; `also`,
    a function of the new case, writes the caller's own record of it in the same transaction."""
    if client_key:
        existing = Case.objects.filter(client_key=client_key).first()
        if existing is not None:
            return _replayed(existing, by=by), False
    if by is not None and not may_report(user=by):
        raise NotAllowed(_("您没有上报案件的权限"))
    if source not in CaseSource.values:
        raise InvalidInput(_("未知的案件来源"), field="source")
    if not item.is_active:
        raise InvalidInput(_("该问题分类已停用"), field="item")
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(_("问题描述不能超过 %(n)d 字") % {"n": MAX_DESCRIPTION}, field="description")
    prepared = _prepare_all(photos, also=after_photos)
    prepared_after = _prepare_all(after_photos)
    if self_handled and not prepared_after:
        raise InvalidInput(_("自处置案件须上传处置后照片"), field="after_photos")
    if self_handled and not (by is not None and user_roles(by) & {Role.GRID_WORKER, Role.INSPECTOR}):
        raise NotAllowed(_("只有网格员或监督员可以自处置"))

    if longitude is None or latitude is None:
        hint = next((p for p in prepared if p.exif_longitude is not None), None)
        if hint is None:
            raise InvalidInput(_("请在地图上选择位置，或上传带定位的照片"), field="location")
        longitude, latitude, crs = hint.exif_longitude, hint.exif_latitude, "wgs84"
    try:
        longitude, latitude = to_wgs84(lon=float(longitude), lat=float(latitude), crs=crs)
    except (CoordinateError, TypeError, ValueError) as error:
        raise InvalidInput(str(error) if isinstance(error, CoordinateError) else _("坐标格式不正确"),
                           field="location") from error
    located = grid_locator().locate(longitude, latitude)
    if located is None:
        raise InvalidInput(_("该位置不在本街道的任何网格内"), field="location")

    now = at or clock.now()
    saved: list[CasePhoto] = []
    try:
        with transaction.atomic():
            case = Case(
                number=_next_case_number(year=timezone.localtime(now).year),
                state=CaseState.SELF_HANDLED if self_handled else CaseState.REPORTED,
                source=source, item=item, description=description, address=(address or "").strip()[:256],
                longitude=longitude, latitude=latitude, grid_id=located.grid_id,
                territory_path=located.territory_path,
                reporter=by, reporter_name=(reporter_name or "").strip()[:60],
                reporter_phone=(reporter_phone or "").strip()[:20],
                reporter_email=(reporter_email or "").strip()[:254], reported_at=now,
                is_self_handled=self_handled, client_key=client_key or None, tracking_code=new_tracking_code(),
                public_code=new_tracking_code(),
                fixed_by=by if self_handled else None, fixed_at=now if self_handled else None,
            )
            case.save()
            role = _reporting_role(by)
            event = _record(case=case, action="report", from_state="", actor=by, role=role, at=now,
                            opinion=description, data={"source": source, "self_handled": self_handled,
                                                        **({"channel": channel} if channel else {})})
            saved += _save_photos(case=case, event=event, prepared=prepared, stage=PhotoStage.BEFORE, by=by, at=now)
            saved += _save_photos(case=case, event=event, prepared=prepared_after, stage=PhotoStage.AFTER,
                                  by=by, at=now)
            if also is not None:
                also(case)
    except IntegrityError:
        _delete_files(saved)
        if client_key:  # two retries raced: the other one made the case
            existing = Case.objects.filter(client_key=client_key).first()
            if existing is not None:
                return _replayed(existing, by=by), False
        raise
    except BaseException:
        _delete_files(saved)
        raise
    return case, True


TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def new_tracking_code() -> str:
    """Ten characters of 32 (50 bits): guessing one of a million live codes takes ~10⁹ tries."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def _replayed(case: Case, *, by) -> Case:
    """A client key belongs to the reporter who first used it: nobody reads another's case by it."""
    if case.reporter_id != (by.pk if by is not None else None):
        raise InvalidInput(_("该幂等键已被使用，请换一个"), field="client_key")
    return case


def _reporting_role(by) -> str:
    if by is None:
        return ""
    roles = user_roles(by) & REPORTING_ROLES
    return next((role for role in Role.values if role in roles), "")


# ---------------------------------------------------------------- intake, verification, filing

def case_accept(*, case: Case, by, opinion: str = "", expected_version: int | None = None) -> Case:
    with _Transition(case=case, action_code="accept", by=by, expected_version=expected_version) as t:
        t.set(state=CaseState.ACCEPTED)
        t.record(opinion=opinion)
    return t.case


def case_send_to_verify(*, case: Case, by, inspector, opinion: str = "",
                        expected_version: int | None = None) -> Case:
    with _Transition(case=case, action_code="send_to_verify", by=by, expected_version=expected_version) as t:
        _require_field_worker(inspector=inspector, case=t.case)
        t.set(state=CaseState.VERIFYING, assignee=inspector)
        t.record(opinion=opinion, data={"inspector": inspector.pk, "inspector_name": inspector.display_name})
    return t.case


def case_verify(*, case: Case, by, confirmed: bool, opinion: str = "", photos=(),
                expected_version: int | None = None) -> Case:
    prepared = _prepare_all(photos)
    with _Transition(case=case, action_code="verify", by=by, expected_version=expected_version) as t:
        if confirmed:
            t.set(state=CaseState.ACCEPTED, assignee=None)
        else:
            # 核实不属实 ends the report (standards.md §2.1: "Reports that fail 立案条件 are 注销/作废"):
            # voided at once, the verification its reason, counted among 不予立案.
            _require_text(opinion, field="opinion", message=_("核实不属实时请说明情况"))
            t.set(state=CaseState.VOIDED, assignee=None, closed_at=t.now)
        event = t.record(opinion=opinion, data={"confirmed": confirmed})
        _save_photos(case=t.case, event=event, prepared=prepared, stage=PhotoStage.BEFORE, by=by, at=t.now)
    return t.case


def case_file(*, case: Case, by, rule: CaseRule | None = None, deadline_value: Decimal | int | str | None = None,
              deadline_unit: str | None = None, opinion: str = "", missed_by_patrol: bool = False,
              expected_version: int | None = None) -> Case:
    """立案: fix the case rule (立案条件), which decides the deadline once the case is dispatched.
    Where no rule exists for the category, the shift lead sets the deadline by hand.

    `missed_by_patrol`: the shift lead confirms a 漏报 (standards.md §3.2: "经确认的监督员应上报而未
    上报的问题") — a problem found by others that the grid's responsible field worker should have
    reported; the 立案 event names that worker (`missed_by`), whose 漏报率 counts it."""
    with _Transition(case=case, action_code="file", by=by, expected_version=expected_version) as t:
        grid_class = t.case.grid.grid_class
        if rule is not None and rule not in case_rules_for_item(item=t.case.item, grid_class=grid_class):
            raise InvalidInput(_("所选立案条件不属于该问题分类"), field="rule")
        missed_by = _missed_by(t.case) if missed_by_patrol else None
        data = _filing(t, rule=rule, deadline_value=deadline_value, deadline_unit=deadline_unit)
        if missed_by is not None:
            data.update(missed_by=missed_by.pk, missed_by_name=missed_by.display_name)
        t.set(state=CaseState.FILED)
        t.record(opinion=opinion, data=data)
    return t.case


def responsible_field_worker(*, case: Case):
    """The grid worker whose duty covers the case's place most closely (the 漏报's responsible
    worker); None where no grid worker covers it."""
    return _closest_field_worker(case=case, roles=[Role.GRID_WORKER])


def _closest_field_worker(*, case: Case, roles: list[str], exclude=None):
    """The holder of one of `roles` whose duty lies closest above the case's place (the grid first,
    then the community …), earlier roles first among equals; `exclude` a queryset of users left out."""
    from jiedao.territory.models import Duty

    codes = case.territory_path.strip("/").split("/")
    duties = Duty.objects.filter(role__in=roles, unit__code__in=codes).select_related("user", "unit")
    if exclude is not None:
        duties = duties.exclude(user_id__in=exclude)
    best = sorted(duties, key=lambda duty: (-len(duty.unit.path), roles.index(duty.role), duty.user_id))
    return best[0].user if best else None


def _missed_by(case: Case):
    if case.source in OWN_FIND_SOURCES:
        raise InvalidInput(_("网格员自己巡查发现的案件不是漏报"), field="missed_by_patrol")
    worker = responsible_field_worker(case=case)
    if worker is None:
        raise InvalidInput(_("该网格没有网格员，无法记为漏报"), field="missed_by_patrol")
    return worker


def _filing(t: "_Transition", *, rule: CaseRule | None, deadline_value, deadline_unit) -> dict:
    """立案's part of a transition: the case rule (or the hand-set limit) fixes the time budget.
    Returns the 立案 event's data."""
    rule = rule or case_rule_for(item=t.case.item, grid_class=t.case.grid.grid_class)
    if rule is not None:
        deadline_value, deadline_unit = rule.deadline_value, rule.deadline_unit
    elif not deadline_value or deadline_unit not in DeadlineUnit.values:
        raise InvalidInput(_("该分类没有立案规则，请填写处置时限"), field="deadline_value")
    try:  # a hand-set limit may be fractional, like the tables' (1.5 工作时)
        deadline_value = Decimal(str(deadline_value)).quantize(Decimal("0.01"))
        budget = budget_minutes(value=deadline_value, unit=deadline_unit, calendar=working_calendar())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("时限须大于零且不超过一年"), field="deadline_value") from None
    _require_sane_time_limit(budget, field="deadline_value")
    t.set(rule=rule, filed_at=t.now, deadline_unit=deadline_unit, time_budget_minutes=budget)
    return {"rule": rule.pk if rule else None, "deadline_value": deadline_value_text(deadline_value),
            "deadline_unit": deadline_unit}


def case_void(*, case: Case, by, reason: str, expected_version: int | None = None) -> Case:
    with _Transition(case=case, action_code="void", by=by, expected_version=expected_version) as t:
        reason = _require_text(reason, field="reason", message=_("作废须填写理由"))
        t.set(state=CaseState.VOIDED, closed_at=t.now, assignee=None)
        t.record(opinion=reason)
    return t.case


def case_reject(*, case: Case, by, kind: str, reason: str, expected_version: int | None = None) -> Case:
    """不予受理: the intake desk turns away a report that is plainly not a case (a duplicate, not ours,
    nonsense), with its reason. Not a silent delete: the case stays, voided, and a clerk's rejection
    waits for the shift lead's review (`case_review_rejection`); the shift lead's own is final."""
    with _Transition(case=case, action_code="reject", by=by, expected_version=expected_version) as t:
        if kind not in RejectionKind.values:
            raise InvalidInput(_("请选择不予受理的原因"), field="kind")
        reason = _require_text(reason, field="reason", message=_("不予受理须说明理由"))
        review = "final" if t.role == Role.SHIFT_LEAD else "pending"
        t.set(state=CaseState.VOIDED, closed_at=t.now, assignee=None)
        t.record(opinion=reason, data={"kind": kind, "kind_label": str(RejectionKind(kind).label),
                                       "review": review})
    return t.case


def rejection_awaiting_review(*, case: Case) -> bool:
    """A clerk's 不予受理 the shift lead has not yet reviewed."""
    if case.state != CaseState.VOIDED:
        return False
    last = (case.events.filter(action__in=["reject", "review_rejection"]).order_by("-at", "-id")
            .values_list("action", "data__review").first())
    return last is not None and last == ("reject", "pending")


def case_review_rejection(*, case: Case, by, uphold: bool, opinion: str = "",
                          expected_version: int | None = None) -> Case:
    """The shift lead's review of a clerk's 不予受理: upheld it stays voided; otherwise the report is
    taken back to 待受理, with the reason."""
    with _Transition(case=case, action_code="review_rejection", by=by, expected_version=expected_version) as t:
        if not rejection_awaiting_review(case=t.case):
            raise WrongState(_("该案件没有待复核的不予受理"))
        if not uphold:
            opinion = _require_text(opinion, field="opinion", message=_("恢复受理须说明理由"))
            t.set(state=CaseState.REPORTED, closed_at=None)
        t.record(opinion=opinion, data={"upheld": uphold})
    return t.case


# ---------------------------------------------------------------- the leaders: 督办 and 领导交办

def case_supervise(*, case: Case, by, note: str, due_at: datetime | None,
                   expected_version: int | None = None) -> CaseEvent:
    """督办 by hand (standards.md §2.2, 领导 / 指挥长): a leader or area leader puts a case in their
    scope under supervision, with a note and a time of its own by which it must move. Recorded as the
    escalation ladder's 督办 is (an `escalate` event of the step `supervise`, marked `manual`), so the
    two are one kind of event and are counted together (the register's 督办未落实, the 督办数)."""
    with _Transition(case=case, action_code="supervise", by=by, expected_version=expected_version) as t:
        note = _require_text(note, field="note", message=_("督办须写明督办意见"))
        if due_at is None:
            raise InvalidInput(_("请填写督办期限"), field="due_at")
        if due_at <= t.now:
            raise InvalidInput(_("督办期限须晚于现在"), field="due_at")
        if due_at - t.now > timedelta(minutes=LONGEST_TIME_LIMIT_MINUTES):
            raise InvalidInput(_("时限须大于零且不超过一年"), field="due_at")
        event = t.record(action="escalate", opinion=note, data={
            "step": SUPERVISE_STEP, "manual": True, "due_at": due_at.isoformat()})
    return event


def case_hand_down(*, case: Case, by, department: Organisation, territorial_owner: Unit | None = None,
                   opinion: str, expected_version: int | None = None) -> Case:
    """领导交办 (standards.md §2.2): a leader hands a case straight to a department. A case not yet
    filed is filed under its case rule, then dispatched, in one step; the events are the ones 立案 and
    派遣 always write (so every count of filings and dispatches includes it), marked `handed_down`."""
    with _Transition(case=case, action_code="hand_down", by=by, expected_version=expected_version) as t:
        opinion = _require_text(opinion, field="opinion", message=_("领导交办须写明交办意见"))
        filing = None
        if t.case.filed_at is None:
            if case_rule_for(item=t.case.item, grid_class=t.case.grid.grid_class) is None:
                raise InvalidInput(_("该分类没有立案规则：请先由值班长立案并确定处置时限"), field="department")
            filing = _filing(t, rule=None, deadline_value=None, deadline_unit=None)
        dispatching = _dispatching(t, department=department, territorial_owner=territorial_owner)
        t.set(state=CaseState.HANDLING)
        if filing is not None:
            t._write()
            CaseEvent.objects.create(
                case=t.case, action="file", from_state=t.from_state, to_state=CaseState.FILED, actor=by,
                actor_name=by.display_name, actor_role=t.role, at=t.now, opinion=opinion,
                data={**filing, "handed_down": True})
            t.from_state = CaseState.FILED
        t.record(action="dispatch", opinion=opinion, data={**dispatching, "handed_down": True})
    return t.case


# ---------------------------------------------------------------- dispatch and handling

def case_dispatch(*, case: Case, by, department: Organisation, territorial_owner: Unit | None = None,
                  opinion: str = "", expected_version: int | None = None) -> Case:
    """派遣: to one functional department and one territorial owner; the handling clock starts."""
    with _Transition(case=case, action_code="dispatch", by=by, expected_version=expected_version) as t:
        data = _dispatching(t, department=department, territorial_owner=territorial_owner)
        t.set(state=CaseState.HANDLING)
        t.record(opinion=opinion, data=data)
    return t.case


def _dispatching(t: "_Transition", *, department: Organisation, territorial_owner: Unit | None) -> dict:
    """派遣's part of a transition: one department and one territorial owner; the handling clock
    starts. Returns the 派遣 event's data."""
    if not department.is_active:
        raise InvalidInput(_("该职能部门已停用"), field="department")
    owner = territorial_owner or territorial_owner_for(grid=t.case.grid)
    if owner is not None and not t.case.territory_path.startswith(owner.path):
        raise InvalidInput(_("属地责任单位必须包含案件所在网格"), field="territorial_owner")
    deadline = deadline_after(start=t.now, budget_minutes=t.case.time_budget_minutes,
                              unit=t.case.deadline_unit, calendar=working_calendar())
    t.set(department=department, territorial_owner=owner, dispatched_at=t.now, deadline_at=deadline)
    return {"department": department.pk, "department_name": department.name,
            "territorial_owner": owner.pk if owner else None,
            "territorial_owner_name": owner.name if owner else "", "deadline_at": deadline.isoformat()}


def territorial_owner_for(*, grid: Unit) -> Unit | None:
    """属地: the community holding the grid, else the nearest ancestor above it."""
    codes = grid.ancestor_codes()[:-1]
    ancestors = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    for code in reversed(codes):
        unit = ancestors.get(code)
        if unit is not None and unit.level in {UnitLevel.COMMUNITY, UnitLevel.AREA, UnitLevel.SUBDISTRICT}:
            return unit
    return None


def case_request(*, case: Case, by, kind: str, reason: str, extra_minutes: int | None = None,
                 expected_version: int | None = None) -> CaseRequest:
    """A handler applies for 回退 / 延期 / 挂账 / 作废; the approver decides."""
    if kind not in RequestKind.values:
        raise InvalidInput(_("未知的申请类型"), field="kind")
    with _Transition(case=case, action_code=f"request_{kind}", by=by, expected_version=expected_version) as t:
        reason = _require_text(reason, field="reason", message=_("申请须填写理由"))
        if kind == RequestKind.EXTENSION:
            if not extra_minutes:
                raise InvalidInput(_("请填写申请延长的时间"), field="extra_minutes")
            _require_sane_time_limit(extra_minutes, field="extra_minutes")
        if t.case.requests.filter(state=RequestState.PENDING).exists():
            raise WrongState(_("该案件已有待审批的申请"))
        request = CaseRequest.objects.create(case=t.case, kind=kind, reason=reason,
                                             extra_minutes=extra_minutes if kind == RequestKind.EXTENSION else None,
                                             requested_by=by, requested_at=t.now)
        t.record(opinion=reason, data={"request": request.pk, "kind": kind, "extra_minutes": extra_minutes})
    return request


def case_decide_request(*, case: Case, by, approve: bool, note: str = "", kind: str | None = None,
                        expected_version: int | None = None) -> Case:
    """Approve or reject the pending application; `kind`, when given, must be the pending one's."""
    pending = CaseRequest.objects.filter(case=case, state=RequestState.PENDING).first()
    if kind is not None and (pending is None or pending.kind != kind):
        raise WrongState(_("该案件没有待审批的“%(kind)s”申请") % {"kind": RequestKind(kind).label})
    if pending is None:
        raise WrongState(_("该案件没有待审批的申请"))
    with _Transition(case=case, action_code=f"decide_{pending.kind}", by=by, expected_version=expected_version) as t:
        if not approve:
            _require_text(note, field="note", message=_("驳回须填写理由"))
        claimed = CaseRequest.objects.filter(pk=pending.pk, state=RequestState.PENDING).update(
            state=RequestState.APPROVED if approve else RequestState.REJECTED, decided_by=by,
            decided_at=t.now, decision_note=note)
        if claimed != 1:
            raise StaleCase()
        data = {"request": pending.pk, "kind": pending.kind, "approved": approve}
        if approve:
            data |= _apply_request(t, pending)
        t.record(opinion=note, data=data)
    return t.case


def _apply_request(t: _Transition, request: CaseRequest) -> dict:
    case, calendar = t.case, working_calendar()
    if request.kind == RequestKind.RETURN:
        # 回退: back to the dispatcher to send to the right unit; the clock restarts at re-dispatch.
        t.set(state=CaseState.FILED, department=None, dispatched_at=None, deadline_at=None,
              return_count=case.return_count + 1)
        return {}
    if request.kind == RequestKind.EXTENSION:
        deadline = deadline_after(start=case.deadline_at, budget_minutes=request.extra_minutes,
                                  unit=case.deadline_unit, calendar=calendar)
        t.set(deadline_at=deadline, time_budget_minutes=case.time_budget_minutes + request.extra_minutes,
              extension_count=case.extension_count + 1)
        return {"deadline_at": deadline.isoformat()}
    if request.kind == RequestKind.SUSPENSION:
        t.set(state=CaseState.SUSPENDED, suspended_at=t.now)
        return {}
    t.set(state=CaseState.VOIDED, closed_at=t.now, suspended_at=None)
    return {}


def case_resume(*, case: Case, by, opinion: str = "", expected_version: int | None = None) -> Case:
    """挂账恢复: the suspended time is added to the deadline (standards.md §4.3)."""
    with _Transition(case=case, action_code="resume", by=by, expected_version=expected_version) as t:
        deadline = deadline_after_suspension(deadline=t.case.deadline_at, suspended_at=t.case.suspended_at,
                                             resumed_at=t.now, unit=t.case.deadline_unit,
                                             calendar=working_calendar())
        t.set(state=CaseState.HANDLING, suspended_at=None, deadline_at=deadline)
        t.record(opinion=opinion, data={"deadline_at": deadline.isoformat()})
    return t.case


def case_report_fix(*, case: Case, by, opinion: str, photos, expected_version: int | None = None) -> Case:
    """处置反馈: the handler reports the fix with after-photos; an inspector of the grid checks it."""
    prepared = _prepare_all(photos)
    if not prepared:
        raise InvalidInput(_("请上传处置后照片"), field="photos")
    with _Transition(case=case, action_code="report_fix", by=by, expected_version=expected_version) as t:
        opinion = _require_text(opinion, field="opinion", message=_("请填写处置情况"))
        inspector = default_inspector(case=t.case, exclude=by)
        t.set(state=CaseState.FIXED, fixed_by=by, fixed_at=t.now, assignee=inspector)
        event = t.record(opinion=opinion, data={"inspector": inspector.pk if inspector else None})
        _save_photos(case=t.case, event=event, prepared=prepared, stage=PhotoStage.AFTER, by=by, at=t.now)
    return t.case


def default_inspector(*, case: Case, exclude=None):
    """The field worker of the case's grid (or the nearest unit above it) who checks it — never the
    fixer nor anyone of the fixing department, whom the check would refuse (`_may_check`)."""
    from jiedao.territory.models import Duty

    left_out = Duty.objects.filter(role__in=ORGANISATION_ROLES, organisation_id=case.department_id)
    if exclude is not None:
        left_out = left_out | Duty.objects.filter(user=exclude)
    return _closest_field_worker(case=case, roles=[Role.INSPECTOR, Role.GRID_WORKER],
                                 exclude=left_out.values("user_id"))


def _require_field_worker(*, inspector, case: Case) -> None:
    if inspector is None:
        raise InvalidInput(_("请选择核实/核查人员"), field="inspector")
    if not is_field_worker_covering(user=inspector, path=case.territory_path):
        raise InvalidInput(_("所选人员不是该网格的网格员或监督员"), field="inspector")


def case_assign_inspector(*, case: Case, by, inspector, expected_version: int | None = None) -> Case:
    with _Transition(case=case, action_code="assign_inspector", by=by, expected_version=expected_version) as t:
        _require_field_worker(inspector=inspector, case=t.case)
        t.set(assignee=inspector)
        t.record(data={"inspector": inspector.pk, "inspector_name": inspector.display_name})
    return t.case


def case_check(*, case: Case, by, passed: bool, opinion: str = "", photos=(),
               expected_version: int | None = None) -> Case:
    """核查: an inspector who did not fix it checks on site; a failed check sends it back (返工)."""
    prepared = _prepare_all(photos)
    with _Transition(case=case, action_code="check", by=by, expected_version=expected_version) as t:
        if not _may_check(user=by, case=t.case):
            raise NotAllowed(_("处置人员不能核查自己处置的案件"))
        if passed:
            t.set(state=CaseState.CHECKED, assignee=None)
            event = t.record(opinion=opinion, data={"passed": True})
        else:
            opinion = _require_text(opinion, field="opinion", message=_("核查不通过须说明原因"))
            t.set(state=CaseState.HANDLING, assignee=None, fixed_at=None, rework_count=t.case.rework_count + 1)
            event = t.record(opinion=opinion, data={"passed": False}, action="rework")
        _save_photos(case=t.case, event=event, prepared=prepared, stage=PhotoStage.CHECK, by=by, at=t.now)
    return t.case


def closure_type_for(*, case: Case) -> str:
    if case.is_self_handled:
        return ClosureType.SELF_HANDLED
    if case.deadline_at and case.fixed_at and case.fixed_at > case.deadline_at:
        return ClosureType.OVERDUE
    return ClosureType.NORMAL


def case_close(*, case: Case, by, closure_type: str | None = None, opinion: str = "", public_note: str = "",
               expected_version: int | None = None, also=None) -> Case:
    """结案. `public_note`, when given, is the closing note residents read on the portal (the opinion
    stays internal). `also`, a function of the locked case, writes the caller's own record of the
    closing in the same transaction and returns what the close event adds to its data (the project
    library's 纳入项目库: `projects.services.project_case_close_into`)."""
    public_note = (public_note or "").strip()
    if len(public_note) > MAX_DESCRIPTION:
        raise InvalidInput(_("办结说明不能超过 %(n)d 字") % {"n": MAX_DESCRIPTION}, field="public_note")
    with _Transition(case=case, action_code="close", by=by, expected_version=expected_version) as t:
        computed = closure_type_for(case=t.case)
        closure_type = closure_type or computed
        if closure_type not in ClosureType.values:
            raise InvalidInput(_("未知的结案类型"), field="closure_type")
        if closure_type != computed:
            _require_text(opinion, field="opinion", message=_("更改结案类型须说明理由"))
        t.set(state=CaseState.CLOSED, closed_at=t.now, closure_type=closure_type)
        data = {"closure_type": closure_type}
        if public_note:
            data["public_note"] = public_note
        if also is not None:
            data |= also(t.case)
        t.record(opinion=opinion, data=data)
    return t.case


def case_review_self_handled(*, case: Case, by, approve: bool, opinion: str = "",
                             expected_version: int | None = None) -> Case:
    with _Transition(case=case, action_code="review_self_handled", by=by, expected_version=expected_version) as t:
        if approve:
            t.set(state=CaseState.CLOSED, closed_at=t.now, closure_type=ClosureType.SELF_HANDLED)
        else:
            _require_text(opinion, field="opinion", message=_("不同意自处置须说明理由"))
            t.set(state=CaseState.ACCEPTED, is_self_handled=False, fixed_by=None, fixed_at=None)
        t.record(opinion=opinion, data={"approved": approve})
    return t.case


def remaining_handling_minutes(*, case: Case, now: datetime) -> int | None:
    if case.deadline_at is None:
        return None
    return remaining_minutes(now=now, deadline=case.deadline_at, unit=case.deadline_unit,
                             calendar=working_calendar())


# ---------------------------------------------------------------- the public: updates, "not fixed", ratings

MAX_PUBLIC_NAME = 60
MAX_PUBLIC_CONTACT = 120
MAX_RATING_COMMENT = 1000
# A merged duplicate may itself have been merged on: follow at most this many steps.
MAX_MERGE_HOPS = 10


def _merge_chain(case: Case) -> list[int]:
    """The ids of the case and of the cases it was merged into, in order."""
    chain: list[int] = []
    merged_into = case.pk  # read from the database: the caller's copy may predate the merge
    while merged_into is not None and merged_into not in chain and len(chain) <= MAX_MERGE_HOPS:
        chain.append(merged_into)
        merged_into = Case.objects.filter(pk=merged_into).values_list("merged_into_id", flat=True).first()
    return chain


def _locked_live_case(case: Case) -> Case:
    """Lock the case a public update lands on: the case itself, or — for a duplicate merged into
    another — the case it was merged into (the resident keeps following the problem, not the row)."""
    live = Case.objects.select_for_update().select_related("item").get(pk=case.pk)
    hops = 0
    while live.state == CaseState.VOIDED and live.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        live = Case.objects.select_for_update().select_related("item").get(pk=live.merged_into_id)
        hops += 1
    return live


def _replayed_update(event: CaseEvent, *, case: Case) -> CaseEvent:
    if event.case_id not in _merge_chain(case):
        raise InvalidInput(_("该幂等键已被使用，请换一个"), field="client_key")
    return event


def may_send_back_for_check(*, case: Case, now: datetime) -> bool:
    """“This is not fixed” reopens a fix the office believes done: awaiting check, checked, or
    closed within the window the administrator set (CasePolicy.reopen_window_days)."""
    if case.state in {CaseState.FIXED, CaseState.CHECKED}:
        return True
    if case.state != CaseState.CLOSED or case.closed_at is None:
        return False
    return now - case.closed_at <= timedelta(days=CasePolicy.current().reopen_window_days)


def case_resident_update(*, case: Case, text: str, photos=(), not_fixed: bool = False, name: str = "",
                         contact: str = "", email: str = "", at: datetime | None = None,
                         client_key: str | None = None) -> CaseEvent:
    """An update from the public — the reporter on the portal, or an Open311 client — appended to
    the case as an event, without a state change. With `not_fixed`, on a fix awaiting check, checked
    or closed within the window, the case goes back to check (待核查) with the grid's inspector
    assigned and the photo as evidence; on any other state it is recorded as a complaint, never lost.
    A merged duplicate's update lands on the case it was merged into. A replay of `client_key`
    returns the event the first call wrote (namespace keys from outside, e.g. "o311:<client>:<key>")."""
    if client_key:
        existing = CaseEvent.objects.filter(client_key=client_key).first()
        if existing is not None:
            return _replayed_update(existing, case=case)
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(_("说明不能超过 %(n)d 字") % {"n": MAX_DESCRIPTION}, field="text")
    name = (name or "").strip()
    contact = (contact or "").strip()
    if len(name) > MAX_PUBLIC_NAME:
        raise InvalidInput(_("姓名不能超过 %(n)d 字") % {"n": MAX_PUBLIC_NAME}, field="name")
    if len(contact) > MAX_PUBLIC_CONTACT:
        raise InvalidInput(_("联系方式不能超过 %(n)d 字") % {"n": MAX_PUBLIC_CONTACT}, field="contact")
    prepared = _prepare_all(photos)
    if not text and not prepared:
        raise InvalidInput(_("请填写情况说明或上传照片"), field="text")

    now = at or clock.now()
    saved: list[CasePhoto] = []
    try:
        with transaction.atomic():
            live = _locked_live_case(case)
            from_state = live.state
            data: dict = {"public": True}
            # The resident's name and contact never go in `data` or `actor_name` (shown to every
            # viewer): encrypted in `personal`, shown by the rule in contact.py.
            personal_fields = {"name": name, "contact": contact} | ({"email": email.strip()} if email.strip() else {})
            personal = json.dumps(personal_fields, ensure_ascii=False) if name or contact or email.strip() else ""
            if case.pk != live.pk:
                data["via_merged"] = case.number
            if not_fixed and may_send_back_for_check(case=live, now=now):
                action = "public_not_fixed"
                inspector = live.assignee if live.state == CaseState.FIXED and live.assignee_id else \
                    default_inspector(case=live, exclude=live.fixed_by)
                fields = {"state": CaseState.FIXED, "closed_at": None, "closure_type": "", "assignee": inspector,
                          "version": live.version + 1, "updated_at": now}
                if Case.objects.filter(pk=live.pk, version=live.version).update(**fields) != 1:
                    raise StaleCase()
                for field, value in fields.items():
                    setattr(live, field, value)
                data |= {"not_fixed": True, "inspector": inspector.pk if inspector else None,
                         "inspector_name": inspector.display_name if inspector else ""}
                superseded = _rating_superseded(case=live)
                if superseded:
                    data["superseded_rating"] = superseded
            elif not_fixed:
                action = "public_complaint"
                data |= {"not_fixed": True, "too_late": from_state == CaseState.CLOSED}
            else:
                action = "public_update"
            event = CaseEvent.objects.create(
                case=live, action=action, from_state=from_state, to_state=live.state, actor=None,
                actor_name=str(_("群众")), actor_role="", at=now, opinion=text, data=data, personal=personal,
                client_key=client_key or None,
            )
            saved += _save_photos(case=live, event=event, prepared=prepared, stage=PhotoStage.PUBLIC, by=None,
                                  at=now)
    except IntegrityError:
        _delete_files(saved)
        if client_key:  # two retries raced: the other one wrote the event
            existing = CaseEvent.objects.filter(client_key=client_key).first()
            if existing is not None:
                return _replayed_update(existing, case=case)
        raise
    except BaseException:
        _delete_files(saved)
        raise
    return event


def _rating_superseded(*, case: Case) -> dict:
    """A closed case sent back by "not fixed": its rating judged a closure that no longer stands.
    The row (which the satisfaction figures read as the rating of the current closure) goes, so the
    next closure can be rated; what it said stays in the `rate` event and, returned here, in the
    reopening event's data."""
    rating = CaseRating.objects.filter(case=case).first()
    if rating is None:
        return {}
    kept = {"score": rating.score, "source": rating.source, "at": rating.at.isoformat()}
    rating.delete()
    return kept


def case_rate(*, case: Case, score, comment: str = "", source: str = RatingSource.PORTAL,
              tracking_code: str | None = None, by=None, at: datetime | None = None) -> CaseRating:
    """回访满意度: once per closure, only when it is closed (a closure a resident's "not fixed" sent
    back no longer has a rating: the next one may be rated); on the portal by whoever holds the
    case's tracking code, by phone recorded by the command centre."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput(_("请选择 1 至 5 分的评价"), field="score")
    comment = (comment or "").strip()
    if len(comment) > MAX_RATING_COMMENT:
        raise InvalidInput(_("评价内容不能超过 %(n)d 字") % {"n": MAX_RATING_COMMENT}, field="comment")
    if source == RatingSource.PORTAL:
        if not (tracking_code and case.tracking_code
                and hmac.compare_digest(str(tracking_code).upper(), case.tracking_code)):
            raise NotAllowed(_("查询码不正确，无法评价"))
        role, by = "", None
    elif source == RatingSource.PHONE:
        roles = roles_on_case(user=by, case=case) & PHONE_RATING_ROLES if by is not None else set()
        if not roles:
            raise NotAllowed(_("您无权登记该案件的回访评价"))
        role = next(r for r in Role.values if r in roles)
    else:
        raise InvalidInput(_("未知的评价方式"), field="source")
    now = at or clock.now()
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.state != CaseState.CLOSED:
                raise WrongState(_("案件办结后才能评价"))
            existing = CaseRating.objects.filter(case=locked).first()
            if existing is not None and locked.closed_at is not None and existing.at < locked.closed_at:
                _rating_superseded(case=locked)  # it rated an earlier closure: the rate event keeps it
            elif existing is not None:
                raise WrongState(_("该案件已经评价过了"))
            rating = CaseRating.objects.create(case=locked, score=score, comment=comment, source=source, at=now,
                                               recorded_by=by)
            _record(case=locked, action="rate", from_state=locked.state, actor=by, role=role, at=now,
                    opinion=comment, data={"score": score, "source": source})
    except IntegrityError:  # two ratings raced: the other one counts
        raise WrongState(_("该案件已经评价过了")) from None
    return rating


# ---------------------------------------------------------------- duplicates and public photos

def case_merge(*, case: Case, into: Case | None, by, reason: str, expected_version: int | None = None) -> Case:
    """合并重复: the duplicate is voided with a pointer to the open case it repeats; both timelines
    record it. The portal moves the duplicate's followers when it reads the event."""
    if into is None:
        raise InvalidInput(_("请填写要并入的案件编号"), field="into")
    with transaction.atomic():
        # Both rows, always in the same order, so two opposite merges cannot deadlock.
        list(Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk")
             .values_list("pk", flat=True))
        with _Transition(case=case, action_code="merge", by=by, expected_version=expected_version) as t:
            reason = _require_text(reason, field="reason", message=_("合并须填写理由"))
            target = Case.objects.get(pk=into.pk)
            if target.pk == t.case.pk:
                raise InvalidInput(_("不能把案件并入它自己"), field="into")
            if acting_role(user=by, case=target, action=t.action) is None:
                # Outside the person's scope: as for a number that does not exist.
                raise InvalidInput(_("未找到可并入的案件“%(number)s”") % {"number": target.number}, field="into")
            if target.state not in OPEN_STATES:
                raise InvalidInput(_("只能并入尚未办结的案件"), field="into")
            t.set(state=CaseState.VOIDED, closed_at=t.now, assignee=None, merged_into=target)
            t.record(opinion=reason, data={"merged_into": target.number})
            _record(case=target, action="merged_in", from_state=target.state, actor=by, role=t.role, at=t.now,
                    opinion=reason, data={"merged_from": t.case.number})
    return t.case


def photo_publishing_role(*, user, case: Case) -> str | None:
    """The role in which this person decides whether the case's photos are shown to the public."""
    if user is None or not user.is_authenticated:
        return None
    roles = roles_on_case(user=user, case=case) & PHOTO_PUBLISHING_ROLES
    return next((role for role in Role.values if role in roles), None)


def case_photo_publish(*, photo: CasePhoto, by, public: bool) -> CasePhoto:
    """Staff opt a photo in for (or out of) public display; the choice is an event of the case."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=photo.case_id)
        role = photo_publishing_role(user=by, case=case)
        if role is None:
            raise NotAllowed(_("您无权决定该案件的照片是否公开"))
        photo = CasePhoto.objects.get(pk=photo.pk, case=case)
        if photo.is_public == bool(public):
            return photo
        CasePhoto.objects.filter(pk=photo.pk).update(is_public=bool(public))
        photo.is_public = bool(public)
        _record(case=case, action="photo_publish" if public else "photo_unpublish", from_state=case.state,
                actor=by, role=role, at=clock.now(), data={"photo": photo.pk, "stage": photo.stage})
    return photo
