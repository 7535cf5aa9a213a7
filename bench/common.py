"""Paths, database addresses and the cache key shared by the bench's processes.

Nothing here imports Django: the orchestrator (`__main__`) only starts processes, creates and
drops databases, and prints; every measurement runs in a child process that has its own
DATABASE_URL before Django starts.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
VAR_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable

PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_WORK_DB = "jiedao_bench"
# Bump when the world builder changes what it makes, so cached worlds are rebuilt.
WORLD_VERSION = "3"

FULL_CASES = 1_000_000
QUICK_CASES = 100_000


def world_name(cases: int) -> str:
    return "1m" if cases == FULL_CASES else f"{cases // 1000}k"


def pg_template_db(cases: int) -> str:
    return f"jiedao_bench_{world_name(cases)}"


def sqlite_world_path(cases: int) -> Path:
    return VAR_DIR / f"world-{world_name(cases)}.sqlite3"


def sqlite_work_path() -> Path:
    return VAR_DIR / "jiedao_bench.sqlite3"


def database_url(db: str, *, name: str | None = None, path: Path | None = None) -> str:
    if db == "postgres":
        return f"{PG_SERVER}/{name or PG_WORK_DB}"
    return f"sqlite:///{path or sqlite_work_path()}"


def schema_key(cases: int) -> str:
    """Changes when any migration file, the world builder or the world size changes."""
    digest = hashlib.sha256(f"world={WORLD_VERSION};cases={cases}".encode())
    for path in sorted((ROOT / "jiedao").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update((BENCH_DIR / "world.py").read_bytes())
    return digest.hexdigest()[:16]


def pg_admin():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def pg_database_comment(name: str) -> str | None:
    with pg_admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row[0] if row else None


def pg_drop(name: str) -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_clone(template: str, name: str) -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def sqlite_key(path: Path) -> str | None:
    key_file = path.with_suffix(".key")
    if not path.exists() or not key_file.exists():
        return None
    return key_file.read_text().strip()


def sqlite_clone(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the world may be in WAL mode)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst, pages=65536)
    src.close()
    dst.close()


BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "jiedao.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        # Uploads are not part of the bench; keep any file the app writes out of var/media.
        "MEDIA_ROOT": str(VAR_DIR / "media"),
    })
    if url.startswith("postgres"):
        # Production runs with Redis (cache, sessions, the worker's queue): so does the bench on
        # PostgreSQL, in a database of its own that the suite empties first.
        env["REDIS_URL"] = BENCH_REDIS_URL
    return env


def run_child(module: str, args: list[str], *, url: str, timeout: float) -> None:
    subprocess.run([PYTHON, "-m", module, *args], cwd=ROOT, env=child_env(url), check=True, timeout=timeout)


def run_in_own_database(*, module: str, name: str, argv: list[str]) -> None:
    """A bench that builds its own world: `name` created afresh on PG_SERVER, migrated, `module` run
    in a child process (`--child`) against it, and dropped afterwards whatever happened."""
    import psycopg

    def admin():
        return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)

    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{PG_SERVER}/{name}", "DJANGO_SETTINGS_MODULE": "jiedao.settings"}
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "-m", module, "--child", *argv], cwd=ROOT, env=env, check=True)
    finally:
        with admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentiles(timings: list[float]) -> tuple[float, float]:
    """p50 and p99 of a list of timings."""
    timings = sorted(timings)
    return timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))]
