"""Open311 GeoReport v2 on the bench world (run by `bench.suite` with `--only open311`, inside the
gunicorn the suite starts):

- GET /open311/v2/requests.json and .xml with the defaults (the last 90 days, the first 1000
  published requests), sequential on one keep-alive connection: p50 / p99 (aim p99 < 100 ms),
  against the floor of the page's own SQL query run on a raw driver cursor;
- POST /open311/v2/requests.json (form-encoded, an Open311 client's key, a unique Idempotency-Key
  each) by N concurrent clients replaying the Boston sample: reports/s, p50 / p99 (aims on
  PostgreSQL: ≥ 150/s, p99 < 200 ms), against the suite's single-row INSERT + COMMIT floor; every
  201 must be one new case.
"""

import uuid
from urllib.parse import urlencode

from . import load

GET_PATHS = ("/open311/v2/requests.json", "/open311/v2/requests.xml")
POST_PATH = "/open311/v2/requests.json"


def _figure(*args, **kwargs) -> dict:
    from .suite import figure

    return figure(*args, **kwargs)


def issue_key() -> str:
    """An Open311 client for this run (issued before the server starts, like the suite's keys)."""
    from jiedao.open311.services import open311_client_issue

    _client, key = open311_client_issue(name=f"bench {uuid.uuid4().hex[:8]}")
    return key


def bench_open311_reads(count: int) -> list[dict]:
    from .suite import capture_main_query, time_raw_query

    results = []
    for path in GET_PATHS:
        client = load.Client({"Accept-Language": "zh-hans"})
        _status, payload = client.request("GET", path)
        for _ in range(5):
            client.request("GET", path)
        latencies, statuses, _last = load.timed_gets(client, path, count)
        client.close()
        sql, query_count, _status = capture_main_query(path, {"Accept-Language": "zh-hans"})
        floor = load.summary(time_raw_query(sql, len(latencies))) if sql else None
        stats = load.summary(latencies)
        records = payload.count(b'"service_request_id"') if path.endswith(".json") else payload.count(b"<request>")
        status_note = ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
        note = (f"{len(latencies)} requests; {records} records a page; {query_count} queries; HTTP {status_note}; "
                f"{len(payload):,} bytes")
        label = f"Open311 GET {path.rsplit('/', 1)[1]} (1000-record page)"
        results.append(_figure(f"{label} p50", stats["p50_ms"], "ms", floor=floor and floor["p50_ms"],
                               floor_name="its main SQL query, raw cursor, p50", note=note))
        results.append(_figure(f"{label} p99", stats["p99_ms"], "ms", aim="p99 < 100 ms",
                               passed=stats["p99_ms"] < 100 and set(statuses) == {200} and records == 1000,
                               floor=floor and floor["p99_ms"], floor_name="its main SQL query, raw cursor, p99"))
        if sql:
            results[-1]["sql"] = sql
    return results


def report_bodies(key: str) -> list[dict[str, str]]:
    """The Boston sample as Open311 POST forms (service_code = our catalogue code)."""
    from .boston import report_forms

    bodies = []
    for n, form in enumerate(report_forms()):
        bodies.append({"api_key": key, "service_code": form["item_code"], "lat": form["latitude"],
                       "long": form["longitude"], "description": form["description"],
                       "address_string": f"回放路 {n % 500 + 1} 号", "first_name": "三", "last_name": "张",
                       "phone": f"138{n % 100_000_000:08d}"})
    return bodies


def open311_load(*, bodies: list[dict[str, str]], run_id: str, concurrency: int, seconds: float, warmup: float,
                 max_requests: int) -> tuple[load.LoadResult, load.LoadResult]:
    """Closed loop like the intake bench: each client posts the next report as soon as the answer
    to the previous one came back, with a unique Idempotency-Key."""
    def report(index: int) -> tuple[str, bytes, dict[str, str]]:
        body = urlencode(bodies[index % len(bodies)]).encode()
        return POST_PATH, body, {"Idempotency-Key": f"bench-{run_id}-{index}"}

    headers = [{"Accept-Language": "en", "Content-Type": "application/x-www-form-urlencoded"} for _ in range(concurrency)]
    return load.closed_loop(client_headers=headers, request=report, seconds=seconds, warmup=warmup,
                            max_requests=max_requests)


def bench_open311_posts(*, key: str, vendor: str, concurrency: int, seconds: float, insert_floor: tuple) -> list[dict]:
    from jiedao.cases.models import Case
    from jiedao.open311.models import Open311Report
    from jiedao.open311.services import open311_key_hash

    run = uuid.uuid4().hex[:8]
    before = Case.objects.count()
    warm, timed = open311_load(bodies=report_bodies(key), run_id=run, concurrency=concurrency, seconds=seconds,
                               warmup=min(5.0, seconds / 3), max_requests=int(seconds * 3000))
    created = Case.objects.count() - before
    recorded = Open311Report.objects.filter(client__key_hash=open311_key_hash(key)).count()
    answered = warm.statuses.get(201, 0) + timed.statuses.get(201, 0)
    floor_rate, floor_latencies = insert_floor
    rate = timed.statuses.get(201, 0) / timed.seconds
    stats, floor_stats = load.summary(timed.latencies), load.summary(floor_latencies)
    postgres = vendor == "postgresql"
    errors = timed.errors + warm.errors
    notes = "; ".join(timed.sample_errors + warm.sample_errors)
    return [
        _figure(f"Open311 POST requests/s ({concurrency} clients, {timed.seconds:.0f} s, Boston replay)", rate, "/s",
                aim="≥ 150 (PostgreSQL)", passed=rate >= 150 if postgres else None, floor=floor_rate,
                floor_name="single-row INSERT + COMMIT loop, one process, rows/s",
                note=f"{timed.ok:,} created in the timed window, {warm.ok:,} in the warm-up"),
        _figure("Open311 POST p50", stats["p50_ms"], "ms", floor=floor_stats["p50_ms"],
                floor_name="one INSERT + COMMIT, p50"),
        _figure("Open311 POST p99", stats["p99_ms"], "ms", aim="< 200 ms (PostgreSQL)",
                passed=stats["p99_ms"] < 200 if postgres else None, floor=floor_stats["p99_ms"],
                floor_name="one INSERT + COMMIT, p99"),
        _figure("Open311 POST errors (non-2xx or failed)", errors, "", aim="0", passed=errors == 0, note=notes[:400]),
        _figure("Open311 POST check: cases created = 201 answers", created, "", aim=f"= {answered}",
                passed=created == answered == recorded,
                note=f"{created} new cases, {recorded} Open311 reports of this client, {answered} answers 201"),
    ]


def bench_open311(*, vendor: str, concurrency: int, seconds: float, reads: int, insert_floor: tuple,
                  key: str) -> list[dict]:
    """Reads first (on the world as built), then the POST load."""
    return bench_open311_reads(reads) + bench_open311_posts(key=key, vendor=vendor, concurrency=concurrency,
                                                            seconds=seconds, insert_floor=insert_floor)
