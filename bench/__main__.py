"""`python -m bench [--db sqlite|postgres|both] [--quick]`: the speed figures of the issue, each
beside its aim and the floor it is judged against. See bench/README.md."""

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime

from . import common, load


def ensure_world(db: str, cases: int) -> None:
    """Build the cached world unless its schema key matches (then it is reused as it is)."""
    key = common.schema_key(cases)
    started = time.perf_counter()
    if db == "postgres":
        template = common.pg_template_db(cases)
        if common.pg_database_comment(template) == key:
            print(f"  [{db}] world {template} is current (key {key}); reusing it")
            return
        print(f"  [{db}] building world {template} ({cases:,} cases)…", flush=True)
        common.pg_drop(template)
        with common.pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{template}"')
        common.run_child("bench.world", ["--cases", str(cases)], url=common.database_url(db, name=template),
                         timeout=900)
        with common.pg_admin() as conn:
            conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{key}'")
    else:
        path = common.sqlite_world_path(cases)
        if common.sqlite_key(path) == key:
            print(f"  [{db}] world {path.name} is current (key {key}); reusing it")
            return
        print(f"  [{db}] building world {path.name} ({cases:,} cases)…", flush=True)
        common.VAR_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", ".key"):
            (path.parent / (path.name + suffix) if suffix != ".key" else path.with_suffix(".key")).unlink(
                missing_ok=True)
        common.run_child("bench.world", ["--cases", str(cases)], url=common.database_url(db, path=path), timeout=900)
        path.with_suffix(".key").write_text(key)
    print(f"  [{db}] world built in {time.perf_counter() - started:.0f} s", flush=True)


def run_database(db: str, args) -> dict:
    cases = common.QUICK_CASES if args.quick else common.FULL_CASES
    ensure_world(db, cases)
    started = time.perf_counter()
    if db == "postgres":
        common.pg_clone(common.pg_template_db(cases), common.PG_WORK_DB)
        url = common.database_url(db)
    else:
        common.sqlite_clone(common.sqlite_world_path(cases), common.sqlite_work_path())
        url = common.database_url(db)
    print(f"  [{db}] work copy ready in {time.perf_counter() - started:.0f} s", flush=True)
    out = common.VAR_DIR / f"result-{db}.json"
    out.unlink(missing_ok=True)
    suite = ["--db", db, "--cases", str(cases), "--out", str(out), "--workers", str(args.workers),
             "--threads", str(args.threads), "--concurrency", str(args.concurrency),
             "--seconds", str(8 if args.quick else args.seconds), "--reads", str(60 if args.quick else args.reads),
             "--only", args.only]
    if args.quick:
        suite.append("--quick")
    if args.profile:
        common.RESULTS_DIR.mkdir(exist_ok=True)
        suite += ["--profile", str(common.RESULTS_DIR / f"intake-profile-{db}.txt")]
    try:
        common.run_child("bench.suite", suite, url=url, timeout=1200)
    finally:
        if db == "postgres" and not args.keep:
            common.pg_drop(common.PG_WORK_DB)
    return json.loads(out.read_text())


def fmt(value, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def table(result: dict) -> str:
    header = (f"{result['db']} ({result['vendor']}): {result['cases_in_database']:,} cases at start; "
              f"gunicorn gthread {result['workers']} workers × {result['threads']} threads; "
              f"{result['seconds']:.0f} s")
    rows = [("figure", "value", "aim", "ok", "floor", "ratio")]
    for f in result["figures"]:
        ok = {True: "yes", False: "NO", None: ""}[f["passed"]]
        floor = f"{fmt(f['floor'], f['unit'])}" if f["floor"] else "—"
        ratio = f"{f['ratio']:.2f}×" if f["ratio"] else "—"
        rows.append((f["figure"], fmt(f["value"], f["unit"]), f["aim"] or "—", ok, floor, ratio))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [header, "-" * len(header)]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                               for i, cell in enumerate(row)))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    floors = sorted({f["floor_name"] for f in result["figures"] if f["floor_name"]})
    lines.append("floors: " + "; ".join(floors))
    notes = [f"  · {f['figure']}: {f['note']}" for f in result["figures"] if f.get("note")]
    return "\n".join([*lines, "notes:", *notes])


def main() -> None:
    if sys.argv[1:2] == ["upload-memory"]:  # the memory bound of point 6: bench/uploads.py
        from . import uploads

        sys.argv = [f"{sys.argv[0]} upload-memory", *sys.argv[2:]]
        uploads.main()
        return
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="100,000 cases, 8 s of intake, 60 reads a series")
    parser.add_argument("--workers", type=int, default=load.cpu_count() + 1)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--only", default="lookups,reads,intake,supervision,open311,campaigns")
    parser.add_argument("--profile", action="store_true",
                        help="sample the gunicorn workers with py-spy during intake (bench/results/)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL work database afterwards")
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick, "databases": {}}
    for db in databases:
        print(f"== {db}", flush=True)
        results["databases"][db] = run_database(db, args)
    print()
    for db in databases:
        print(table(results["databases"][db]))
        print()
    common.RESULTS_DIR.mkdir(exist_ok=True)
    (common.RESULTS_DIR / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    failed = [f["figure"] for r in results["databases"].values() for f in r["figures"] if f["passed"] is False]
    if failed:
        print("below aim: " + "; ".join(failed))
    sys.exit(0)


if __name__ == "__main__":
    main()
