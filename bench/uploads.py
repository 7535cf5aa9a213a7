"""`python -m bench upload-memory`: 8 anonymous residents post the worst photo the portal accepts, at
once, to gunicorn as production runs it; the server's peak memory is printed against its ceiling.

The worst accepted photo is an RGBA PNG at the whole pixel budget (JIEDAO_PHOTO_MAX_PIXELS, 4096 ×
4096): it is decoded at full size (4 bytes a pixel, no draft mode for PNG) and re-encoded as PNG.
Each client posts as many of them as one submission may carry (CasePolicy.photos_per_request), for
`--rounds` rounds, with the portal's rate limit off so every post is processed.

The ceiling: each gunicorn process's idle footprint, plus for each request being served at once
3 decoded photos' worth (the decoded pixels, the encoder's and the thumbnail's working copies):
    ceiling = processes × BASE_MIB + min(clients, workers × threads) × 3 × 4 B × pixel budget
Peak memory is measured two ways: the highest sum of the processes' RSS sampled every 20 ms, and
the sum of each process's own high-water mark (VmHWM, an upper bound of the simultaneous peak)."""

import argparse
import http.client
import io
import json
import os
import subprocess
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

from . import common, load

BASE_MIB = 160  # a gunicorn worker with Django, GEOS/shapely and Pillow loaded, after its first requests
MIB = 1024 * 1024


def worst_photo(pixels: int) -> bytes:
    """An RGBA PNG of exactly the pixel budget, with enough texture that it is not trivially small."""
    from PIL import Image, ImageDraw

    side = int(pixels ** 0.5)
    image = Image.new("RGBA", (side, side), (40, 90, 160, 255))
    draw = ImageDraw.Draw(image)
    for step in range(0, side, 64):
        draw.line([(0, step), (side, side - step)], fill=(step % 255, 200, 80, 128), width=9)
        draw.line([(step, 0), (side - step, side)], fill=(220, step % 255, 40, 200), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def prepare_database(url: str) -> None:
    env = common.child_env(url)
    manage = [common.PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=common.ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--limit", "1"], cwd=common.ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    # Every post must be processed: the per-address limit is off in this database only.
    subprocess.run([*manage, "shell", "-c",
                    "from jiedao.portal.models import PortalPolicy as P; p = P.current(); "
                    "p.reports_per_ip_per_hour = 0; p.reports_per_phone_per_day = 0; p.save()"],
                   cwd=common.ROOT, env=env, check=True)


def settings_of(url: str) -> dict:
    out = subprocess.run([common.PYTHON, "manage.py", "shell", "-c",
                          "import json; from django.conf import settings as s; "
                          "from jiedao.cases.models import CasePolicy; "
                          "from jiedao.catalogue.models import CatalogueItem; "
                          "from jiedao.territory.models import Unit; "
                          "from shapely.geometry import shape; "
                          "c = shape(Unit.objects.filter(level='grid').first().boundary).representative_point(); "
                          "print(json.dumps({'pixels': s.JIEDAO_PHOTO_MAX_PIXELS, "
                          "'request_max': s.JIEDAO_REQUEST_MAX_BYTES, 'photo_max': s.JIEDAO_PHOTO_MAX_BYTES, "
                          "'photos': CasePolicy.current().photos_per_request, "
                          "'item': CatalogueItem.objects.filter(is_active=True, kind='matter').first().pk, "
                          "'lon': c.x, 'lat': c.y}))"],
                         cwd=common.ROOT, env=common.child_env(url), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def portal_post(photo: bytes, count: int, facts: dict, index: int) -> tuple[int, float]:
    connection = http.client.HTTPConnection(load.HOST, load.PORT, timeout=120)
    connection.request("GET", "/p/report/")
    response = connection.getresponse()
    response.read()
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    token = cookie["csrftoken"].value
    boundary = uuid.uuid4().hex
    fields = {"csrfmiddlewaretoken": token, "item": str(facts["item"]), "longitude": str(facts["lon"]),
              "latitude": str(facts["lat"]), "crs": "wgs84", "description": "垃圾成堆（内存测试）",
              "client_key": uuid.uuid4().hex}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    for n in range(count):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="w{index}-{n}.png"\r\n'
                     f"Content-Type: image/png\r\n\r\n".encode() + photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    started = time.perf_counter()
    connection.request("POST", "/p/report/", body=body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": f"csrftoken={token}",
        "Accept-Language": "zh-hans"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    return answer.status, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench upload-memory", description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (ARCHITECTURE.md recommends 3)")
    parser.add_argument("--threads", type=int, default=3)
    args = parser.parse_args()

    common.VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = common.VAR_DIR / "uploads.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    url = common.database_url("sqlite", path=path)
    print("upload-memory: preparing a small database…", flush=True)
    prepare_database(url)
    facts = settings_of(url)
    photo = worst_photo(facts["pixels"])
    count = min(facts["photos"], max(1, (facts["request_max"] - 64 * 1024) // (len(photo) + 512)))
    print(f"  worst accepted photo: RGBA PNG {int(facts['pixels'] ** 0.5)}² px "
          f"({facts['pixels'] / 1e6:.1f} MP), {len(photo) / MIB:.1f} MiB; {count} per post "
          f"(policy allows {facts['photos']}, body limit {facts['request_max'] / MIB:.0f} MiB)", flush=True)

    with load.Server(url=url, workers=args.workers, threads=args.threads) as server:
        pids = [server.process.pid, *server.worker_pids()]
        idle = sum(rss_kib(pid) for pid in pids) / 1024
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], sum(rss_kib(pid) for pid in pids) / 1024)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        results: list[tuple[int, float]] = []
        lock = threading.Lock()

        def client(index: int) -> None:
            for _round in range(args.rounds):
                outcome = portal_post(photo, count, facts, index)
                with lock:
                    results.append(outcome)

        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        hwm = sum(rss_kib(pid, "VmHWM") for pid in pids) / 1024

    statuses: dict[int, int] = {}
    for status, _seconds in results:
        statuses[status] = statuses.get(status, 0) + 1
    concurrent = min(args.clients, args.workers * args.threads)
    ceiling = len(pids) * BASE_MIB + concurrent * 3 * 4 * facts["pixels"] / MIB
    latencies = sorted(seconds for _status, seconds in results)
    print(f"  gunicorn: {args.workers} gthread workers × {args.threads} threads; {args.clients} clients × "
          f"{args.rounds} posts in {elapsed:.1f} s; answers {statuses}; "
          f"p50 {latencies[len(latencies) // 2]:.1f} s, max {latencies[-1]:.1f} s")
    print(f"  server RSS idle {idle:,.0f} MiB; peak (sampled sum) {peak[0]:,.0f} MiB; "
          f"sum of per-process peaks {hwm:,.0f} MiB")
    print(f"  ceiling {ceiling:,.0f} MiB = {len(pids)} processes × {BASE_MIB} MiB + {concurrent} requests × 3 × "
          f"{4 * facts['pixels'] / MIB:.0f} MiB decoded")
    verdict = "within" if hwm <= ceiling else "OVER"
    print(f"  ratio peak ÷ ceiling: sampled {peak[0] / ceiling:.2f}, per-process peaks {hwm / ceiling:.2f} "
          f"→ {verdict} the ceiling")
    common.RESULTS_DIR.mkdir(exist_ok=True)
    (common.RESULTS_DIR / "upload-memory.json").write_text(json.dumps({
        "workers": args.workers, "threads": args.threads, "clients": args.clients, "rounds": args.rounds,
        "photo_bytes": len(photo), "photos_per_post": count, "pixel_budget": facts["pixels"],
        "statuses": statuses, "idle_mib": idle, "peak_sampled_mib": peak[0], "peak_hwm_sum_mib": hwm,
        "ceiling_mib": ceiling, "seconds": elapsed}, indent=2))
    if os.environ.get("BENCH_STRICT") and (hwm > ceiling or set(statuses) != {302}):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
