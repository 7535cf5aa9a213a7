"""The bench world: 10,000 grid polygons under 100 communities and 4 areas, the default catalogue,
case rules and calendar, a few people per role, and N cases written in bulk.

Run as a child process with DATABASE_URL pointing at the world database:

    python -m bench.world --db postgres --cases 1000000

The world is cached: a PostgreSQL template database `jiedao_bench_1m` (its comment holds the
schema key) or `var/bench/world-1m.sqlite3` (key in `world-1m.key`). The key changes when a
migration file, this file or the size changes (`common.schema_key`), and only then is the world
rebuilt. Cases are generated with numpy from a fixed seed and written with COPY (PostgreSQL) or
one executemany in one transaction (SQLite), with the secondary indexes dropped during the load
and built again after it.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from . import common

# The grid area (WGS-84): 100 × 100 cells of 0.001° (about 100 m × 110 m), 10 km × 11 km in all.
WEST, SOUTH = 120.10, 30.20
CELLS = 100
CELL = 0.001
EAST, NORTH = WEST + CELLS * CELL, SOUTH + CELLS * CELL
DISTRICT_CODE = "330199"
SUBDISTRICT_CODE = "330199001"
BLOCK = 10  # a community is a block of 10 × 10 grids
AREA_COUNT = 4
PASSWORD = "bench-pass-1234"
GRID_WORKERS = 32
HANDLER_DEPARTMENT = "D02"  # the persona department handler works here (sanitation: many cases)
WINDOW_DAYS = 60
SEED = 20261129


# ---------------------------------------------------------------- geometry (pure)

def grid_vertices(seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(CELLS+1)² vertices; the inner ones jittered by up to a quarter cell, shared by neighbours,
    so the quadrilaterals tile the rectangle with no gap or overlap."""
    rng = np.random.default_rng(seed)
    xs = WEST + np.arange(CELLS + 1)[:, None] * CELL + np.zeros((1, CELLS + 1))
    ys = SOUTH + np.arange(CELLS + 1)[None, :] * CELL + np.zeros((CELLS + 1, 1))
    jitter = rng.uniform(-0.25, 0.25, size=(2, CELLS + 1, CELLS + 1)) * CELL
    jitter[:, [0, -1], :] = 0
    jitter[:, :, [0, -1]] = 0
    return np.round(xs + jitter[0], 6), np.round(ys + jitter[1], 6)


def cell_ring(xs: np.ndarray, ys: np.ndarray, column: int, row: int) -> list[list[float]]:
    corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1), (column, row)]
    return [[float(xs[i, j]), float(ys[i, j])] for i, j in corners]


def community_index(column: int, row: int) -> int:
    blocks = CELLS // BLOCK
    return (row // BLOCK) * blocks + column // BLOCK


def grid_code(column: int, row: int) -> str:
    community = community_index(column, row)
    sequence = (row % BLOCK) * BLOCK + column % BLOCK + 1
    return f"{SUBDISTRICT_CODE}{community + 1:03d}{sequence:03d}"


# ---------------------------------------------------------------- territory, catalogue, people

@dataclass
class Built:
    subdistrict_path: str
    grid_ids: np.ndarray  # by cell index (row * CELLS + column)
    grid_paths: list[str]
    grid_classes: list[str]
    community_ids: np.ndarray
    centres: np.ndarray  # (cells, 2)
    people: dict


def build_territory(stdout) -> Built:
    from jiedao.territory.models import GridClass, Unit, UnitLevel

    district = Unit.objects.create(level=UnitLevel.DISTRICT, code=DISTRICT_CODE, name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code=SUBDISTRICT_CODE,
                                      name="青溪街道（压测）")
    areas = [Unit.objects.create(parent=subdistrict, level=UnitLevel.AREA, code=f"{SUBDISTRICT_CODE}A{a + 1:02d}",
                                 name=f"第{a + 1}片区") for a in range(AREA_COUNT)]
    communities_count = (CELLS // BLOCK) ** 2
    per_area = communities_count // AREA_COUNT
    communities = []
    for index in range(communities_count):
        area = areas[index // per_area]
        code = f"{SUBDISTRICT_CODE}{index + 1:03d}"
        communities.append(Unit(parent=area, level=UnitLevel.COMMUNITY, code=code, name=f"第{index + 1}社区",
                                path=f"{area.path}{code}/"))
    communities = Unit.objects.bulk_create(communities)

    xs, ys = grid_vertices()
    grids, centres, community_ids = [], [], []
    for row in range(CELLS):
        for column in range(CELLS):
            community = communities[community_index(column, row)]
            code = grid_code(column, row)
            ring = cell_ring(xs, ys, column, row)
            # The inner city (the middle half) is 一类, the rest 二类.
            inner = CELLS // 4 <= column < 3 * CELLS // 4 and CELLS // 4 <= row < 3 * CELLS // 4
            grids.append(Unit(parent=community, level=UnitLevel.GRID, code=code, name=f"网格{code[-6:]}",
                              path=f"{community.path}{code}/", boundary={"type": "Polygon", "coordinates": [ring]},
                              grid_class=GridClass.FIRST if inner else GridClass.SECOND))
            centres.append(np.mean(np.array(ring[:4]), axis=0))
            community_ids.append(community.pk)
    grids = Unit.objects.bulk_create(grids, batch_size=2000)
    stdout.write(f"  territory: {len(grids)} grids, {len(communities)} communities, {len(areas)} areas\n")
    people = build_people(subdistrict=subdistrict, grids=grids)
    return Built(subdistrict_path=subdistrict.path, grid_ids=np.array([g.pk for g in grids]),
                 grid_paths=[g.path for g in grids], grid_classes=[g.grid_class for g in grids],
                 community_ids=np.array(community_ids), centres=np.array(centres), people=people)


def build_people(*, subdistrict, grids) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from jiedao.territory.models import Duty, Organisation, Role

    user_model = get_user_model()
    password = make_password(PASSWORD)
    handler_department = Organisation.objects.get(code=HANDLER_DEPARTMENT)

    def person(username: str, role: str, *, unit=None, organisation=None):
        user = user_model.objects.create(username=username, password=password, full_name=username)
        Duty.objects.create(user=user, role=role, unit=unit, organisation=organisation)
        return user

    people = {
        "intake_clerk": person("bench_intake_clerk", Role.INTAKE_CLERK, unit=subdistrict),
        "shift_lead": person("bench_shift_lead", Role.SHIFT_LEAD, unit=subdistrict),
        "dispatcher": person("bench_dispatcher", Role.DISPATCHER, unit=subdistrict),
        "inspector": person("bench_inspector", Role.INSPECTOR, unit=subdistrict),
        "handler": person("bench_handler", Role.DEPARTMENT_HANDLER, organisation=handler_department),
    }
    step = len(grids) // GRID_WORKERS
    people["grid_workers"] = [person(f"bench_grid_worker_{n:02d}", Role.GRID_WORKER, unit=grids[n * step])
                              for n in range(GRID_WORKERS)]
    return people


# ---------------------------------------------------------------- cases (numpy, then bulk)

# States by age: cases of the last two days are still mostly early in the loop; older ones mostly closed.
STATES = ["reported", "verifying", "accepted", "filed", "handling", "suspended", "fixed", "checked",
          "self_handled", "closed", "voided"]
RECENT_MIX = [0.22, 0.04, 0.06, 0.06, 0.30, 0.01, 0.08, 0.05, 0.02, 0.15, 0.01]
OLDER_MIX = [0.02, 0.00, 0.01, 0.01, 0.07, 0.015, 0.02, 0.015, 0.00, 0.82, 0.03]
DISPATCHED = {"handling", "suspended", "fixed", "checked", "closed"}
SOURCES = ["patrol", "resident", "hotline", "leader", "inspection", "video", "self_check"]
SOURCE_MIX = [0.45, 0.20, 0.25, 0.01, 0.03, 0.05, 0.01]


def _catalogue_choices():
    """Items weighted like the Boston sample's types, with the rule and department each is filed under."""
    import csv
    import gzip
    from collections import Counter

    from jiedao.catalogue.models import CaseRule, CatalogueItem
    from jiedao.territory.models import Organisation

    from .boston import KIND_BY_LABEL, MAPPING_CSV, SAMPLE_CSV

    with open(MAPPING_CSV, encoding="utf-8", newline="") as handle:
        mapping = {row["boston_type"]: row for row in csv.DictReader(handle)}
    with gzip.open(SAMPLE_CSV, "rt", encoding="utf-8", newline="") as handle:
        counts = Counter(row["type"] for row in csv.DictReader(handle) if row["type"] in mapping)
    departments = {o.code: o.pk for o in Organisation.objects.all()}
    fallback_department = departments[HANDLER_DEPARTMENT]
    weights: Counter = Counter()
    for boston_type, count in counts.items():
        row = mapping[boston_type]
        weights[(KIND_BY_LABEL[row["item_kind"]], row["item_code"], row["department_code"])] += count
    choices = []
    for (kind, code, department_code), weight in weights.items():
        item = CatalogueItem.objects.filter(kind=kind, code=code).order_by("is_local_extension", "pk").first()
        if item is None:
            continue
        rule = CaseRule.objects.filter(item=item, is_active=True).order_by("severity", "grid_class").first()
        department = (rule.department_id if rule and rule.department_id else
                      departments.get(department_code, fallback_department))
        choices.append((weight, item.pk, rule.pk if rule else None,
                        rule.deadline_value if rule else 3, rule.deadline_unit if rule else "working_days",
                        department))
    return choices


def _iso(values: np.ndarray, mask: np.ndarray | None = None) -> list[str | None]:
    """datetime64[us] → 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC); None where mask is False."""
    text = np.char.replace(np.datetime_as_string(values, unit="us"), "T", " ").tolist()
    if mask is None:
        return text
    return [t if m else None for t, m in zip(text, mask.tolist(), strict=True)]


def generate_cases(count: int, built: Built, *, now: datetime) -> tuple[list[str], list[list]]:
    """Column names and column values (strings or None) for `count` cases, oldest first."""
    from jiedao.cases.models import Case

    rng = np.random.default_rng(SEED)
    now64 = np.datetime64(now.replace(tzinfo=None), "us")
    minute = np.timedelta64(60_000_000, "us")
    ages = np.sort(rng.uniform(0, WINDOW_DAYS * 24 * 60, size=count))[::-1]  # minutes before now
    reported = now64 - (ages * 60_000_000).astype("timedelta64[us]")

    cell_weights = rng.gamma(1.5, size=len(built.grid_ids))
    cells = rng.choice(len(built.grid_ids), size=count, p=cell_weights / cell_weights.sum())
    offsets = rng.uniform(-0.15, 0.15, size=(count, 2)) * CELL
    points = built.centres[cells] + offsets

    choices = _catalogue_choices()
    weights = np.array([c[0] for c in choices], dtype=float)
    picked = rng.choice(len(choices), size=count, p=weights / weights.sum())
    item_ids = np.array([c[1] for c in choices])[picked]
    rule_ids = np.array([c[2] or 0 for c in choices])[picked]
    deadline_values = np.array([c[3] for c in choices])[picked]
    deadline_units = np.array([c[4] for c in choices])[picked]
    departments = np.array([c[5] for c in choices])[picked]

    recent = ages < 2 * 24 * 60
    states = np.where(recent, rng.choice(len(STATES), size=count, p=np.array(RECENT_MIX) / sum(RECENT_MIX)),
                      rng.choice(len(STATES), size=count, p=np.array(OLDER_MIX) / sum(OLDER_MIX)))
    state_names = np.array(STATES)[states]
    dispatched = np.isin(state_names, list(DISPATCHED))
    filed = dispatched | (state_names == "filed")
    fixed = np.isin(state_names, ["fixed", "checked", "closed"])
    closed = state_names == "closed"

    # The clock: minutes after the report of each step, bounded by the case's age.
    def after(base, low, high, mask):
        span = np.minimum(rng.uniform(low, high, size=count), np.maximum((now64 - base) / minute - 1, 0))
        return base + (span * 60_000_000).astype("timedelta64[us]"), mask

    filed_at, _ = after(reported, 5, 90, filed)
    dispatched_at, _ = after(filed_at, 2, 60, dispatched)
    budget_hours = np.where(deadline_units == "working_days", deadline_values * 8,
                            np.where(deadline_units == "calendar_days", deadline_values * 24, deadline_values))
    budget_minutes = (budget_hours * 60).astype(int)
    # Working time stretched over the calendar: about three clock hours per working hour.
    deadline_at = dispatched_at + (budget_minutes * 3 * 60_000_000).astype("timedelta64[us]")
    fix_share = rng.lognormal(-0.7, 0.6, size=count)  # most fixes at about half the budget, a long tail
    fixed_at = np.minimum(dispatched_at + (budget_minutes * 3 * fix_share * 60_000_000).astype("timedelta64[us]"),
                          now64 - minute)
    fixed_at = np.maximum(fixed_at, dispatched_at)
    closed_at = np.minimum(fixed_at + (rng.uniform(10, 240, size=count) * 60_000_000).astype("timedelta64[us]"),
                           now64)
    clocked = np.isin(state_names, ["handling", "suspended", "fixed", "checked", "closed"])
    suspended = state_names == "suspended"
    overdue_close = closed & (fixed_at > deadline_at)

    source_index = rng.choice(len(SOURCES), size=count, p=SOURCE_MIX)
    sources = np.array(SOURCES)[source_index]
    workers = built.people["grid_workers"]
    worker_ids = np.array([w.pk for w in workers])[rng.integers(0, len(workers), size=count)]
    reporter = np.where(sources == "patrol", worker_ids, 0)
    inspector = built.people["inspector"].pk
    handler = built.people["handler"].pk

    last_step = np.where(closed, closed_at, np.where(fixed, fixed_at, np.where(dispatched, dispatched_at,
                                                                                np.where(filed, filed_at, reported))))
    years = reported.astype("datetime64[Y]").astype(int) + 1970
    numbers = []
    per_year: dict[int, int] = {}
    for year in years.tolist():
        per_year[year] = per_year.get(year, 0) + 1
        numbers.append(f"{year}-{per_year[year]:06d}")

    def ints(values, mask=None):
        text = values.astype(int).astype(str).tolist()
        return text if mask is None else [t if m else None for t, m in zip(text, mask.tolist(), strict=True)]

    def floats(values):
        return [f"{v:.6f}" for v in values.tolist()]

    def flags(mask):
        return ["1" if m else "0" for m in mask.tolist()]

    paths = [built.grid_paths[c] for c in cells.tolist()]
    classes = [built.grid_classes[c] for c in cells.tolist()]
    addresses = [f"第{c // CELLS + 1}街 {c % CELLS + 1} 号附近" for c in cells.tolist()]
    descriptions = [f"压测案件 {n}" for n in numbers]
    values = {
        "number": numbers,
        "state": state_names.tolist(),
        "source": sources.tolist(),
        "item_id": ints(item_ids),
        "rule_id": ints(rule_ids, filed & (rule_ids > 0)),
        "description": descriptions,
        "address": addresses,
        "longitude": floats(points[:, 0]),
        "latitude": floats(points[:, 1]),
        "grid_id": ints(built.grid_ids[cells]),
        "territory_path": paths,
        "grid_class": classes,
        "territorial_owner_id": ints(built.community_ids[cells], dispatched),
        "department_id": ints(departments, dispatched),
        "reporter_id": ints(reporter, reporter > 0),
        "reporter_name": ["" if r else "市民" for r in (reporter > 0).tolist()],
        "reporter_phone": ["" if r else "13800001234" for r in (reporter > 0).tolist()],
        "assignee_id": ints(np.full(count, inspector), np.isin(state_names, ["verifying", "fixed"])),
        "fixed_by_id": ints(np.full(count, handler), fixed),
        "reported_at": _iso(reported),
        "filed_at": _iso(filed_at, filed),
        "dispatched_at": _iso(dispatched_at, dispatched),
        "fixed_at": _iso(fixed_at, fixed),
        "closed_at": _iso(closed_at, closed),
        "deadline_unit": [u if d else "" for u, d in zip(deadline_units.tolist(), filed.tolist(), strict=True)],
        "time_budget_minutes": ints(budget_minutes, filed),
        "deadline_at": _iso(deadline_at, clocked),
        "suspended_at": _iso(np.maximum(dispatched_at, now64 - 3 * 24 * 60 * minute), suspended),
        "closure_type": ["overdue" if o else ("normal" if c else "")
                         for c, o in zip(closed.tolist(), overdue_close.tolist(), strict=True)],
        "is_self_handled": flags(state_names == "self_handled"),
        "version": ints(1 + filed.astype(int) + dispatched.astype(int) + fixed.astype(int) * 2 + closed.astype(int)),
        "created_at": _iso(reported),
        "updated_at": _iso(last_step),
    }
    columns, data = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in values:
            data.append(values[field.column])
            continue
        default = field.get_default() if field.has_default() else (None if field.null else "")
        if isinstance(default, bool):
            default = "1" if default else "0"
        data.append([None if default is None else str(default)] * count)
    return columns, data


def _secondary_indexes_pg(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table])
    return cursor.fetchall()


def load_cases(columns: list[str], data: list[list], stdout) -> None:
    from django.db import connection

    table = "cases_case"
    count = len(data[0])
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor:
            indexes = _secondary_indexes_pg(cursor, table)
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            # The world is consistent by construction; skip the per-row FK triggers during the load.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            chunk = 100_000
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for start in range(0, count, chunk):
                    rows = zip(*(column[start:start + chunk] for column in data), strict=True)
                    copy.write("".join(
                        "\t".join(r"\N" if v is None else v for v in row) + "\n" for row in rows))
            cursor.execute("SET session_replication_role = DEFAULT")
            loaded = time.perf_counter()
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        raw.commit()
    else:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -262144")
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [table]).fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        placeholders = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                           zip(*data, strict=True))
        loaded = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        raw.commit()
        cursor.close()
    stdout.write(f"  cases: {count:,} loaded in {loaded - started:.1f} s, indexes in "
                 f"{time.perf_counter() - loaded:.1f} s\n")


def set_number_sequences(columns: list[str], data: list[list]) -> None:
    from jiedao.cases.models import CaseNumberSequence

    last: dict[int, int] = {}
    for number in data[columns.index("number")]:
        year, sequence = number.split("-")
        last[int(year)] = max(last.get(int(year), 0), int(sequence))
    CaseNumberSequence.objects.bulk_create([CaseNumberSequence(year=y, last=n) for y, n in last.items()])


def build(count: int, stdout=sys.stdout) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_catalogue", verbosity=0)
    call_command("seed_worktime", verbosity=0)
    stdout.write(f"  migrated and seeded in {time.perf_counter() - started:.1f} s\n")
    with transaction.atomic():
        built = build_territory(stdout)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    generated = time.perf_counter()
    columns, data = generate_cases(count, built, now=now)
    stdout.write(f"  generated {count:,} cases in {time.perf_counter() - generated:.1f} s\n")
    load_cases(columns, data, stdout)
    set_number_sequences(columns, data)
    analysed = time.perf_counter()
    if connection.vendor == "postgresql":
        connection.close()
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as raw:
            raw.execute("VACUUM (ANALYZE)")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    stdout.write(f"  analysed in {time.perf_counter() - analysed:.1f} s; world built in "
                 f"{time.perf_counter() - started:.1f} s\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the bench world in DATABASE_URL (empty database).")
    parser.add_argument("--cases", type=int, default=common.FULL_CASES)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    import django

    django.setup()
    build(args.cases)


if __name__ == "__main__":
    main()
