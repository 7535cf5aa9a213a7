"""垃圾分类 (issue 13 point 1), on its own scratch PostgreSQL database:

  python -m bench.waste [--points 2000] [--days 1096] [--scale 1.0] [--repeat 5]

Builds `--points` × `--scale` sorting points in communities of about 33, and `--days` of daily
quantities for every point, class (4) and point stage (投放, 收集), plus every community's trips
(运输) and treatment (处理) by class — about 18 M raw rows at full size — with set-based SQL
(generate_series), then the daily rollup in one statement (`services.rollup_rebuild`). Times:

1. every rate for every community for the last full month (`selectors.totals_by_unit`, as the
   overview and the measures read it), median of `--repeat` runs; target < 2 s;
2. a year's trend for the sub-district (`selectors.monthly_trend`, tonnage by class and the
   quantity rates per month), median; target < 3 s;

each with the ratio to a hand-written SQL aggregate over the RAW records giving the same sums
(what the page would cost without the rollup). The database (`jiedao_bench_waste`) is dropped after."""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta

from bench.common import run_in_own_database

NAME = "jiedao_bench_waste"
POINTS_PER_COMMUNITY = 33
COMMUNITIES_PER_AREA = 12


def _build(points: int, days: int, last_day: date) -> dict:
    from django.db import connection

    from jiedao.territory.models import Unit, UnitLevel
    from jiedao.waste.models import Facility, FacilityKind, SortingPoint, WasteRecord
    from jiedao.waste.services import rollup_rebuild

    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    community_count = max(1, round(points / POINTS_PER_COMMUNITY))
    communities = []
    for index in range(community_count):
        area_code = f"330199001A{index // COMMUNITIES_PER_AREA:02d}"
        area = Unit.objects.filter(code=area_code).first() or Unit.objects.create(
            parent=subdistrict, level=UnitLevel.AREA, code=area_code, name=f"片区{index // COMMUNITIES_PER_AREA}")
        communities.append(Unit.objects.create(parent=area, level=UnitLevel.COMMUNITY, code=f"330199001{index:03d}",
                                               name=f"社区{index}"))
    SortingPoint.objects.bulk_create([
        SortingPoint(code=f"P{index:05d}", name=f"投放点{index}", community=communities[index % community_count],
                     territory_path=communities[index % community_count].path, longitude=120.0, latitude=30.0,
                     households=150 + index % 250, is_sorting=index % 17 != 0) for index in range(points)],
        batch_size=2000)
    burner = Facility.objects.create(code="F01", name="焚烧厂", kind=FacilityKind.TREATMENT,
                                     is_resource_recovery=True, is_harmless=True, longitude=120.0, latitude=30.0)
    station = Facility.objects.create(code="T01", name="转运站", kind=FacilityKind.TRANSFER, longitude=120.0,
                                      latitude=30.0)
    table = WasteRecord._meta.db_table
    first_day = last_day - timedelta(days=days - 1)
    classes = "(VALUES ('recyclable', 0.22), ('hazardous', 0.003), ('kitchen', 0.38), ('residual', 0.62)) AS c(name, kg)"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # A bulk load: the secondary indexes are built once afterwards, and the foreign keys' triggers
        # (the rows are made from the register itself) are off for this session.
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
                       [table, "%pkey"])
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{index_name}"')
            cursor.execute(f'DROP INDEX IF EXISTS "{index_name}"')
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO {table} (day, stage, waste_class, subclass, weight_kg, point_id, community_id, territory_path, "
            f"vehicle, facility_id, source, reading_key, reading_fingerprint, recorded_by_id, created_at) "
            f"SELECT d::date, s.stage, c.name, '', round((p.households * c.kg * (0.85 + random() * 0.3))::numeric, 1), "
            f"p.id, p.community_id, p.territory_path, '', NULL, 'demo', NULL, '', NULL, now() "
            f"FROM waste_sortingpoint p CROSS JOIN generate_series(%s::date, %s::date, '1 day') d "
            f"CROSS JOIN {classes} CROSS JOIN (VALUES ('disposal'), ('collection')) AS s(stage)",
            [first_day, last_day])
        # Each community's trips and treatment: what its points collected, a little less.
        cursor.execute(
            f"INSERT INTO {table} (day, stage, waste_class, subclass, weight_kg, point_id, community_id, territory_path, "
            f"vehicle, facility_id, source, reading_key, reading_fingerprint, recorded_by_id, created_at) "
            f"SELECT r.day, s.stage, r.waste_class, '', round(sum(r.weight_kg) * 0.99, 1), NULL, r.community_id, "
            f"u.path, CASE WHEN s.stage = 'transport' THEN 'B1' ELSE '' END, "
            f"CASE WHEN s.stage = 'transport' THEN %s ELSE %s END, 'demo', NULL, '', NULL, now() "
            f"FROM {table} r JOIN territory_unit u ON u.id = r.community_id "
            f"CROSS JOIN (VALUES ('transport'), ('treatment')) AS s(stage) "
            f"WHERE r.stage = 'collection' GROUP BY r.day, s.stage, r.waste_class, r.community_id, u.path",
            [station.pk, burner.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
        for _index_name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"SELECT count(*) FROM {table}")
        raw_rows = cursor.fetchone()[0]
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rollup_rows = rollup_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rolled = time.perf_counter() - started
    return {"subdistrict": subdistrict, "communities": communities, "raw_rows": raw_rows, "rollup_rows": rollup_rows,
            "loaded": loaded, "rolled": rolled, "first_day": first_day}


def _median(function, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    django.setup()
    from django.db import connection

    from jiedao.waste.selectors import monthly_trend, totals_by_unit, year_before

    points = max(1, round(args.points * args.scale))
    last_day = date(2026, 11, 30)
    world = _build(points, args.days, last_day)
    print(f"waste bench: {points} points in {len(world['communities'])} communities, {args.days} days: "
          f"{world['raw_rows']:,} raw rows loaded in {world['loaded']:.1f} s; "
          f"{world['rollup_rows']:,} daily totals in {world['rolled']:.1f} s")
    month_start, month_end = date(2026, 11, 1), date(2026, 12, 1)
    communities = world["communities"]

    def month_rates():
        totals_by_unit(units=communities, start=month_start, end=month_end)

    def month_raw_sql():
        # The same sums straight from the raw records: the quantities by community, stage, class and
        # facility for the month, the base period's residual, the households and the checks.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT community_id, stage, waste_class, facility_id, sum(weight_kg) FROM waste_wasterecord "
                "WHERE day >= %s AND day < %s AND stage IN ('collection', 'treatment') "
                "GROUP BY community_id, stage, waste_class, facility_id", [month_start, month_end])
            cursor.fetchall()
            cursor.execute(
                "SELECT community_id, sum(weight_kg) FROM waste_wasterecord WHERE day >= %s AND day < %s "
                "AND stage = 'collection' AND waste_class = 'residual' GROUP BY community_id",
                [year_before(month_start), year_before(month_end)])
            cursor.fetchall()
            cursor.execute("SELECT community_id, is_sorting, sum(households) FROM waste_sortingpoint "
                           "GROUP BY community_id, is_sorting")
            cursor.fetchall()

    year_start = date(2025, 12, 1)

    def year_trend():
        monthly_trend(unit=world["subdistrict"], start=year_start, end=month_end)

    def year_raw_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT date_trunc('month', day), stage, waste_class, facility_id, sum(weight_kg) "
                "FROM waste_wasterecord WHERE day >= %s AND day < %s AND stage IN ('collection', 'treatment') "
                "GROUP BY 1, 2, 3, 4", [year_start, month_end])
            cursor.fetchall()

    rates, rates_sql = _median(month_rates, args.repeat), _median(month_raw_sql, max(1, args.repeat // 2))
    trend, trend_sql = _median(year_trend, args.repeat), _median(year_raw_sql, max(1, args.repeat // 2))
    print(f"  every rate, every community ({len(communities)}), one month: {rates * 1000:.0f} ms "
          f"(target < 2000 ms); hand-written SQL on the raw records: {rates_sql * 1000:.0f} ms; "
          f"ratio {rates / rates_sql:.3f}")
    print(f"  a year's trend (12 months, by class, with the rates): {trend * 1000:.0f} ms (target < 3000 ms); "
          f"hand-written SQL on the raw records: {trend_sql * 1000:.0f} ms; ratio {trend / trend_sql:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--days", type=int, default=1096)
    parser.add_argument("--scale", type=float, default=1.0, help="a share of the points, e.g. 0.05 for a quick run")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.waste", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
