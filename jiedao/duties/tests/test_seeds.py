"""The default plans: written once, samples, on registers that may not exist yet."""

from datetime import date, timedelta
from decimal import Decimal

from jiedao.duties.models import DutyKind, DutyPlan
from jiedao.duties.seeds import duties_seed
from jiedao.duties.selectors import compliance_rows, plan_obligations
from jiedao.duties.services import duty_work_record
from jiedao.evaluation.measures import measure_for
from jiedao.territory.models import Role, UnitLevel

from .conftest import at, plan_make


def test_the_defaults_are_written_once_and_keep_an_administrators_edit(db):
    created = duties_seed()
    assert created == DutyPlan.objects.count() == 18
    village = DutyPlan.objects.get(seed_key="river-chief-village")
    assert (village.assignee_role, village.assignee_level, village.frequency_text(), village.min_duration_minutes,
            village.min_distance_m, village.is_sample) == (
        Role.RIVER_CHIEF, UnitLevel.COMMUNITY, "3–12 月 每周 1 次", 30, 2000, True)
    assert "阿合奇县" in village.basis
    DutyPlan.objects.filter(pk=village.pk).update(times_per_period=2)
    assert duties_seed() == 0
    village.refresh_from_db()
    assert village.times_per_period == 2


def test_a_plan_on_a_register_not_there_yet_counts_nothing(world):
    duties_seed()
    plans = list(DutyPlan.objects.filter(subject_kind__in=["river_segment", "cleaning_zone", "asset"]))
    assert len(plans) == 18
    assert all(obligations == [] for obligations in plan_obligations(plans).values())
    assert compliance_rows(plans=plans, first=date(2026, 11, 1), end=date(2026, 12, 1),
                           today=date(2026, 12, 1)) == []


def test_the_rates_join_the_evaluations_measures(duty_world):
    world = duty_world.world
    plan_make(kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF, assignee_level=UnitLevel.COMMUNITY,
              target_filter={"level": UnitLevel.COMMUNITY})
    start = at(2026, 11, 10, 9)
    duty_work_record(kind=DutyKind.PATROL, subject=world.taoyuan, person=duty_world.people.taoyuan_chief,
                     started_at=start, ended_at=start + timedelta(hours=1))
    measure = measure_for("duty:patrol")
    values = measure.values([world.taoyuan, world.liuan, world.subdistrict], at(2026, 11, 9, 0), at(2026, 11, 16, 0))
    assert values == {world.taoyuan.pk: Decimal("100.0"), world.liuan.pk: Decimal("0.0"),
                      world.subdistrict.pk: Decimal("50.0")}
    assert str(measure.label) == "巡河率（巡查完成率）"
