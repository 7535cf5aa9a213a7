"""A 三清三拆三整治 campaign over the bench world (issue 9, point 3): ~50 key places, targets for every
community, a few hundred evidence figures; its progress by community and by key place timed, beside
one hand-written SQL aggregate over the same rows. Runs in the suite's child process, on the work
copy of the world (`--only campaigns`); what it adds is dropped with the copy.

The campaign's six lines are the demo's (`jiedao.demo.campaigns.GROUPS`); the key places are drawn
with a fixed seed inside the grid area: 30 back streets (two segments, ~600 m, matched 30 m either
side), 12 markets (~150 m squares, 20 m around) and 8 stretches of urban-rural fringe (~800 m
polygons), each in the community under its centre."""

import math
import random
import sqlite3
import statistics
import time
from datetime import UTC, timedelta
from decimal import Decimal

from .world import BLOCK, CELL, CELLS, SOUTH, SUBDISTRICT_CODE, WEST

RUNS = 3
PROGRESS_AIM_SECONDS = 2.0


def _community_code(lon: float, lat: float) -> str:
    column = min(int((lon - WEST) / CELL), CELLS - 1)
    row = min(int((lat - SOUTH) / CELL), CELLS - 1)
    index = (row // BLOCK) * (CELLS // BLOCK) + column // BLOCK
    return f"{SUBDISTRICT_CODE}{index + 1:03d}"


def _places(rng: random.Random) -> list[tuple[str, str, dict, int, tuple[float, float]]]:
    """(name, kind, geometry, buffer, centre) for 30 lines, 12 markets and 8 fringes."""
    margin = 0.01
    span = CELLS * CELL - 2 * margin
    places = []

    def centre() -> tuple[float, float]:
        return WEST + margin + rng.random() * span, SOUTH + margin + rng.random() * span

    for number in range(30):
        x, y = centre()
        angle = rng.uniform(0, 3.14159)
        dx, dy = 0.003 * math.cos(angle), 0.003 * math.sin(angle)
        bend = (rng.uniform(-0.0008, 0.0008), rng.uniform(-0.0008, 0.0008))
        coordinates = [[x - dx, y - dy], [x + bend[0], y + bend[1]], [x + dx, y + dy]]
        places.append((f"压测背街{number + 1}", "back_street", {"type": "LineString", "coordinates": coordinates}, 30,
                       (x, y)))
    for number, (side, kind, buffer_m, prefix) in enumerate([(0.0015, "farmers_market", 20, "压测市场")] * 12
                                                            + [(0.008, "urban_fringe", 0, "压测结合部")] * 8):
        x, y = centre()
        half = side / 2
        ring = [[x - half, y - half], [x + half, y - half * 0.8], [x + half * 1.1, y + half], [x - half, y + half],
                [x - half, y - half]]
        places.append((f"{prefix}{number + 1}", kind, {"type": "Polygon", "coordinates": [ring]}, buffer_m, (x, y)))
    return places


def campaign_build():
    """The campaign, its lines, key places, targets and figures, written in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from jiedao import clock
    from jiedao.campaigns.models import (
        Campaign,
        CampaignGroup,
        CampaignLine,
        CampaignTarget,
        EvidenceFigure,
        KeyPlace,
        TargetMeasure,
    )
    from jiedao.catalogue.models import CatalogueItem, CatalogueKind
    from jiedao.demo.campaigns import GROUPS
    from jiedao.territory.models import Unit, UnitLevel

    rng = random.Random(20261129)
    today = timezone.localtime(clock.now()).date()
    subdistrict = Unit.objects.get(code=SUBDISTRICT_CODE)
    communities = {unit.code: unit for unit in Unit.objects.filter(level=UnitLevel.COMMUNITY)}
    entered_by = get_user_model().objects.filter(username="bench_intake_clerk").first()
    with transaction.atomic():
        campaign = Campaign.objects.create(name="三清三拆三整治专项行动（压测）", code="bench-sanqing", scope=subdistrict,
                                           starts_on=today - timedelta(days=44), ends_on=today + timedelta(days=15))
        lines = []
        for order, (name, approach, group_lines) in enumerate(GROUPS, start=1):
            group = CampaignGroup.objects.create(campaign=campaign, name=name, approach=approach, order=order)
            for line_order, (code, line_name, count_label, unit, codes) in enumerate(group_lines, start=1):
                line = CampaignLine.objects.create(campaign=campaign, group=group, code=code, name=line_name,
                                                   count_label=count_label, quantity_unit=unit, order=line_order)
                line.items.set(CatalogueItem.objects.filter(code__in=codes, kind=CatalogueKind.MATTER))
                lines.append(line)
        places = KeyPlace.objects.bulk_create([
            KeyPlace(name=name, kind=kind, geometry=geometry, buffer_m=buffer_m,
                     community=communities[_community_code(*centre)], is_sample=True)
            for name, kind, geometry, buffer_m, centre in _places(rng)])
        campaign.key_places.set(places)
        targets = [CampaignTarget(campaign=campaign, line=line, unit=community, value=Decimal(rng.randint(40, 400)))
                   for community in communities.values() for line in lines]
        targets += [CampaignTarget(campaign=campaign, line=line, unit=community, measure=TargetMeasure.QUANTITY,
                                   value=Decimal(rng.randrange(500, 3000, 50)))
                    for community in communities.values() for line in lines if line.quantity_unit]
        targets += [CampaignTarget(campaign=campaign, line=line, unit=place.community, key_place=place,
                                   value=Decimal(rng.randint(5, 60))) for place in places for line in lines[:2]]
        CampaignTarget.objects.bulk_create(targets)
        demolition = next(line for line in lines if line.quantity_unit)
        figures = [EvidenceFigure(campaign=campaign, line=demolition, community=rng.choice(list(communities.values())),
                                  on_date=campaign.starts_on + timedelta(days=rng.randint(0, 44)),
                                  count=rng.randint(1, 4), quantity=Decimal(rng.randrange(20, 400)),
                                  note="压测佐证", entered_by=entered_by, entered_at=clock.now())
                   for _number in range(400)]
        EvidenceFigure.objects.bulk_create(figures)
    return campaign, len(places), len(targets), len(figures)


def _floor_sql(campaign, window, vendor: str) -> tuple[str, list]:
    """The community half of the progress as one hand-written aggregate: found and done per
    (community path, category) over the same rows."""
    from jiedao.campaigns.selectors import campaign_structure
    from jiedao.territory.models import Unit, UnitLevel

    structure = campaign_structure(campaign)
    mark = "?" if vendor == "sqlite" else "%s"
    items = ", ".join(str(item) for item in structure.item_ids)
    length = len(Unit.objects.filter(level=UnitLevel.COMMUNITY).values_list("path", flat=True).first())
    found = f"reported_at >= {mark} AND reported_at < {mark} AND state <> 'voided'"
    done = f"state = 'closed' AND closed_at >= {mark} AND closed_at < {mark}"
    sql = (f"SELECT substr(territory_path, 1, {length}), item_id, SUM(CASE WHEN {found} THEN 1 ELSE 0 END), "
           f"SUM(CASE WHEN {done} THEN 1 ELSE 0 END) FROM cases_case WHERE item_id IN ({items}) "
           f"AND territory_path LIKE {mark} AND (({found}) OR ({done})) GROUP BY 1, 2")
    start, until = window.start, window.until
    if vendor == "sqlite":  # Django keeps UTC text there: compare like with like
        start, until = (moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for moment in (start, until))
    return sql, [start, until, start, until, campaign.scope.path + "%", start, until, start, until]


def bench_campaign_progress() -> list[dict]:
    from django.db import connection

    from jiedao import clock
    from jiedao.campaigns.selectors import campaign_progress

    from .suite import figure, raw_connection

    began = time.perf_counter()
    campaign, place_count, target_count, figure_count = campaign_build()
    built = time.perf_counter() - began
    now = clock.now()
    seconds, progress = [], None
    for _run in range(RUNS):
        began = time.perf_counter()
        progress = campaign_progress(campaign=campaign, level=campaign.scope, until=now)
        seconds.append(time.perf_counter() - began)
    rows = sum(row.total.found for row in progress.communities)
    place_cases = len(progress.place_case_ids)

    vendor = "sqlite" if connection.vendor == "sqlite" else "postgresql"
    sql, parameters = _floor_sql(campaign, progress.window, vendor)
    raw = raw_connection()
    floor_seconds = []
    for _run in range(RUNS):
        began = time.perf_counter()
        floor_rows = raw.execute(sql, parameters).fetchall()
        floor_seconds.append(time.perf_counter() - began)
    if not isinstance(raw, sqlite3.Connection):
        raw.rollback()
    raw.close()
    floor_found = sum(row[2] for row in floor_rows)
    value, floor = statistics.median(seconds), statistics.median(floor_seconds)
    postgres = vendor == "postgresql"
    page = _page_seconds(campaign)
    return [figure(
        f"campaign progress by community and key place ({len(progress.communities)} communities, {place_count} key "
        f"places, {len(progress.lines)} lines)", value, "s",
        aim=f"< {PROGRESS_AIM_SECONDS:.0f} s (PostgreSQL)", passed=value < PROGRESS_AIM_SECONDS if postgres else None,
        floor=floor, floor_name="one hand-written GROUP BY community prefix × category over the same rows",
        note=(f"median of {RUNS} (first {seconds[0]:.2f} s); {target_count:,} targets, {figure_count} figures; "
              f"{rows:,} cases found in the communities = {floor_found:,} by the floor's SQL; {place_cases:,} cases "
              f"matched to key places; campaign written in {built:.1f} s")),
        figure("campaign page /campaigns/<id>/ (sub-district leader, in-process), median", statistics.median(page), "s",
               floor=value, floor_name="the progress alone (above)",
               note=(f"{RUNS} requests, first {page[0]:.2f} s: the progress, the trend, the map's cases cut by "
                     "cases_in_reach (two counts), the recent evidence; rendered by the Django test client"))]


def _page_seconds(campaign) -> list[float]:
    from django.test import Client

    from .suite import leader_session

    client = Client()
    client.cookies["sessionid"] = leader_session()
    seconds = []
    for _run in range(RUNS):
        began = time.perf_counter()
        response = client.get(f"/campaigns/{campaign.pk}/")
        seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return seconds

