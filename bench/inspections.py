"""Inspection figures (issue 9), on their own scratch PostgreSQL database:

  python -m bench.inspections [--units 1000] [--inspections 50000] [--items 40] [--score-calls 300]

1. Every unit's inspection score for a month (`inspections.selectors.unit_scores`) over `--units`
   communities and `--inspections` submitted inspections of `--items` items each (results stored:
   50,000 × 40 = 2 M rows), beside one hand-written SQL aggregate over the same rows.
2. Scoring one item on the phone (`POST /field/inspections/api/<id>/items/`, in process, server side,
   without a photo: a photo's decoding and re-encoding is the upload bench's subject), p50/p99.

The database (`jiedao_bench_inspections` on BENCH_PG_SERVER) is built for the run and dropped after it."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from bench.common import run_in_own_database

ROOT = Path(__file__).resolve().parent.parent
NAME = "jiedao_bench_inspections"



def _build(units: int, inspections: int, items: int) -> dict:
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiedao.checklists.services import (
        ItemDraft,
        SectionDraft,
        checklist_create,
        version_fill,
        version_publish,
    )
    from jiedao.territory.models import Unit, UnitLevel

    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    areas = [Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code=f"330199001A{a:02d}", name=f"片区{a}")
             for a in range(10)]
    communities = [Unit(parent=areas[n % 10], level=UnitLevel.COMMUNITY, code=f"330199001{n:04d}", name=f"社区{n}",
                        path=f"{areas[n % 10].path}330199001{n:04d}/") for n in range(units)]
    Unit.objects.bulk_create(communities, batch_size=1000)
    user = get_user_model().objects.create_superuser(username="bench", password="Bench-not-a-secret-1",
                                                     full_name="压测")
    get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
    per_section = max(1, items // 4)
    sections = [SectionDraft(name=f"第{s + 1}部分", max_score=Decimal(25), items=[
        ItemDraft(name=f"条目{s}-{i}", number=f"{s * per_section + i + 1}", max_score=Decimal(25) / per_section,
                  per_occurrence=Decimal("0.5")) for i in range(per_section)]) for s in range(4)]
    draft = checklist_create(code="bench", name="压测细则")
    version_fill(version=draft, sections=sections)
    version = version_publish(version=draft)
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO inspections_inspection (client_id, version_id, checklist_id, unit_id, unit_path, place,
                inspector_id, kind, state, started_at, submitted_at, max_score, total, base, bonus, vetoed,
                deduction_count, reinspection_deduction, score, created_at)
            SELECT gen_random_uuid(), %(version)s, %(checklist)s, u.id, u.path, '', %(user)s, 'notified', 'submitted',
                   t, t + interval '40 minutes', 100, s, s, 0, false, 3, 0, s, t
            FROM (SELECT g, now() - (g %% 365) * interval '1 day' AS t,
                         round((60 + random() * 40)::numeric, 2) AS s,
                         (SELECT array_agg(id ORDER BY id) FROM territory_unit WHERE level = 'community') AS ids
                  FROM generate_series(1, %(n)s) AS g) AS x
            JOIN territory_unit u ON u.id = x.ids[1 + (x.g %% array_length(x.ids, 1))]
        """, {"version": version.pk, "checklist": version.checklist_id, "user": user.pk, "n": inspections})
        cursor.execute("""
            INSERT INTO inspections_inspectionresult (inspection_id, item_id, occurrences, vetoed, note, score, lost,
                added, failed, scored_at)
            SELECT i.id, it.id, (random() * 2)::int, false, '', 0, 0, 0, false, i.started_at
            FROM inspections_inspection i
            CROSS JOIN (SELECT ci.id FROM checklists_checklistitem ci JOIN checklists_checklistsection cs
                        ON cs.id = ci.section_id WHERE cs.version_id = %(version)s) AS it
        """, {"version": version.pk})
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM inspections_inspectionresult")
        results = cursor.fetchone()[0]
    return {"version": version, "user": user, "units": communities, "results": results, "area": areas[0]}


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
    import json
    import random
    import uuid
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jiedao.inspections.selectors import unit_scores
    from jiedao.territory.models import Unit, UnitLevel

    built = time.perf_counter()
    world = _build(args.units, args.inspections, args.items)
    print(f"built {args.units:,} units, {args.inspections:,} inspections, {world['results']:,} item results "
          f"in {time.perf_counter() - built:.0f} s", flush=True)
    units = list(Unit.objects.filter(level=UnitLevel.COMMUNITY))
    end = timezone.now()
    start = end - timedelta(days=30)
    checklist = world["version"].checklist_id

    scores_s = _median_seconds(lambda: unit_scores(checklist=checklist, units=units, start=start, end=end))

    def by_hand():
        with connection.cursor() as cursor:
            cursor.execute("SELECT unit_id, sum(score), count(*) FROM inspections_inspection WHERE checklist_id = %s "
                           "AND state = 'submitted' AND submitted_at >= %s AND submitted_at < %s GROUP BY unit_id",
                           [checklist, start, end])
            cursor.fetchall()
    sql_s = _median_seconds(by_hand)
    found = unit_scores(checklist=checklist, units=units, start=start, end=end)
    scored = sum(1 for row in found.values() if row.count)
    print(f"unit_scores, {len(units):,} units, one month: {scores_s * 1000:.0f} ms "
          f"(hand-written SQL aggregate {sql_s * 1000:.0f} ms, ratio {scores_s / sql_s:.1f}); "
          f"{scored:,} units scored  [aim < 2 s]", flush=True)
    areas = list(Unit.objects.filter(level=UnitLevel.AREA))
    rolled_s = _median_seconds(lambda: unit_scores(checklist=checklist, units=areas, start=start, end=end))
    print(f"unit_scores rolled up to {len(areas)} areas: {rolled_s * 1000:.0f} ms", flush=True)

    client = Client()
    client.force_login(world["user"])
    items = list(world["version"].sections.values_list("items__pk", flat=True))
    inspection = str(uuid.uuid4())
    client.post("/field/inspections/api/", json.dumps({"client_id": inspection, "version": world["version"].pk,
                                                        "unit": units[0].pk}), content_type="application/json")
    timings = []
    rng = random.Random(1)
    for _ in range(args.score_calls):
        body = {"key": str(uuid.uuid4()), "item": str(rng.choice(items)), "occurrences": str(rng.randint(0, 5)),
                "longitude": "120.12", "latitude": "30.22"}
        started = time.perf_counter()
        response = client.post(f"/field/inspections/api/{inspection}/items/", body)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    print(f"score one item on the phone ({args.score_calls} calls, {args.items}-item sheet, no photo): "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms  [aim p99 < 100 ms]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--inspections", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--score-calls", type=int, default=300)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.inspections", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
