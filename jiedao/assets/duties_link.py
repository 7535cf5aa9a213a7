"""What the duties register (jiedao/duties) says about an asset or a cleaning zone: the plans whose
subjects include it (`duties.targets.subject_in_target_set`), the period of each plan's frequency
holding today (`duties.frequency`), how many valid works on this subject count in it, and so when
the next one is due. Maintenance and inspection done on an asset are recorded there as `DutyWork`
(`duty_work_record`), so the rates (部件巡检率) count them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jiedao import clock
from jiedao.duties.models import DutyKind, DutyPlan, DutyWork
from jiedao.duties.services import duty_work_record
from jiedao.duties.targets import subject_in_target_set
from jiedao.worktime.selectors import working_calendar

# The kinds of duty each register's page shows.
ASSET_KINDS = (DutyKind.MAINTAIN, DutyKind.INSPECT)
ZONE_KINDS = (DutyKind.CLEAN, DutyKind.PATROL)
# How far ahead to look for the next period that requires something (a seasonal plan in winter).
LOOKAHEAD_PERIODS = 16


@dataclass(frozen=True)
class Due:
    plan: DutyPlan
    required: int  # in the current period (0: nothing required now, e.g. out of season)
    valid: int
    due_on: date  # the last day of the period in which the next work is owed
    is_done: bool  # the current period's requirement is met; `due_on` is then in a later period

    @property
    def remaining(self) -> int:
        return max(self.required - self.valid, 0)


def _dues(subject, kinds, *, today: date | None = None) -> list[Due]:
    today = today or timezone.localtime(clock.now()).date()
    plans = [plan for plan in DutyPlan.objects.filter(subject_kind__in=_keys_of(subject), kind__in=kinds,
                                                      is_active=True).order_by("kind", "name", "pk")
             if (plan.ends_on is None or plan.ends_on >= today) and subject_in_target_set(plan, subject.pk)]
    if not plans:
        return []
    calendar = working_calendar()
    subject_type = ContentType.objects.get_for_model(subject)
    dues = []
    for plan in plans:
        schedule = plan.schedule
        period = _period(plan, today)
        required = schedule.required_by_period(period, calendar)
        valid = DutyWork.objects.filter(plan=plan, subject_type=subject_type, subject_id=subject.pk, is_valid=True,
                                        on_date__gte=period.start, on_date__lt=period.end).count()
        is_done = valid >= required
        due_period = period
        if is_done or not required:
            for _step in range(LOOKAHEAD_PERIODS):
                due_period = _period(plan, due_period.end)
                if schedule.is_required(due_period, calendar):
                    break
        dues.append(Due(plan=plan, required=required, valid=valid, due_on=due_period.last_day, is_done=is_done))
    return dues


def _period(plan: DutyPlan, day: date):
    from jiedao.duties import frequency

    return frequency.period_of(plan.frequency_unit, day)


def _keys_of(subject) -> list[str]:
    from jiedao.duties.registry import subject_kind_of

    kind = subject_kind_of(subject)
    return [kind.key] if kind else []


def maintenance_due(*, asset) -> list[Due]:
    return _dues(asset, ASSET_KINDS)


def cleaning_due(*, zone) -> list[Due]:
    return _dues(zone, ZONE_KINDS)


def maintenance_work_record(*, record, photos: int) -> None:
    """The maintenance record as a done duty on the asset (kind maintain or inspect), over the day
    it was done; the duties app finds the plan and judges it (photos against the plan's minimum)."""
    local = timezone.get_current_timezone()
    started = timezone.make_aware(datetime.combine(record.done_on, time(9, 0)), local)
    if record.done_on == timezone.localtime(record.recorded_at).date():
        started = min(started, record.recorded_at)
    duty_work_record(kind=record.kind, subject=record.asset, started_at=started,
                     ended_at=max(started, started + timedelta(minutes=0)), person=record.done_by,
                     organisation=record.organisation, photos=photos, source=record)
