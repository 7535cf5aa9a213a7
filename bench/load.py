"""The HTTP side: start and stop gunicorn, a keep-alive client, closed-loop load and latency figures.
Plain `http.client`, so the client's own cost stays small and visible."""

import http.client
import itertools
import json
import os
import signal
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import common

HOST, PORT = "127.0.0.1", 8765


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Server:
    """gunicorn serving jiedao.wsgi on 127.0.0.1:8765 with the given database."""

    def __init__(self, *, url: str, workers: int, threads: int):
        self.url, self.workers, self.threads = url, workers, threads
        self.process: subprocess.Popen | None = None
        self.log = common.VAR_DIR / "gunicorn.log"

    def __enter__(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(common.ROOT / ".venv" / "bin" / "gunicorn"), "jiedao.wsgi",
            "--bind", f"{HOST}:{PORT}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", str(self.threads),
            "--keep-alive", "10", "--backlog", "512", "--timeout", "60",
            "--error-logfile", str(self.log), "--log-level", "warning",
        ]
        self.process = subprocess.Popen(command, cwd=common.ROOT, env=common.child_env(self.url),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
                connection.request("GET", "/api/v1/inbox")
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, headers: dict[str, str] | None = None):
        self.headers = headers or {}
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        all_headers = {**self.headers, **(headers or {})}
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    exceptions: int = 0
    sample_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def errors(self) -> int:
        return self.exceptions + sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


def closed_loop(*, client_headers: list[dict[str, str]], request: Callable[[int], tuple[str, bytes, dict[str, str]]],
                seconds: float, warmup: float, max_requests: int) -> tuple[LoadResult, LoadResult]:
    """Closed loop: one client per entry of `client_headers`, each on its own keep-alive connection,
    sends request N (`request(N)` → path, body, headers) as soon as its previous answer came back.
    Returns (warm-up, timed) results."""
    counter = itertools.count()
    lock = threading.Lock()
    warm, timed = LoadResult(warmup), LoadResult(seconds)
    start = time.perf_counter()
    warm_end, end = start + warmup, start + warmup + seconds

    def client_loop(headers: dict[str, str]) -> None:
        client = Client(headers)
        try:
            while True:
                with lock:
                    index = next(counter)
                if time.perf_counter() >= end or index >= max_requests:
                    return
                path, body, extra = request(index)
                began = time.perf_counter()
                try:
                    status, payload = client.request("POST", path, body, extra)
                except OSError as error:
                    status, payload = None, str(error).encode()
                finished = time.perf_counter()
                result = warm if began < warm_end else timed
                with lock:
                    if status is None:
                        result.exceptions += 1
                    else:
                        result.statuses[status] = result.statuses.get(status, 0) + 1
                        result.latencies.append(finished - began)
                    if (status is None or status >= 300) and len(result.sample_errors) < 5:
                        result.sample_errors.append(f"{status}: {payload[:200]!r}")
        finally:
            client.close()

    threads = [threading.Thread(target=client_loop, args=(headers,)) for headers in client_headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return warm, timed


def intake_load(*, tokens: list[str], forms: list[dict[str, str]], run_id: str, concurrency: int,
                seconds: float, warmup: float, max_requests: int) -> tuple[LoadResult, LoadResult]:
    """`concurrency` clients, each with its own grid worker's token, POST the next Boston report as
    soon as the previous answer came back; every request carries a unique client key."""
    def report(index: int) -> tuple[str, bytes, dict[str, str]]:
        body, content_type = multipart(dict(forms[index % len(forms)], client_key=f"bench-{run_id}-{index}"))
        return "/api/v1/cases", body, {"Content-Type": content_type}

    headers = [{"Authorization": f"Bearer {tokens[n % len(tokens)]}", "Accept-Language": "en"}
               for n in range(concurrency)]
    return closed_loop(client_headers=headers, request=report, seconds=seconds, warmup=warmup,
                       max_requests=max_requests)


def timed_gets(client: Client, path: str | Callable[[], str], count: int,
               max_seconds: float = 30) -> tuple[list[float], dict[int, int], bytes]:
    """`count` sequential GETs on one keep-alive connection (fewer if they take more than
    `max_seconds` in all, so a slow page cannot hold the bench up); latencies in seconds."""
    latencies, statuses, last = [], {}, b""
    stop = time.perf_counter() + max_seconds
    for _ in range(count):
        if time.perf_counter() > stop:
            break
        target = path() if callable(path) else path
        began = time.perf_counter()
        status, last = client.request("GET", target)
        latencies.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
    return latencies, statuses, last


def summary(latencies: list[float]) -> dict[str, float]:
    return {"n": len(latencies), "p50_ms": percentile(latencies, 0.50) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan")}


def api_path(**params: str) -> str:
    return "/api/v1/cases?" + urlencode(params)


def next_cursor(payload: bytes) -> str | None:
    try:
        return json.loads(payload).get("next_cursor")
    except (ValueError, AttributeError):
        return None


def cpu_count() -> int:
    return os.cpu_count() or 2
