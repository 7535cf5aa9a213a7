"""大气污染源 (issue 13 point 3), on its own scratch PostgreSQL database:

  python -m bench.air [--sources 5000] [--scale 1.0] [--batch 500] [--batches 40] [--page-calls 20]

1. The world: `--sources` sources over 200 grids, and 10,000,000 × `--scale` readings spread hourly
   back from now over each source, written set-based (generate_series), with the daily rollup
   (`ReadingDay`) built from them the way the ingestion keeps it.
2. The leaders' month figures (`selectors.figures_by_unit` for the sub-district, read from the
   rollup) and the whole `/air/overview/` page for last month, p50/p99, against a hand-written SQL
   aggregate of the raw readings for the same month (the floor a page reading raw rows would have).
3. Ingestion through the real API: `--batches` POSTs of `--batch` readings to /api/v1/air/readings
   (ApiToken, Django test client, in process), readings/s [aim ≥ 1,000/s]; then one batch sent
   again, which must count 0 new readings.

The database (`jiedao_bench_air` on BENCH_PG_SERVER) is built for the run and dropped after it."""

import argparse
import json
import os
import sys
import time
from datetime import timedelta

from bench.common import percentiles, run_in_own_database

NAME = "jiedao_bench_air"
READINGS = 10_000_000
COLUMNS = 20
CELL = 0.004
TYPES = ("construction", "catering", "road", "industrial")
PARAMETER = {"construction": "pm10", "catering": "fume", "road": "pm10", "industrial": "particulate"}
# A value around the limit of its type (mg/m³): about 2 % of readings over it.
TYPICAL = {"construction": 0.08, "catering": 1.0, "road": 0.08, "industrial": 60}


def _square(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + CELL, lat], [lon + CELL, lat + CELL], [lon, lat + CELL], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _build(sources: int, readings: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiedao.air.models import PollutionSource, SourceType
    from jiedao.air.seeds import air_seed
    from jiedao.territory.models import Duty, Role, Unit, UnitLevel

    air_seed()
    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    area = Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code="330199001A01", name="片区")
    communities = [Unit.objects.create(parent=area, level=UnitLevel.COMMUNITY, code=f"330199001{row:03d}",
                                       name=f"社区{row}") for row in range(10)]
    grids = [Unit(parent=communities[row], level=UnitLevel.GRID, code=f"{communities[row].code}{column:03d}",
                  name=f"网格{row}-{column}", path=f"{communities[row].path}{communities[row].code}{column:03d}/",
                  boundary=_square(120.0 + column * CELL, 30.0 + row * CELL))
             for row in range(10) for column in range(COLUMNS)]
    Unit.objects.bulk_create(grids)
    grids = list(Unit.objects.filter(level=UnitLevel.GRID).order_by("code"))
    types = {t.code: t for t in SourceType.objects.all()}
    made = []
    for index in range(sources):
        grid = grids[index % len(grids)]
        lon, lat = grid.boundary["coordinates"][0][0]
        kind = TYPES[index % len(TYPES)]
        made.append(PollutionSource(code=f"S{index:05d}", name=f"污染源{index}", source_type=types[kind],
                                    longitude=lon + CELL / 2, latitude=lat + CELL / 2, grid=grid,
                                    territory_path=grid.path))
    PollutionSource.objects.bulk_create(made, batch_size=2000)
    user = get_user_model().objects.create_user(username="monitor", password="Bench-not-a-secret-1",
                                                full_name="监测平台")
    get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
    Duty.objects.create(user=user, role=Role.LEADER, unit=subdistrict)
    hours = max(1, readings // sources)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO air_reading (source_id, monitor, parameter, value, unit, value_mg_m3, limit_mg_m3,
                                     is_exceedance, measured_at, idempotency_key, recorded_by_id, received_at)
            SELECT s.id, 'M' || s.id, p.parameter, v.value, 'mg/m³', v.value, l.limit_mg_m3,
                   v.value > l.limit_mg_m3,
                   date_trunc('hour', now()) - h * interval '1 hour', 'bench:' || s.id || ':' || h, %(user)s, now()
            FROM air_pollutionsource s
            JOIN air_sourcetype t ON t.id = s.source_type_id
            CROSS JOIN LATERAL (SELECT CASE t.code WHEN 'catering' THEN 'fume' WHEN 'industrial' THEN 'particulate'
                                       ELSE 'pm10' END AS parameter) p
            JOIN air_airlimit l ON l.source_type_id = t.id AND l.parameter = p.parameter
            CROSS JOIN generate_series(0, %(hours)s - 1) AS h
            -- around the limit: 0.3 to 1.015 × it, so about 2 %% of readings over it (h keeps random() per row)
            CROSS JOIN LATERAL (SELECT round((l.limit_mg_m3 * (0.3 + 0.715 * random() + h * 0))::numeric, 6)
                                       AS value) v
        """, {"user": user.pk, "hours": hours})
        inserted = time.perf_counter() - started
        cursor.execute("""
            INSERT INTO air_readingday (source_id, day, parameter, territory_path, readings, exceedances, max_mg_m3)
            SELECT r.source_id, (r.measured_at AT TIME ZONE 'Asia/Shanghai')::date, r.parameter, s.territory_path,
                   count(*), count(*) FILTER (WHERE r.is_exceedance), max(r.value_mg_m3)
            FROM air_reading r JOIN air_pollutionsource s ON s.id = r.source_id
            GROUP BY 1, 2, 3, 4
        """)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE is_exceedance) FROM air_reading")
        total, over = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM air_readingday")
        days = cursor.fetchone()[0]
    return {"user": user, "subdistrict": subdistrict, "readings": total, "exceedances": over, "days": days,
            "hours": hours, "insert_s": inserted}


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jiedao import clock
    from jiedao.air.models import AirPolicy, PollutionSource, Reading
    from jiedao.air.selectors import figures_by_unit
    from jiedao.api.services import api_token_issue

    built = time.perf_counter()
    world = _build(args.sources, int(READINGS * args.scale))
    print(f"built {args.sources:,} sources and {world['readings']:,} readings ({world['exceedances']:,} over their "
          f"limit; {world['hours']} hourly each; inserted in {world['insert_s']:.0f} s), {world['days']:,} daily "
          f"rollup rows, in {time.perf_counter() - built:.0f} s", flush=True)

    # Last month, whole, in +08:00.
    today = timezone.localdate(clock.now())
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    unit = world["subdistrict"]
    timings = []
    for _ in range(args.page_calls):
        began = time.perf_counter()
        figures = figures_by_unit(units=[unit], start=start, end=end)[unit.pk]
        timings.append(time.perf_counter() - began)
    figures_p50, _p99 = percentiles(timings)
    sql = """SELECT count(*), count(*) FILTER (WHERE r.is_exceedance)
             FROM air_reading r JOIN air_pollutionsource s ON s.id = r.source_id
             WHERE r.measured_at >= %s AND r.measured_at < %s AND s.territory_path LIKE %s"""
    tz = timezone.get_current_timezone()
    bounds = [timezone.datetime.combine(start, timezone.datetime.min.time(), tzinfo=tz),
              timezone.datetime.combine(end, timezone.datetime.min.time(), tzinfo=tz), unit.path + "%"]
    raw = []
    with connection.cursor() as cursor:
        for _ in range(max(3, args.page_calls // 4)):
            began = time.perf_counter()
            cursor.execute(sql, bounds)
            raw_readings, raw_over = cursor.fetchone()
            raw.append(time.perf_counter() - began)
    raw_p50, _p99 = percentiles(raw)
    assert (figures.readings, figures.exceedances) == (raw_readings, raw_over), (figures, raw_readings, raw_over)
    print(f"month figures {start}–{end - timedelta(days=1)} over {world['readings']:,} readings "
          f"({figures.readings:,} in the month, {figures.exceedances:,} over): rollup p50 {figures_p50 * 1000:.1f} ms; "
          f"hand-written SQL over the raw readings p50 {raw_p50 * 1000:.0f} ms; ratio {figures_p50 / raw_p50:.3f} "
          f"(same numbers)", flush=True)

    client = Client()
    client.force_login(world["user"])
    url = f"/air/overview/?start={start.isoformat()}&end={(end - timedelta(days=1)).isoformat()}"
    assert client.get(url).status_code == 200
    timings = []
    for _ in range(args.page_calls):
        began = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200
    p50, p99 = percentiles(timings)
    print(f"/air/overview/ for last month (10 communities): p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
          f"= {p50 / raw_p50:.2f} × the raw SQL aggregate", flush=True)

    policy = AirPolicy.objects.first()
    policy.batch_max = max(policy.batch_max, args.batch)
    policy.save()
    _token, key = api_token_issue(user=world["user"], name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    codes = list(PollutionSource.objects.order_by("code").values_list("code", "source_type__code"))
    now = timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)
    bodies = []
    for batch in range(args.batches):
        rows = []
        for n in range(args.batch):
            code, kind = codes[(batch * args.batch + n) % len(codes)]
            at = now - timedelta(minutes=(batch * args.batch + n) // len(codes) + 1)
            rows.append({"source": code, "monitor": f"M-{code}", "parameter": PARAMETER[kind],
                         "value": f"{TYPICAL[kind] * 1000 * (0.5 + (n % 97) / 100):.3f}", "unit": "μg/m³",
                         "measured_at": at.isoformat(), "idempotency_key": f"api:{batch}:{n}"})
        bodies.append(json.dumps({"readings": rows}))
    before = Reading.objects.count()
    if args.profile:
        import cProfile
        import pstats
        extra = json.loads(bodies[-1])
        for row in extra["readings"]:
            row["idempotency_key"] += ":profile"
        profiler = cProfile.Profile()
        profiler.enable()
        api.post("/api/v1/air/readings", json.dumps(extra), content_type="application/json")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        before = Reading.objects.count()
    timings = []
    began_all = time.perf_counter()
    for body in bodies:
        began = time.perf_counter()
        response = api.post("/api/v1/air/readings", body, content_type="application/json")
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200 and response.json()["accepted"] == args.batch, response.content[:300]
    elapsed = time.perf_counter() - began_all
    p50, p99 = percentiles(timings)
    sent = args.batch * args.batches
    print(f"ingestion through POST /api/v1/air/readings: {sent:,} readings in {args.batches} batches of {args.batch} "
          f"in {elapsed:.1f} s = {sent / elapsed:,.0f} readings/s; per batch p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms  [aim ≥ 1,000 readings/s]", flush=True)
    again = api.post("/api/v1/air/readings", bodies[0], content_type="application/json").json()
    assert again["accepted"] == 0 and again["duplicates"] == args.batch, again
    assert Reading.objects.count() - before == sent
    print(f"a batch sent again: accepted {again['accepted']}, duplicates {again['duplicates']} (counted once)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=5000)
    parser.add_argument("--scale", type=float, default=1.0, help="readings = 10,000,000 × scale")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--page-calls", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile one extra batch")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.air", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
