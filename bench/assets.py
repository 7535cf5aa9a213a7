"""The register of assets (issue 12) at 20,000 assets, on its own scratch PostgreSQL database:

  python -m bench.assets [--assets 20000] [--calls 60]

p50/p99 (in process, through the Django test client, signed in as a sub-district leader whose
reach is a territory prefix) of
1. the map's data endpoint `GET /assets/points.json` (every asset as compact rows): built afresh (the
   first call after an asset changed) and from the shared cache (keyed by the register's stamp and the
   reader's reach); and one class;
2. the list page `GET /assets/list/` (first page and a later page, with the state counts);
3. the map page `GET /assets/` and the nearest assets `GET /assets/nearest.json`.

The database (`jiedao_bench_assets` on BENCH_PG_SERVER) is built for the run and dropped after it."""

import argparse
import os
import random
import sys
import time
from pathlib import Path

from bench.common import run_in_own_database

ROOT = Path(__file__).resolve().parent.parent
NAME = "jiedao_bench_assets"
CLASSES = [("01037", "路灯"), ("01002", "污水井盖"), ("01003", "雨水井盖"), ("01004", "雨水箅子"), ("03005", "垃圾箱"),
           ("03001", "公共厕所")]
WEST, SOUTH, SIZE, GRIDS_PER_SIDE = 120.10, 30.20, 0.05, 7



def _build(count: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from jiedao.assets.models import Asset, AssetState
    from jiedao.catalogue.models import CatalogueItem, CatalogueKind
    from jiedao.territory.models import Duty, Organisation, OrganisationKind, Role, Unit, UnitLevel

    district = Unit.objects.create(level=UnitLevel.DISTRICT, code="330199", name="清江区")
    subdistrict = Unit.objects.create(parent=district, level=UnitLevel.SUBDISTRICT, code="330199001", name="青溪街道")
    community = Unit.objects.create(parent=subdistrict, level=UnitLevel.COMMUNITY, code="330199001001", name="桃源社区")
    cell = SIZE / GRIDS_PER_SIDE
    grids = []
    for row in range(GRIDS_PER_SIDE):
        for column in range(GRIDS_PER_SIDE):
            lon, lat = WEST + column * cell, SOUTH + row * cell
            ring = [[lon, lat], [lon + cell, lat], [lon + cell, lat + cell], [lon, lat + cell], [lon, lat]]
            grids.append(Unit.objects.create(parent=community, level=UnitLevel.GRID,
                                             code=f"330199001001{row * GRIDS_PER_SIDE + column + 1:03d}",
                                             name=f"第{row * GRIDS_PER_SIDE + column + 1}网格",
                                             boundary={"type": "Polygon", "coordinates": [ring]}))
    items = [CatalogueItem.objects.create(kind=CatalogueKind.COMPONENT, major_code=code[:2], major_name="部件",
                                          code=code, name=name, standard_ref="GB/T 47678.5-2026")
             for code, name in CLASSES]
    maintainers = [Organisation.objects.create(kind=OrganisationKind.DEPARTMENT, code=code, name=name)
                   for code, name in (("D02", "环卫所"), ("D03", "市政管理科"))]
    rng = random.Random(12)
    states = [AssetState.INTACT] * 18 + [AssetState.DAMAGED, AssetState.LOST]
    rows = []
    for number in range(count):
        grid = grids[number % len(grids)]
        ring = grid.boundary["coordinates"][0]
        item = items[number % len(items)]
        rows.append(Asset(identifier=f"330199{item.code}{number:06d}", item=item, component_code=item.code,
                          longitude=ring[0][0] + rng.random() * cell, latitude=ring[0][1] + rng.random() * cell,
                          grid=grid, territory_path=grid.path, maintainer=maintainers[number % 2],
                          state=rng.choice(states)))
    Asset.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    leader = get_user_model().objects.create_user(username="bench-leader", password="Bench-not-a-secret-1",
                                                  full_name="压测领导")
    get_user_model().objects.filter(pk=leader.pk).update(must_change_password=False)
    Duty.objects.create(user=leader, role=Role.LEADER, unit=subdistrict)
    return leader, items


def _percentiles(client, path: str, params: dict, calls: int, *, cold: bool = False) -> tuple[float, float, int]:
    from django.core.cache import cache

    timings = []
    size = 0
    for _ in range(calls):
        if cold:
            cache.clear()  # every call builds the answer (the first one after an asset changed)
        started = time.perf_counter()
        response = client.get(path, params)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
    timings.sort()
    return timings[len(timings) // 2], timings[min(len(timings) - 1, int(len(timings) * 0.99))], size


def _child(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiedao.settings")
    django.setup()
    from django.test import Client

    built = time.perf_counter()
    leader, items = _build(args.assets)
    print(f"built {args.assets:,} assets in {GRIDS_PER_SIDE ** 2} grids in {time.perf_counter() - built:.1f} s",
          flush=True)
    client = Client()
    client.force_login(leader)
    centre = {"lon": WEST + SIZE / 2, "lat": SOUTH + SIZE / 2}
    p50, p99, size = _percentiles(client, "/assets/points.json", {}, max(args.calls // 4, 5), cold=True)
    print(f"map data, every asset, built afresh each call ({args.assets:,} assets, {size / 1024:.0f} KB): "
          f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms  [aim p99 < 500 ms]", flush=True)
    for label, path, params, aim in [
        ("map data, every asset, cached", "/assets/points.json", {}, "p99 < 300 ms"),
        ("map data, one class", "/assets/points.json", {"item": items[0].pk}, "p99 < 100 ms"),
        ("list page, first page", "/assets/list/", {}, "p99 < 300 ms"),
        ("list page, page 20 of the damaged", "/assets/list/", {"page": 20, "state": "damaged"}, "p99 < 300 ms"),
        ("map page", "/assets/", {}, "p99 < 300 ms"),
        ("nearest assets", "/assets/nearest.json", centre, "p99 < 50 ms"),
    ]:
        p50, p99, size = _percentiles(client, path, params, args.calls)
        print(f"{label} ({args.assets:,} assets, {args.calls} calls, {size / 1024:.0f} KB): "
              f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms  [aim {aim}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    run_in_own_database(module="bench.assets", name=NAME, argv=sys.argv[1:])


if __name__ == "__main__":
    main()
