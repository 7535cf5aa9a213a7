"""Duty compliance (issue 12, point 4), on its own scratch PostgreSQL database:

  python -m bench.duties [--plans 5000] [--works 500000] [--people 1000]

Builds `--plans` active plans (four in five naming a person for two streets, one in ten a role — a
村级河长 — under one area for each community of it, one in ten a contractor for four streets),
frequencies spread over day/week/旬/month/quarter/year, and `--works` works over the past year on
those obligations (one in eight too short to count). Then compliance for every plan and person for
a month (`selectors.compliance_rows` + `compliance_by` per plan and per person), beside one
hand-written SQL aggregate of the same works (grouped by plan, person, contractor, subject and day).

The database (`jiedao_bench_duties` on BENCH_PG_SERVER) is built for the run and dropped after it."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import run_in_own_database

ROOT = Path(__file__).resolve().parent.parent
NAME = "jiedao_bench_duties"
UNITS = ("day", "week", "xun", "month", "quarter", "year")



def _build(plans: int, works: int, people: int) -> dict:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from jiedao.addresses.models import Road
    from jiedao.duties.models import DutyPlan, DutyPlanTarget
    from jiedao.duties.selectors import plan_obligations
    from jiedao.territory.models import Duty, Organisation, OrganisationKind, Role, Unit, UnitLevel

    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    areas = [Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code=f"330199001A{a:02d}", name=f"片区{a}")
             for a in range(20)]
    communities = Unit.objects.bulk_create([
        Unit(parent=areas[n % 20], level=UnitLevel.COMMUNITY, code=f"330199001{n:04d}", name=f"社区{n}",
             path=f"{areas[n % 20].path}330199001{n:04d}/") for n in range(200)])
    roads = Road.objects.bulk_create([Road(name=f"道路{n}") for n in range(2000)])
    contractors = Organisation.objects.bulk_create([
        Organisation(kind=OrganisationKind.CONTRACTOR, code=f"C{n:03d}", name=f"作业公司{n}") for n in range(50)])
    users = get_user_model().objects.bulk_create([
        get_user_model()(username=f"p{n}", full_name=f"人员{n}", password="!") for n in range(people)])
    Duty.objects.bulk_create([Duty(user=users[n], role=Role.RIVER_CHIEF, unit=communities[n % 200])
                              for n in range(200)])
    Duty.objects.bulk_create([Duty(user=users[200 + n], role=Role.CONTRACTOR_STAFF, organisation=contractors[n])
                              for n in range(50)])
    start = timezone.localdate() - timedelta(days=365)
    rows, targets = [], []
    for n in range(plans):
        unit = UNITS[n % 6]
        values = dict(name=f"计划{n}", kind=("patrol", "clean", "inspect", "maintain")[n % 4], frequency_unit=unit,
                      times_per_period=1 + (n % 3 if unit in ("week", "month") else 0), starts_on=start,
                      min_duration_minutes=30)
        if n % 10 == 0:
            rows.append(DutyPlan(**values, subject_kind="unit", assignee_role=Role.RIVER_CHIEF,
                                 assignee_level=UnitLevel.COMMUNITY, assignee_unit=areas[n % 20],
                                 target_filter={"level": UnitLevel.COMMUNITY}))
        elif n % 10 == 1:
            rows.append(DutyPlan(**values, subject_kind="road", assignee_organisation=contractors[n % 50]))
        else:
            rows.append(DutyPlan(**values, subject_kind="road", assignee_person=users[n % people]))
    plans_made = DutyPlan.objects.bulk_create(rows, batch_size=1000)
    for n, plan in enumerate(plans_made):
        if plan.subject_kind == "road":
            count = 4 if plan.assignee_organisation_id else 2
            targets += [DutyPlanTarget(plan=plan, object_id=roads[(n * 7 + k) % len(roads)].pk) for k in range(count)]
    DutyPlanTarget.objects.bulk_create(targets, batch_size=5000)

    obligations = [obligation for items in plan_obligations(plans_made).values() for obligation in items]
    road_type = ContentType.objects.get_for_model(Road).pk
    unit_type = ContentType.objects.get_for_model(Unit).pk
    kinds = {plan.pk: (plan.kind, plan.subject_kind) for plan in plans_made}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_obligation (n serial, plan_id int, person_id int, organisation_id int,"
                       " subject_id bigint, subject_type int, kind text, unit_id int)")
        with cursor.copy("COPY bench_obligation (plan_id, person_id, organisation_id, subject_id, subject_type, kind,"
                         " unit_id) FROM STDIN") as copy:
            for obligation in obligations:
                kind, subject_kind = kinds[obligation.plan_id]
                copy.write_row((obligation.plan_id, obligation.person_id, obligation.organisation_id,
                                obligation.subject_id, road_type if subject_kind == "road" else unit_type, kind,
                                obligation.unit_id))
        cursor.execute("""
            INSERT INTO duties_dutywork (plan_id, kind, person_id, organisation_id, subject_type_id, subject_id,
                unit_id, started_at, ended_at, on_date, duration_seconds, distance_m, photo_count, is_valid,
                invalid_reasons, created_at)
            SELECT o.plan_id, o.kind, o.person_id, o.organisation_id, o.subject_type, o.subject_id, o.unit_id,
                   w.t, w.t + make_interval(mins => w.minutes), (w.t AT TIME ZONE 'Asia/Shanghai')::date,
                   w.minutes * 60, 0, 1, w.minutes >= 30,
                   CASE WHEN w.minutes >= 30 THEN '[]'::jsonb ELSE '["too_short"]'::jsonb END, w.t
            FROM (SELECT g, now() - random() * interval '365 days' AS t,
                         CASE WHEN random() < 0.125 THEN 5 ELSE 45 END AS minutes,
                         1 + floor(random() * (SELECT count(*) FROM bench_obligation))::int AS pick
                  FROM generate_series(1, %(n)s) AS g) AS w
            JOIN bench_obligation o ON o.n = w.pick
        """, {"n": works})
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM duties_dutywork")
        made = cursor.fetchone()[0]
    return {"plans": len(plans_made), "obligations": len(obligations), "works": made}


def _median_seconds(work, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    django.setup()
    from datetime import date

    from django.db import connection
    from django.utils import timezone

    from jiedao.duties.models import DutyPlan
    from jiedao.duties.registry import subject_kind_register
    from jiedao.duties.selectors import BY_PERSON, BY_PLAN, compliance_by, compliance_rows, figure_of
    from jiedao.territory.models import Unit

    subject_kind_register(key="unit", model=Unit, label="属地单位", filters={"level": "层级"},
                          unit_of=lambda unit: unit)
    built = time.perf_counter()
    world = _build(args.plans, args.works, args.people)
    print(f"built {world['plans']:,} plans, {world['obligations']:,} obligations, {world['works']:,} works "
          f"in {time.perf_counter() - built:.0f} s", flush=True)
    today = timezone.localdate()
    first = today.replace(day=1)
    end = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    found = {}

    def compliance():
        plans = list(DutyPlan.objects.filter(is_active=True).select_related("assignee_unit"))
        rows = compliance_rows(plans=plans, first=first, end=end, today=today)
        found.update(rows=len(rows), plans=len(compliance_by(rows, by=BY_PLAN)),
                     people=len(compliance_by(rows, by=BY_PERSON)), figure=figure_of(rows))
    compliance_s = _median_seconds(compliance)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(compliance)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    def by_hand():
        """The same works: each frequency's periods touching the month, grouped like the selector's."""
        from datetime import timedelta

        from jiedao.duties import frequency

        spans, parameters = [], []
        for unit in UNITS:
            spans.append("(p.frequency_unit = %s AND w.on_date >= %s AND w.on_date < %s)")
            parameters += [unit, frequency.period_of(unit, first).start,
                           frequency.period_of(unit, end - timedelta(days=1)).end]
        with connection.cursor() as cursor:
            cursor.execute("SELECT w.plan_id, w.person_id, w.organisation_id, w.subject_id, w.on_date, count(*), "
                           "count(*) FILTER (WHERE w.is_valid) FROM duties_dutywork w JOIN duties_dutyplan p "
                           f"ON p.id = w.plan_id WHERE p.is_active AND ({' OR '.join(spans)}) GROUP BY 1, 2, 3, 4, 5",
                           parameters)
            cursor.fetchall()
    sql_s = _median_seconds(by_hand)
    figure = found["figure"]
    print(f"compliance of every plan and person for {first:%Y-%m}: {compliance_s * 1000:.0f} ms "
          f"(hand-written SQL aggregate of the same works {sql_s * 1000:.0f} ms, ratio {compliance_s / sql_s:.1f}); "
          f"{found['rows']:,} obligation-periods, {found['plans']:,} plans and {found['people']:,} people with a "
          f"figure; required {figure.required:,}, valid {figure.valid:,}, missed {figure.missed:,}  [aim < 3 s]",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=5000)
    parser.add_argument("--works", type=int, default=500_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.duties", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
