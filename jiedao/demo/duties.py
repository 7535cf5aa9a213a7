"""The demo's 长效保洁: the cleaning contractor's contract on the main streets, its daily cleaning
plan, and three months of cleaning rounds — most done, some missed, some too short to count — so
that the duties pages open with believable figures. Rounds are judged by the duties service's own
rule (`work_invalid_reasons`) and written in one bulk insert (seconds, not minutes); the day's
sweep then turns the missed ones into reminders, a 督办 and a finding."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from jiedao import clock
from jiedao.addresses.models import Road
from jiedao.duties.consequences import missed_duties_sweep
from jiedao.duties.models import (
    Contract,
    ContractFigure,
    ContractTarget,
    DutyKind,
    DutyPlan,
    DutyWork,
    FrequencyUnit,
)
from jiedao.duties.services import work_invalid_reasons
from jiedao.territory.models import Organisation

from .territory import DEMO_CONTRACTOR

MAIN_STREETS = ("青溪大街", "桃源路", "柳岸街", "清江路")
BACK_LANES = ("文昌巷", "桃花弄", "杨柳巷")
DAYS = 92
SEED = 20261206
CONTRACT_CODE = "QX-BJ-2026-01"


def _round(rng: random.Random, day, hour: int) -> tuple[datetime, int]:
    start = datetime.combine(day, time(hour, rng.randrange(0, 50)), tzinfo=timezone.get_current_timezone())
    return start, rng.choice((35, 45, 50, 60, 70, 80))


@transaction.atomic
def demo_duties_seed() -> str:
    contractor = Organisation.objects.filter(code=DEMO_CONTRACTOR[0]).first()
    if contractor is None:
        return "duties: no contractor, nothing to do"
    if Contract.objects.filter(code=CONTRACT_CODE).exists():
        return "duties: contract already there, nothing to do"
    today = timezone.localtime(clock.now()).date()
    first = today - timedelta(days=DAYS)
    streets = list(Road.objects.filter(name__in=MAIN_STREETS).order_by("pk"))
    lanes = list(Road.objects.filter(name__in=BACK_LANES).order_by("pk"))
    contract = Contract.objects.create(
        organisation=contractor, code=CONTRACT_CODE, name="青溪街道主街道及背街小巷保洁服务", subject_kind="road",
        starts_on=first.replace(day=1), ends_on=first.replace(day=1, year=first.year + 1) - timedelta(days=1),
        note="示例合同")
    ContractTarget.objects.bulk_create([ContractTarget(contract=contract, object_id=road.pk)
                                        for road in [*streets, *lanes]])
    ContractFigure.objects.bulk_create([
        ContractFigure(contract=contract, name="保洁员配比（平方米/人）", value=Decimal(500), unit="m²/人"),
        ContractFigure(contract=contract, name="问题响应时间", value=Decimal(2), unit="小时"),
        ContractFigure(contract=contract, name="主街道每日保洁次数", value=Decimal(2), unit="次"),
    ])
    streets_plan = DutyPlan.objects.create(
        name="主街道日常保洁（早晚各一次）", kind=DutyKind.CLEAN, assignee_organisation=contractor, subject_kind="road",
        frequency_unit=FrequencyUnit.DAY, times_per_period=2, min_duration_minutes=30, min_photos=1,
        starts_on=first, basis=f"合同 {CONTRACT_CODE}", is_sample=True)
    streets_plan.targets.bulk_create([streets_plan.targets.model(plan=streets_plan, object_id=road.pk)
                                      for road in streets])
    lanes_plan = DutyPlan.objects.create(
        name="背街小巷保洁（每周三次）", kind=DutyKind.CLEAN, assignee_organisation=contractor, subject_kind="road",
        frequency_unit=FrequencyUnit.WEEK, times_per_period=3, min_duration_minutes=20, min_photos=1,
        starts_on=first, basis=f"合同 {CONTRACT_CODE}", is_sample=True)
    lanes_plan.targets.bulk_create([lanes_plan.targets.model(plan=lanes_plan, object_id=road.pk) for road in lanes])

    staff = get_user_model().objects.filter(duties__organisation=contractor).order_by("pk").first()
    road_type = ContentType.objects.get_for_model(Road)
    rng = random.Random(SEED)
    works = []
    now = clock.now()

    def work(plan, road, start, minutes, photos):
        reasons = work_invalid_reasons(plan=plan, duration_seconds=minutes * 60, distance_m=0, coverage=None,
                                       photos=photos)
        works.append(DutyWork(plan=plan, kind=DutyKind.CLEAN, person=staff, organisation=contractor,
                              subject_type=road_type, subject_id=road.pk, started_at=start,
                              ended_at=start + timedelta(minutes=minutes), on_date=start.date(),
                              duration_seconds=minutes * 60, photo_count=photos, is_valid=not reasons,
                              invalid_reasons=reasons, created_at=now))

    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        for road in streets:
            for hour in (6, 17):
                chance = rng.random()
                if chance < 0.06:
                    continue  # missed
                start, minutes = _round(rng, day, hour)
                if chance < 0.10:
                    minutes = rng.choice((1, 8, 15))  # too short to count
                work(streets_plan, road, start, minutes, 0 if chance > 0.985 else rng.choice((1, 2, 3)))
        for road in lanes:
            if day.weekday() in (0, 2, 4) and rng.random() > 0.12:
                start, minutes = _round(rng, day, 9)
                work(lanes_plan, road, start, minutes, 1)
    DutyWork.objects.bulk_create(works, batch_size=1000)
    swept = missed_duties_sweep(today=today)
    return (f"duties: contract {CONTRACT_CODE}, 2 cleaning plans, {len(works)} cleaning rounds "
            f"({sum(1 for item in works if not item.is_valid)} not counting); {swept.missed} missed periods, "
            f"{swept.reminders} reminders, {swept.escalations} escalation messages, {swept.findings} findings")
