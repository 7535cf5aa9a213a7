"""The escalation sweep and the sending of deliveries. The worker (tasks.py), commands and tests
call these; nothing else writes escalations, notifications or deliveries."""

import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.cases.models import Case, CaseEvent, CaseState
from jiedao.jobs.leases import lease_duration
from jiedao.links import absolute_url
from jiedao.territory.models import Duty, Role
from jiedao.worktime.calendar import WorkingCalendar
from jiedao.worktime.deadlines import is_working_time_unit
from jiedao.worktime.selectors import working_calendar

from . import transport
from .models import (
    DEFAULT_LADDER,
    CaseEscalation,
    Channel,
    Delivery,
    DeliveryState,
    EscalationStep,
    Notification,
    NotificationChannel,
    NotifyTarget,
)

# A delivery is tried at most this many times (the first try included), then marked failed;
# between tries the wait doubles from RETRY_BASE up to RETRY_CAP: 1, 2, 4, 8 minutes.
MAX_DELIVERY_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
# A worker that claimed a delivery and died leaves it "sending"; after the lease anyone may take it
# again. Far longer than one try can last (transport.WEBHOOK_TIMEOUT_SECONDS, an SMTP exchange).
# Its duration is the jobs' lease of that name (jobs/leases.py, editable in the admin).
SENDING_LEASE_NAME = "supervision-delivery-send"


def sending_lease() -> timedelta:
    return lease_duration(SENDING_LEASE_NAME)

ESCALATION_KIND = "escalation"
_MICROSECOND = timedelta(microseconds=1)

# Which duty each target is, and whose channel settings govern its email (department or 属地).
_TARGET_ROLES = {
    NotifyTarget.HANDLER: Role.DEPARTMENT_HANDLER,
    NotifyTarget.DEPARTMENT_ADMIN: Role.DEPARTMENT_ADMIN,
    NotifyTarget.FIRST_RESPONSIBLE: Role.FIRST_RESPONSIBLE,
    NotifyTarget.AREA_LEADER: Role.AREA_LEADER,
    NotifyTarget.LEADER: Role.LEADER,
}
_DEPARTMENT_TARGETS = frozenset({NotifyTarget.HANDLER, NotifyTarget.DEPARTMENT_ADMIN})


# ---------------------------------------------------------------- the ladder's configuration

def escalation_steps_seed() -> int:
    """Create the default ladder's missing steps (standards.md §4.3); never changes an existing one,
    so an administrator's edits survive. Returns how many were created."""
    created = 0
    for values in DEFAULT_LADDER:
        _step, was_created = EscalationStep.objects.get_or_create(
            code=values["code"], defaults={key: value for key, value in values.items() if key != "code"})
        created += was_created
    return created


# ---------------------------------------------------------------- the sweep

@dataclass(frozen=True)
class SweepResult:
    cases_examined: int
    escalations_created: int
    notifications_created: int
    deliveries_created: int
    seconds: float
    deferred: int = 0  # steps reached but left for the next sweep (a backlog beyond the batch)


def budget_used(*, now: datetime, deadline: datetime, budget_minutes: int, unit: str,
                calendar: WorkingCalendar) -> Fraction:
    """The share of the time limit used at `now`, exactly, in the limit's own kind of time (working
    or clock); above 1 once overdue (egova's 超时倍数, standards.md §4.3)."""
    return Fraction(*_used_microseconds(now=now, deadline=deadline, budget_minutes=budget_minutes, unit=unit,
                                        calendar=calendar))


def _used_microseconds(*, now: datetime, deadline: datetime, budget_minutes: int, unit: str,
                       calendar: WorkingCalendar) -> tuple[int, int]:
    """(time used, time limit) in microseconds: `budget_used` as two integers, which the sweep
    compares with each step's threshold by cross-multiplying (exact, and no Fraction per case)."""
    left = calendar.working_duration_between(now, deadline) if is_working_time_unit(unit) else deadline - now
    budget = budget_minutes * 60_000_000
    return budget - left // _MICROSECOND, budget


def escalations_sweep(*, now: datetime, batch: int | None = None) -> SweepResult:
    """Record every step of the ladder that a case in handling has newly reached, with its event,
    notifications and deliveries. Suspended (挂账) cases are paused and skipped.

    Two queries read (the candidate cases, their steps already reached); everything in between is
    Python; only cases whose step changed are written. Safe to run twice or concurrently.

    At most `batch` steps (settings.JIEDAO_ESCALATION_BATCH) are recorded per sweep, whole cases at
    a time and the most overdue first; the rest are counted as deferred and recorded by the next
    sweeps, so a backlog never makes one run (or its transaction) long."""
    started = time.monotonic()
    steps = [(step, Fraction(str(step.threshold)))
             for step in EscalationStep.objects.filter(is_active=True).order_by("order", "threshold")]
    if not steps:
        return SweepResult(0, 0, 0, 0, time.monotonic() - started)
    lowest = min(threshold for _step, threshold in steps)
    calendar = working_calendar()
    candidates = (Case.objects.filter(state=CaseState.HANDLING, deadline_at__isnull=False,
                                      time_budget_minutes__gt=0)
                  .values_list("pk", "deadline_at", "time_budget_minutes", "deadline_unit"))
    reached: dict[int, set[int]] = defaultdict(set)
    for case_id, step_id in CaseEscalation.objects.filter(case__state=CaseState.HANDLING).values_list(
            "case_id", "step_id"):
        reached[case_id].add(step_id)

    examined, new = 0, []
    ladder = [(step, threshold.numerator, threshold.denominator) for step, threshold in steps]
    for case_id, deadline, budget, unit in candidates.iterator(chunk_size=5000):
        examined += 1
        used, limit = _used_microseconds(now=now, deadline=deadline, budget_minutes=budget, unit=unit,
                                         calendar=calendar)
        if used * lowest.denominator < lowest.numerator * limit:  # used / limit < lowest
            continue
        done = reached.get(case_id, ())
        for step, numerator, denominator in ladder:
            if used * denominator >= numerator * limit and step.pk not in done:
                new.append((case_id, step, Fraction(used, limit)))
    if not new:
        return SweepResult(examined, 0, 0, 0, time.monotonic() - started)
    new, deferred = _first_batch(new, batch=settings.JIEDAO_ESCALATION_BATCH if batch is None else batch)
    with translation.override(settings.LANGUAGE_CODE):
        created = _escalations_record(new=new, now=now)
    return SweepResult(examined, *created, seconds=time.monotonic() - started, deferred=deferred)


def _first_batch(new: list[tuple[int, EscalationStep, Fraction]], *, batch: int):
    """The steps of the most overdue cases, whole cases only, up to `batch` steps (at least one
    case); and how many steps are left over."""
    if len(new) <= batch:
        return new, 0
    by_case: dict[int, list] = defaultdict(list)
    for row in new:
        by_case[row[0]].append(row)
    taken: list = []
    for rows in sorted(by_case.values(), key=lambda rows: (-float(rows[0][2]), rows[0][0])):
        if taken and len(taken) + len(rows) > batch:
            break
        taken += rows
    return taken, len(new) - len(taken)


def _ratio_decimal(used: Fraction) -> Decimal:
    return (Decimal(used.numerator) / Decimal(used.denominator)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


@transaction.atomic
def _escalations_record(*, new: list[tuple[int, EscalationStep, Fraction]], now: datetime) -> tuple[int, int, int]:
    sweep_id = uuid.uuid4()
    steps = {step.pk: step for _case_id, step, _used in new}
    CaseEscalation.objects.bulk_create(
        [CaseEscalation(case_id=case_id, step=step, reached_at=now, ratio=_ratio_decimal(used), sweep_id=sweep_id)
         for case_id, step, used in new],
        ignore_conflicts=True, batch_size=1000)
    # Only the rows this sweep won: a concurrent sweep's rows are that sweep's business.
    won = list(CaseEscalation.objects.filter(sweep_id=sweep_id).order_by("case_id", "step__order", "step__threshold"))
    if not won:
        return 0, 0, 0
    cases = {case["pk"]: case for case in Case.objects.filter(pk__in={row.case_id for row in won}).values(
        "pk", "number", "state", "address", "item__name", "department_id", "department__name",
        "territory_path", "deadline_at")}
    people = _people_for(cases.values())
    configs = _channel_configs()

    wording = _Wording()
    events, notifications, pending_deliveries = [], [], []
    by_case: dict[int, list] = defaultdict(list)
    for escalation in won:
        by_case[escalation.case_id].append(escalation)
    for case_id, escalations in by_case.items():
        case = cases[case_id]
        escalations.sort(key=lambda row: (steps[row.step_id].order, steps[row.step_id].threshold))
        for escalation in escalations:  # the timeline keeps every step reached
            step = steps[escalation.step_id]
            title = wording.title(case=case, step=step, ratio=escalation.ratio)
            events.append(CaseEvent(
                case_id=case["pk"], action="escalate", from_state=case["state"], to_state=case["state"],
                actor=None, actor_role="system", at=now, opinion=title,
                data={"step": step.code, "ratio": float(escalation.ratio), "escalation": escalation.pk}))
        # Several steps reached in one sweep (a backlog, a long weekend) make one message: the
        # highest step's, to everyone any of the steps names, by every channel any of them uses.
        escalation = escalations[-1]
        step = steps[escalation.step_id]
        targets = list(dict.fromkeys(t for row in escalations for t in steps[row.step_id].targets))
        channels = {c for row in escalations for c in steps[row.step_id].channels}
        title = wording.title(case=case, step=step, ratio=escalation.ratio)
        body = wording.body(case=case)
        department_config = configs.organisations.get(case["department_id"])
        territorial_config = configs.nearest_unit(case["territory_path"])
        if Channel.IN_APP in channels or Channel.EMAIL in channels:
            for target, user_id, email in _recipients(case=case, targets=targets, people=people):
                # A step without the app still keeps the message (the email's record), already read.
                notification = Notification(recipient_id=user_id, case_id=case["pk"], escalation=escalation,
                                            kind=ESCALATION_KIND, title=title, body=body, created_at=now,
                                            read_at=None if Channel.IN_APP in channels else now)
                notifications.append(notification)
                config = department_config if target in _DEPARTMENT_TARGETS else territorial_config
                if Channel.EMAIL in channels and email and (config is None or config.email_enabled):
                    pending_deliveries.append(Delivery(
                        notification=notification, escalation=escalation, config=config, channel=Channel.EMAIL,
                        address=email, payload={"subject": title, "body": f"{body}\n{wording.link(case=case)}"},
                        next_attempt_at=now,
                        created_at=now))
        robots = {}
        for config in (department_config, territorial_config):
            if config is None:
                continue
            if Channel.WECOM in channels and config.wecom_webhook_url:
                robots.setdefault((Channel.WECOM, config.wecom_webhook_url), config)
            if Channel.DINGTALK in channels and config.dingtalk_webhook_url:
                robots.setdefault((Channel.DINGTALK, config.dingtalk_webhook_url), config)
        for (channel, url), config in robots.items():
            pending_deliveries.append(Delivery(
                escalation=escalation, config=config, channel=channel, address=url,
                payload=transport.text_payload(f"{title}\n{body}\n{wording.link(case=case)}"), next_attempt_at=now,
                created_at=now))

    CaseEvent.objects.bulk_create(events, batch_size=1000)
    Notification.objects.bulk_create(notifications, batch_size=1000)
    for delivery in pending_deliveries:
        delivery.notification_id = delivery.notification.pk if delivery.notification else None
    deliveries = Delivery.objects.bulk_create(pending_deliveries, batch_size=1000)
    _enqueue_deliveries_on_commit([delivery.pk for delivery in deliveries])
    return len(won), len(notifications), len(deliveries)


class _Wording:
    """The texts of a sweep's events and messages, translated once per sweep (a backlog makes
    thousands)."""

    def __init__(self) -> None:
        self.title_text = _("【%(step)s】案件 %(number)s 处置时限已用去 %(percent)s%%")
        self.body_text = _("%(item)s，%(address)s；处置单位：%(department)s；处置期限：%(deadline)s。")
        self.link_text = _("查看案件：%(url)s")
        self.step_labels: dict[str, str] = {}

    def title(self, *, case: dict, step: EscalationStep, ratio: Decimal) -> str:
        label = self.step_labels.get(step.code)
        if label is None:
            label = self.step_labels[step.code] = str(step.get_code_display())
        return self.title_text % {"step": label, "number": case["number"], "percent": int(ratio * 100)}

    def body(self, *, case: dict) -> str:
        deadline = f"{timezone.localtime(case['deadline_at']):%Y-%m-%d %H:%M}" if case["deadline_at"] else "—"
        return self.body_text % {"item": case["item__name"], "address": case["address"] or "—",
                                 "department": case["department__name"] or "—", "deadline": deadline}

    def link(self, *, case: dict) -> str:
        """The case's staff page, for a message read outside the site (email, WeCom, DingTalk)."""
        return self.link_text % {"url": absolute_url(reverse("web:case-detail", args=[case["number"]]))}


@dataclass
class _People:
    """Active holders of the target roles, by organisation and by unit code (one query per sweep)."""

    by_organisation: dict[tuple[int, str], list[tuple[int, str]]]
    by_unit: dict[tuple[str, str], list[tuple[int, str]]]


def _people_for(cases: Iterable[dict]) -> _People:
    cases = list(cases)
    organisations = {case["department_id"] for case in cases if case["department_id"]}
    codes = {code for case in cases for code in case["territory_path"].strip("/").split("/") if code}
    duties = (Duty.objects.filter(user__is_active=True, role__in=list(_TARGET_ROLES.values()))
              .filter(Q(organisation_id__in=organisations) | Q(unit__code__in=codes))
              .order_by("pk").values_list("role", "organisation_id", "unit__code", "user_id", "user__email"))
    by_organisation, by_unit = defaultdict(list), defaultdict(list)
    for role, organisation_id, unit_code, user_id, email in duties:
        if organisation_id:
            by_organisation[(organisation_id, role)].append((user_id, email))
        if unit_code:
            by_unit[(unit_code, role)].append((user_id, email))
    return _People(by_organisation=by_organisation, by_unit=by_unit)


def _recipients(*, case: dict, targets: Iterable[str], people: _People) -> list[tuple[str, int, str]]:
    """(target, user id, email) for each person the step notifies about this case, each person once."""
    codes = [code for code in case["territory_path"].strip("/").split("/") if code]
    seen, result = set(), []
    for target in targets:
        role = _TARGET_ROLES.get(target)
        if role is None:
            continue
        if target in _DEPARTMENT_TARGETS:
            found = people.by_organisation.get((case["department_id"], role), [])
        elif target == NotifyTarget.FIRST_RESPONSIBLE:
            # as territory.selectors.first_responsible_of: the holder on the nearest unit above the grid
            found = next(([holders[0]] for code in reversed(codes) if (holders := people.by_unit.get((code, role)))),
                         [])
        else:
            # as territory.selectors.people_covering: anyone holding the role on an ancestor
            found = [person for code in codes for person in people.by_unit.get((code, role), [])]
        for user_id, email in found:
            if user_id not in seen:
                seen.add(user_id)
                result.append((target, user_id, email))
    return result


@dataclass
class _Configs:
    organisations: dict[int, NotificationChannel]
    units: dict[str, NotificationChannel]

    def nearest_unit(self, territory_path: str) -> NotificationChannel | None:
        for code in reversed([code for code in territory_path.strip("/").split("/") if code]):
            if code in self.units:
                return self.units[code]
        return None


def _channel_configs() -> _Configs:
    rows = NotificationChannel.objects.select_related("unit")
    organisations, units = {}, {}
    for row in rows:
        if row.organisation_id:
            organisations[row.organisation_id] = row
        elif row.unit is not None:
            units[row.unit.code] = row
    return _Configs(organisations=organisations, units=units)


def _enqueue_deliveries_on_commit(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def enqueue():
        from .tasks import delivery_send_task  # the worker's module imports this one

        for delivery_id in delivery_ids:
            delivery_send_task(delivery_id)

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------- sending

def retry_delay(*, attempts: int) -> timedelta:
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery if this caller wins the claim; return its state afterwards ("sent",
    "pending" for a retry later, "failed" when out of attempts), or "skipped" when it was not
    due or another worker holds it."""
    now = clock.now()
    claimed = (Delivery.objects.filter(pk=delivery_id)
               .filter(Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
                       | Q(state=DeliveryState.SENDING, claimed_at__lt=now - sending_lease()))
               .update(state=DeliveryState.SENDING, claimed_at=now, attempts=F("attempts") + 1))
    if claimed != 1:
        return "skipped"
    delivery = Delivery.objects.select_related("config").get(pk=delivery_id)
    mine = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.SENDING, claimed_at=now)
    try:
        _transmit(delivery)
    except transport.DeliveryError as error:
        finished = clock.now()
        if delivery.attempts >= MAX_DELIVERY_ATTEMPTS:
            mine.update(state=DeliveryState.FAILED, last_error=error.message)
            return DeliveryState.FAILED
        mine.update(state=DeliveryState.PENDING, last_error=error.message,
                    next_attempt_at=finished + retry_delay(attempts=delivery.attempts))
        return DeliveryState.PENDING
    mine.update(state=DeliveryState.SENT, sent_at=clock.now(), last_error="")
    return DeliveryState.SENT


def _transmit(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        transport.email_send(address=delivery.address, subject=delivery.payload.get("subject", ""),
                             body=delivery.payload.get("body", ""))
    elif delivery.channel == Channel.WECOM:
        transport.robot_post(url=delivery.address, payload=delivery.payload)
    elif delivery.channel == Channel.DINGTALK:
        url, secret = delivery.address, delivery.config.dingtalk_secret if delivery.config else ""
        if secret:
            url = transport.dingtalk_signed_url(url=url, secret=secret, timestamp_ms=int(time.time() * 1000))
        transport.robot_post(url=url, payload=delivery.payload)
    else:
        raise transport.DeliveryError(f"unknown channel {delivery.channel!r}")


def deliveries_due(*, now: datetime, limit: int = 1000) -> list[int]:
    """Ids to (re)enqueue: pending deliveries whose time has come, and those a dead worker left
    "sending" past the lease (put back to pending first, so they are claimed the ordinary way)."""
    Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - sending_lease()).update(
        state=DeliveryState.PENDING, last_error=_("发送中断（工作进程退出），将重试"))
    return list(Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


# ---------------------------------------------------------------- the bell

def notification_mark_read(*, user, notification_id: int) -> bool:
    return Notification.objects.filter(pk=notification_id, recipient=user, read_at=None).update(
        read_at=clock.now()) == 1


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=clock.now())
