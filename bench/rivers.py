"""河长制 (issue 12), on its own scratch PostgreSQL database:

  python -m bench.rivers [--segments 2000] [--weeks 52] [--map-calls 100] [--upload-calls 200] [--points 1000]

1. The river map page (`GET /rivers/`): every one of `--segments` segments coloured by this week's
   patrols, over a year of weekly patrols on each (`--weeks`), read by the 河长办 (a territorial
   filter, not a superuser's shortcut); p50/p99 of the whole page, in process.
2. A patrol upload of `--points` track points (`POST /field/rivers/api/patrols/<id>/points/`, in
   process, server side), each on a fresh patrol, p50/p99.

The database (`jiedao_bench_rivers` on BENCH_PG_SERVER) is built for the run and dropped after it."""

import argparse
import os
import sys
import time
from pathlib import Path

from bench.common import percentiles, run_in_own_database

ROOT = Path(__file__).resolve().parent.parent
NAME = "jiedao_bench_rivers"
COLUMNS = 20  # grids per row of the bench's square sub-district (10 rows: 200 grids)
CELL = 0.004  # degrees
SEGMENTS_PER_GRID = 10



def _square(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + CELL, lat], [lon + CELL, lat + CELL], [lon, lat + CELL], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _build(segments: int, weeks: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiedao.rivers.models import RiverChief, RiverSegment, Waterbody
    from jiedao.rivers.seeds import rivers_seed
    from jiedao.territory.models import Duty, Role, Unit, UnitLevel

    rivers_seed()
    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    area = Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code="330199001A01", name="片区")
    rows = max(1, segments // (COLUMNS * SEGMENTS_PER_GRID))
    communities = [Unit.objects.create(parent=area, level=UnitLevel.COMMUNITY, code=f"330199001{row:03d}",
                                       name=f"社区{row}") for row in range(rows)]
    grids = [Unit(parent=communities[row], level=UnitLevel.GRID, code=f"{communities[row].code}{column:03d}",
                  name=f"网格{row}-{column}", path=f"{communities[row].path}{communities[row].code}{column:03d}/",
                  boundary=_square(120.0 + column * CELL, 30.0 + row * CELL))
             for row in range(rows) for column in range(COLUMNS)]
    Unit.objects.bulk_create(grids, batch_size=1000)
    grids = list(Unit.objects.filter(level=UnitLevel.GRID).order_by("code"))
    waterbody = Waterbody.objects.create(name="压测河", code="BENCH")
    made = []
    for index in range(segments):
        grid = grids[index // SEGMENTS_PER_GRID % len(grids)]
        lon, lat = grid.boundary["coordinates"][0][0]
        offset = (index % SEGMENTS_PER_GRID + 0.5) / SEGMENTS_PER_GRID
        geometry = {"type": "LineString", "coordinates": [
            [round(lon + CELL * (0.05 + 0.9 * step / 9), 6), round(lat + CELL * offset + 0.00005 * (step % 3), 6)]
            for step in range(10)]}
        made.append(RiverSegment(waterbody=waterbody, code=f"B{index:05d}", name=f"第{index}段", geometry=geometry,
                                 length_m=380.0, unit=grid, min_lon=lon, min_lat=lat, max_lon=lon + CELL,
                                 max_lat=lat + CELL))
    RiverSegment.objects.bulk_create(made, batch_size=1000)
    through = RiverSegment.units.through
    by_grid = {grid.pk: grid for grid in grids}
    paths = {unit.code: unit.pk for unit in Unit.objects.all()}
    links = []
    for segment in RiverSegment.objects.all():
        for code in by_grid[segment.unit_id].path.strip("/").split("/"):
            links.append(through(riversegment_id=segment.pk, unit_id=paths[code]))
    through.objects.bulk_create(links, batch_size=5000)
    user_model = get_user_model()
    office = user_model.objects.create_user(username="office", password="Bench-not-a-secret-1", full_name="河长办")
    chief_user = user_model.objects.create_user(username="chief", password="Bench-not-a-secret-1", full_name="河长")
    user_model.objects.filter(pk__in=[office.pk, chief_user.pk]).update(must_change_password=False)
    Duty.objects.create(user=office, role=Role.RIVER_OFFICE, unit=subdistrict)
    Duty.objects.create(user=chief_user, role=Role.RIVER_CHIEF, unit=communities[0])
    chief = RiverChief.objects.create(level="village", user=chief_user, name="河长", unit=communities[0])
    chief.segments.add(*RiverSegment.objects.filter(unit__parent=communities[0]))
    with connection.cursor() as cursor:
        # One patrol a week on nine segments in ten, a twentieth of them not counting.
        cursor.execute("""
            INSERT INTO rivers_riverpatrol (client_id, segment_id, chief_id, patrolled_by_id, started_at, ended_at,
                submitted_at, track, point_count, rejected_point_count, distance_m, duration_s, answers, note,
                validity, validity_reasons, submit_fingerprint, submit_response, created_at)
            SELECT gen_random_uuid(), s.id, NULL, %(user)s, t, t + interval '40 minutes', t + interval '41 minutes',
                   '[]', 120, 0, 2400, 2400, '{}', '', CASE WHEN random() < 0.05 THEN 'not_counting' ELSE 'valid' END,
                   '[]', '', '{}', t
            FROM rivers_riversegment s
            CROSS JOIN generate_series(0, %(weeks)s - 1) AS w
            CROSS JOIN LATERAL (SELECT date_trunc('week', now()) - w * interval '7 days'
                                       + (random() * 4) * interval '1 day' + interval '8 hours' AS t) AS x
            WHERE random() < 0.9 AND t < now()
        """, {"user": chief_user.pk, "weeks": weeks})
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM rivers_riverpatrol")
        patrols = cursor.fetchone()[0]
    return {"office": office, "chief": chief_user, "chief_row": chief, "patrols": patrols}


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    django.setup()
    import json
    import uuid

    from django.test import Client

    from jiedao import clock
    from jiedao.field.models import PatrolPolicy
    from jiedao.rivers.models import RiverSegment

    built = time.perf_counter()
    world = _build(args.segments, args.weeks)
    print(f"built {RiverSegment.objects.count():,} segments and {world['patrols']:,} patrols in "
          f"{time.perf_counter() - built:.0f} s", flush=True)

    client = Client()
    client.force_login(world["office"])
    first = client.get("/rivers/")
    assert first.status_code == 200, first.status_code
    timings = []
    for _ in range(args.map_calls):
        started = time.perf_counter()
        response = client.get("/rivers/")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    p50, p99 = percentiles(timings)
    print(f"river map page, {args.segments:,} segments coloured by this week's compliance ({len(response.content):,} "
          f"bytes): p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms  [aim p99 < 300 ms]", flush=True)

    policy = PatrolPolicy.current()
    policy.max_points_per_batch = max(policy.max_points_per_batch, args.points)
    policy.save()
    segment = world["chief_row"].segments.order_by("pk").first()
    chief = Client()
    chief.force_login(world["chief"])
    timings = []
    for _ in range(args.upload_calls):
        client_id = str(uuid.uuid4())
        now = clock.now().timestamp()
        start = now - args.points * 10 - 60
        chief.post("/field/rivers/api/patrols/", json.dumps({"client_id": client_id, "segment": segment.pk,
                                                             "started_at": start}), content_type="application/json")
        lon, lat = segment.geometry["coordinates"][0]
        # 12 m east every 10 s: every point is kept (none thinned, none too fast)
        points = [[lon + 0.000125 * step, lat, start + 10 * step] for step in range(args.points)]
        body = json.dumps({"key": str(uuid.uuid4()), "crs": "wgs84", "points": points})
        started = time.perf_counter()
        response = chief.post(f"/field/rivers/api/patrols/{client_id}/points/", body, content_type="application/json")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.json()["accepted"] == args.points, response.content[:300]
    p50, p99 = percentiles(timings)
    print(f"patrol upload of {args.points:,} points ({args.upload_calls} calls): p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms  [aim p99 < 200 ms]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--map-calls", type=int, default=100)
    parser.add_argument("--upload-calls", type=int, default=200)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.rivers", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
