"""The demo's register of assets (部件) and cleaning zones, sample content for 青溪街道.

About four thousand assets of the common GB/T 47678.5 classes laid along the address register's
roads (`demo/addresses.py`): street lights every 30 m on alternating sides, sewer and rain manhole
covers along the centre line, drain inlets at both kerbs, bins every 80 m, two public toilets per
community; each placed in its grid by the locator, kept by 市政管理科 (D03, lights, covers, drains)
or 环卫所 (D02, bins and toilets, worked by the contractor C01). A few are lost or disused. Bulk
writes: a second or two.

The main streets are cleaning zones graded 一级…三级, the farmers' markets and the squares 一级, all
cleaned by C01 青溪环境服务有限公司 under 环卫所. Repair cases on some assets go round the real case
loop (report naming the asset → 破损; dispatch to the maintainer, fix, 核查 → 完好), a few still open,
and a handful of street lights fail three times within the policy's window (反复维修). A few months
of inspections are recorded on the lights of 桃源社区 (duties' DutyWork with them).

Idempotent: when the demo assets exist, nothing is written."""

import math
import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from shapely.geometry import LineString

from jiedao import clock
from jiedao.addresses.models import Place, PlaceKind, Road
from jiedao.assets.models import (
    Asset,
    AssetState,
    AssetStateChange,
    CleaningGrade,
    CleaningZone,
    CleaningZoneKind,
    DataSource,
)
from jiedao.assets.services import (
    asset_link_for,
    cleaning_grades_seed,
    cleaning_zone_save,
    maintenance_record,
)
from jiedao.cases import services as case_services
from jiedao.cases.errors import CaseError
from jiedao.cases.models import CaseSource
from jiedao.catalogue.models import CatalogueItem, CatalogueKind, DeadlineUnit
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation

from .replay import demo_photo_bytes
from .territory import DEMO_CONTRACTOR, DemoPeople

REGION = "330199"  # 清江区's 行政区划 code: the first six digits of every 标识码 (standards.md §1.4)
CLIENT_KEY_PREFIX = "demo-asset-"
_KY = 111_320.0
SEED = 20261206

# (class code, spacing along the road in metres, offset from the centre line, alternate sides, maintainer)
ALONG_ROADS = [
    ("01037", 30.0, 8.0, True, "D03"),   # 路灯
    ("01002", 60.0, 0.0, False, "D03"),  # 污水井盖
    ("01003", 60.0, 3.0, False, "D03"),  # 雨水井盖
    ("01004", 40.0, 6.5, True, "D03"),   # 雨水箅子
    ("03005", 80.0, 7.0, True, "D02"),   # 垃圾箱
]
TOILET = "03001"
# Repair cases: the asset class → the matter (事项) a broken one is reported as.
REPAIR_ITEMS = {"01037": "01037", "01002": "01002", "01004": "01004", "03005": "03005"}
REPAIRS = 30  # single repairs, spread over the last 60 days
REPEAT_ASSETS = 4  # street lights that fail three times within the window
GRADE_OF_ROAD = (("大街", "1"), ("大道", "1"), ("路", "2"), ("街", "2"), ("巷", "3"), ("弄", "3"))
SAMPLE_NOTE = "（示例数据）"


def _frame(lat: float) -> tuple[float, float]:
    return _KY * math.cos(math.radians(lat)), _KY


def _points_along(line: dict, spacing: float, offset: float, alternate: bool) -> list[tuple[float, float]]:
    """Points every `spacing` metres along a WGS-84 line, `offset` metres to its side (alternating)."""
    coords = line["coordinates"]
    kx, ky = _frame(coords[0][1])
    course = LineString([(x * kx, y * ky) for x, y, *_rest in coords])
    points = []
    for step in range(1, int(course.length / spacing)):
        at = course.interpolate(step * spacing)
        ahead = course.interpolate(min(step * spacing + 1, course.length))
        dx, dy = ahead.x - at.x, ahead.y - at.y
        norm = math.hypot(dx, dy) or 1.0
        side = -1 if alternate and step % 2 else 1
        x, y = at.x - dy / norm * offset * side, at.y + dx / norm * offset * side
        points.append((round(x / kx, 7), round(y / ky, 7)))
    return points


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def demo_assets_seed(*, people: DemoPeople, now: datetime | None = None) -> str:
    if Asset.objects.filter(identifier__startswith=REGION, note=SAMPLE_NOTE).exists():
        return "assets: demo register already there, nothing to do"
    now = now or clock.now()
    rng = random.Random(SEED)
    items = {item.code: item for item in CatalogueItem.objects.filter(kind=CatalogueKind.COMPONENT, is_active=True)}
    organisations = {organisation.code: organisation for organisation in Organisation.objects.all()}
    contractor = organisations.get(DEMO_CONTRACTOR[0])
    with transaction.atomic():
        assets = _assets_seed(items=items, organisations=organisations, contractor=contractor, rng=rng, now=now)
        zones = _zones_seed(organisations=organisations, contractor=contractor)
    repairs = _repairs_seed(people=people, now=now, rng=rng)
    inspections = _inspections_seed(people=people, now=now)
    return (f"assets: {assets} 部件, {zones} cleaning zones, "
            f"{repairs['cases']} repair cases "
            f"({repairs['open']} still open, {repairs['failed']} refused), {inspections} inspections recorded")


def _assets_seed(*, items, organisations, contractor, rng: random.Random, now: datetime) -> int:
    locator = grid_locator()
    planned: list[tuple[str, float, float, str]] = []  # (class code, lon, lat, maintainer code)
    for road in Road.objects.exclude(line__isnull=True).order_by("name"):
        for code, spacing, offset, alternate, maintainer in ALONG_ROADS:
            if code in items:
                planned += [(code, lon, lat, maintainer) for lon, lat in
                            _points_along(road.line, spacing, offset, alternate)]
    # Two public toilets per community: at its 文化广场 and its 农贸市场.
    for place in Place.objects.filter(kind__in=[PlaceKind.PARK, PlaceKind.MARKET]).order_by("name"):
        if TOILET in items:
            planned.append((TOILET, place.longitude + 0.0002, place.latitude + 0.0002, "D02"))
    located = locator.locate_many([lon for _c, lon, _lat, _m in planned], [lat for _c, _lon, lat, _m in planned])
    sequences: dict[str, int] = {}
    rows = []
    today = timezone.localtime(now).date()
    for (code, lon, lat, maintainer), found in zip(planned, located, strict=True):
        if found is None:
            continue
        sequences[code] = sequences.get(code, 0) + 1
        roll = rng.random()
        state = AssetState.LOST if roll < 0.004 else AssetState.DISUSED if roll < 0.008 else AssetState.INTACT
        rows.append(Asset(
            identifier=f"{REGION}{code}{sequences[code]:06d}", item=items[code], component_code=code,
            longitude=lon, latitude=lat,
            grid_id=found.grid_id, territory_path=found.territory_path, maintainer=organisations.get(maintainer),
            owner=organisations.get(maintainer), contractor=contractor if maintainer == "D02" else None,
            state=state, initial_date=date(2024, 3, 1) + timedelta(days=rng.randint(0, 400)),
            changed_date=today - timedelta(days=rng.randint(5, 200)) if state != AssetState.INTACT else None,
            data_source=DataSource.SURVEYED, note=SAMPLE_NOTE))
    Asset.objects.bulk_create(rows, batch_size=2000)
    created = list(Asset.objects.filter(note=SAMPLE_NOTE).only("id", "state", "initial_date", "changed_date"))
    history = []
    for asset in created:
        registered = _moment(asset.initial_date, 10)
        history.append(AssetStateChange(asset=asset, from_state="", to_state=AssetState.INTACT, at=registered,
                                        reason="部件普查登记"))
        if asset.state != AssetState.INTACT:
            history.append(AssetStateChange(asset=asset, from_state=AssetState.INTACT, to_state=asset.state,
                                            at=_moment(asset.changed_date, 15), reason="巡查发现（示例）"))
    AssetStateChange.objects.bulk_create(history, batch_size=2000)
    return len(created)


def _zones_seed(*, organisations, contractor) -> int:
    cleaning_grades_seed()
    grades = {grade.code: grade for grade in CleaningGrade.objects.all()}
    supervisor = organisations.get("D02")
    made = 0
    for number, road in enumerate(Road.objects.exclude(line__isnull=True).order_by("name"), start=1):
        grade = next((code for suffix, code in GRADE_OF_ROAD if road.name.endswith(suffix)), "4")
        if grade not in ("1", "2"):
            continue  # the main streets; lanes and village groups are the communities' own
        cleaning_zone_save(code=f"BJ-{number:03d}", name=f"{road.name}（全段）", kind=CleaningZoneKind.STREET,
                           geometry=road.line, grade=grades[grade], contractor=contractor, supervisor=supervisor)
        made += 1
    for number, place in enumerate(Place.objects.filter(kind__in=[PlaceKind.PARK, PlaceKind.MARKET]).order_by("name"),
                                   start=1):
        kx, ky = _frame(place.latitude)
        half_x, half_y = 45 / kx, 30 / ky
        ring = [[place.longitude - half_x, place.latitude - half_y], [place.longitude + half_x, place.latitude - half_y],
                [place.longitude + half_x, place.latitude + half_y], [place.longitude - half_x, place.latitude + half_y]]
        ring = [[round(x, 7), round(y, 7)] for x, y in ring]
        kind = CleaningZoneKind.MARKET if place.kind == PlaceKind.MARKET else CleaningZoneKind.SQUARE
        cleaning_zone_save(code=f"BJ-P{number:02d}", name=place.name, kind=kind,
                           geometry={"type": "Polygon", "coordinates": [[*ring, ring[0]]]}, grade=grades["1"],
                           contractor=contractor, supervisor=supervisor)
        made += 1
    return made


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("repair.jpg", demo_photo_bytes(), content_type="image/jpeg")


def _repair(asset: Asset, *, item: CatalogueItem, people: DemoPeople, at: datetime, now: datetime, key: str,
            counts: dict) -> None:
    """One repair case on the asset through the real loop; a case younger than two days stays open."""
    grid_code = asset.grid.code
    reporter = people.grid_worker_of.get(grid_code) or people.inspector_of.get(grid_code)
    inspector = people.inspector_of.get(grid_code)
    handlers = people.handlers_of.get(asset.maintainer_id, [])
    if reporter is None or inspector is None or not handlers:
        return
    try:
        with clock.frozen(at):
            case = case_services.case_report(
                by=reporter, source=CaseSource.PATROL, item=item, longitude=asset.longitude, latitude=asset.latitude,
                description=f"{asset.item.name}{asset.identifier[-4:]}号损坏{SAMPLE_NOTE}",
                client_key=f"{CLIENT_KEY_PREFIX}{key}", also=asset_link_for(asset, by=reporter))
        counts["cases"] += 1
        if now - at < timedelta(days=2):
            counts["open"] += 1
            return
        steps = [
            (timedelta(minutes=20), lambda c: case_services.case_accept(case=c, by=people.intake_clerk)),
            # the category's rule where it has one; else the limit a shift lead would set by hand
            (timedelta(minutes=40), lambda c: case_services.case_file(case=c, by=people.shift_lead, deadline_value=3,
                                                                        deadline_unit=DeadlineUnit.WORKING_DAYS)),
            (timedelta(hours=1), lambda c: case_services.case_dispatch(case=c, by=people.dispatcher,
                                                                         department=asset.maintainer)),
            (timedelta(hours=26), lambda c: case_services.case_report_fix(case=c, by=handlers[0], opinion="已修复",
                                                                            photos=[_photo()])),
            (timedelta(hours=29), lambda c: case_services.case_check(case=c, by=inspector, passed=True,
                                                                       opinion="现场核查，已修复")),
            (timedelta(hours=30), lambda c: case_services.case_close(case=c, by=people.shift_lead)),
        ]
        for after, step in steps:
            with clock.frozen(at + after):
                case = step(case)
    except CaseError as error:
        counts["failed"] += 1
        counts.setdefault("errors", []).append(str(error.message))


def _repairs_seed(*, people: DemoPeople, now: datetime, rng: random.Random) -> dict:
    counts = {"cases": 0, "open": 0, "failed": 0}
    matters = {item.code: item for item in CatalogueItem.objects.filter(kind=CatalogueKind.MATTER, is_active=True,
                                                                        code__in=REPAIR_ITEMS.values())}
    candidates = list(Asset.objects.filter(note=SAMPLE_NOTE, state=AssetState.INTACT, component_code__in=list(REPAIR_ITEMS))
                      .select_related("item", "grid", "maintainer").order_by("identifier"))
    if not candidates or not matters:
        return counts
    chosen = rng.sample(candidates, min(REPAIRS + REPEAT_ASSETS, len(candidates)))
    today = timezone.localtime(now).date()

    def when(days_ago: int) -> datetime:
        return _moment(today - timedelta(days=days_ago), rng.randint(8, 16), rng.randint(0, 59))

    key = 0
    lights = [asset for asset in chosen if asset.item.code == "01037"][:REPEAT_ASSETS]
    for asset in lights:  # 反复维修: three failures within the window, the last one still open
        for days_ago in (70, 35, 1):
            key += 1
            _repair(asset, item=matters[REPAIR_ITEMS["01037"]], people=people, at=when(days_ago), now=now,
                    key=str(key), counts=counts)
    for asset in [asset for asset in chosen if asset not in lights][:REPAIRS]:
        matter = matters.get(REPAIR_ITEMS[asset.item.code])
        if matter is None:
            continue
        key += 1
        _repair(asset, item=matter, people=people, at=when(rng.choice([0, 1, 3, 8, 15, 22, 30, 41, 55])), now=now,
                key=str(key), counts=counts)
    return counts


def _inspections_seed(*, people: DemoPeople, now: datetime) -> int:
    """Monthly night inspections of the street lights of 桃源社区's first grids by the area's 监督员,
    each with a photo (the duties' sample plan 路灯巡检 asks for one); last month's not finished."""
    lights = list(Asset.objects.filter(note=SAMPLE_NOTE, component_code="01037",
                                       territory_path__contains="/330199001001/")
                  .select_related("grid").order_by("identifier")[:30])
    today = timezone.localtime(now).date()
    made = 0
    for months_ago, how_many in ((2, 30), (1, 18)):
        day = today.replace(day=1) - timedelta(days=30 * months_ago - 15)
        with clock.frozen(_moment(day, 20)):
            for asset in lights[:how_many]:
                inspector = people.inspector_of.get(asset.grid.code)
                if inspector is None:
                    continue
                maintenance_record(asset=asset, by=inspector, kind="inspect", done_on=day,
                                   work="夜间巡检：亮灯、灯杆、线缆", photos=[_photo()])
                made += 1
    return made


def demo_assets_wipe() -> int:
    """`seed_demo --reset`: the demo's assets (their history, links and maintenance with them), the
    works they made in the duties register, and their repair cases with what hangs off them, so the
    replay numbers its cases from 1 and the register is built again around it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from jiedao.assets.models import MaintenancePhoto, MaintenanceRecord
    from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseRequest
    from jiedao.duties.models import DutyWork
    from jiedao.supervision.models import CaseEscalation, Delivery, Notification

    assets = Asset.objects.filter(note=SAMPLE_NOTE)
    records = MaintenanceRecord.objects.filter(asset__in=assets)
    DutyWork.objects.filter(source_type=ContentType.objects.get_for_model(MaintenanceRecord),
                            source_id__in=list(records.values_list("pk", flat=True))).delete()
    for photo in MaintenancePhoto.objects.filter(record__in=records).iterator():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    deleted, _by_model = assets.delete()  # state history, case links, maintenance and photos cascade
    cases = Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX)
    Delivery.objects.filter(Q(notification__case__in=cases) | Q(escalation__case__in=cases)).delete()
    Notification.objects.filter(case__in=cases).delete()
    CaseEscalation.objects.filter(case__in=cases).delete()
    for photo in CasePhoto.objects.filter(case__in=cases).iterator():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    CasePhoto.objects.filter(case__in=cases).delete()
    CaseRequest.objects.filter(case__in=cases).delete()
    CaseEvent.objects.filter(case__in=cases).delete()
    deleted += cases.delete()[0]
    CleaningZone.objects.filter(code__startswith="BJ-").delete()
    return deleted
