"""Optional sampling of the gunicorn workers with py-spy during the intake run (`--profile`):
collapsed stacks are written next to the results, and a summary of where the workers' time
goes (inclusive share per jiedao function, and per leaf function) is printed."""

import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

from . import load


def py_spy() -> str | None:
    return (os.environ.get("BENCH_PY_SPY") or shutil.which("py-spy")
            or next((p for p in ["/tmp/pyspy/bin/py-spy"] if Path(p).exists()), None))


def start(server: load.Server, *, seconds: float, out: str) -> subprocess.Popen | None:
    binary = py_spy()
    if binary is None:
        print("    py-spy not found (pip install py-spy, or set BENCH_PY_SPY); no profile", flush=True)
        return None
    command = [binary, "record", "--pid", str(server.process.pid), "--subprocesses", "--rate", "200",
               "--duration", str(int(seconds)), "--format", "raw", "--nonblocking", "--output", out]
    process = subprocess.Popen(command, env=os.environ, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    return process


def finish(process: subprocess.Popen, *, out: str) -> None:
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.terminate()
        process.wait()
    if Path(out).exists():
        print(summary(Path(out)), flush=True)


def summary(path: Path, top: int = 25) -> str:
    inclusive: Counter = Counter()
    leaves: Counter = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")
        # Idle threads (waiting for a request) are not time spent on one.
        if any("wait_for_event" in f or "select (selectors.py" in f or "accept (socket.py" in f for f in frames[-3:]):
            continue
        total += samples
        leaves[frames[-1]] += samples
        for frame in set(frames):
            if "jiedao/" in frame or "django/db/models/sql/compiler.py" in frame or "psycopg" in frame:
                inclusive[frame] += samples
    lines = [f"    profile: {total} busy samples in {path.name}", "    inclusive, jiedao frames and ORM:"]
    lines += [f"      {n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(top)] if total else []
    lines.append("    leaf functions:")
    lines += [f"      {n / total:6.1%}  {frame}" for frame, n in leaves.most_common(12)] if total else []
    return "\n".join(lines)
