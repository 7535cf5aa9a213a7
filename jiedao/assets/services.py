"""Writes to the register of assets and cleaning zones: one asset or zone at a time, whole
registers from `.xlsx` (the 部件普查 census shape, standards.md §1.4 表2) or GeoJSON, the asset's
state and its append-only history, the link between a case and the asset it names, and the state
following the repair case (破损 when reported, 完好 when the fix is checked, standards.md §8).

Every point gets its grid from the territory's locator; a point outside every grid is refused.
Coordinates may arrive in GCJ-02 or BD-09 at the edges (`crs`) and are stored in WGS-84. Imports
are all-or-nothing, every problem named by row (spreadsheet row from 1, the header row counted;
GeoJSON feature from 0) and column, like the address register's (`addresses/services.py`)."""

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.addresses.services import line_from_text
from jiedao.cases.errors import InvalidInput
from jiedao.cases.models import OPEN_STATES, Case, CaseState
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.reports.cells import text_from_cell
from jiedao.territory.coordinates import CoordinateError, to_wgs84
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation
from jiedao.territory.services import ImportRejected, ImportResult, RowError

from .models import (
    Asset,
    AssetCase,
    AssetState,
    AssetStateChange,
    CleaningGrade,
    CleaningZone,
    CleaningZoneKind,
    DataSource,
    MaintenanceKind,
    MaintenancePhoto,
    MaintenanceRecord,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 5
MAX_WORK = 200
MAX_NOTES = 2000
# standards.md §1.4: 管理部件标识码 = 6 行政区划 + 5 小类代码 + 6 顺序码; §9 admits a legacy 16-digit code.
IDENTIFIER = re.compile(r"^\d{16,17}$")


def identifier_errors(identifier: str, item: CatalogueItem | None) -> list[str]:
    if not IDENTIFIER.fullmatch(identifier or ""):
        return [_("管理部件标识码须为 17 位数字（6 位行政区划 + 5 位小类代码 + 6 位顺序码）")]
    if len(identifier) == 17 and item is not None and identifier[6:11] != item.code:
        return [_("标识码第 7–11 位 %(digits)s 与部件小类 %(code)s 不符")
                % {"digits": identifier[6:11], "code": item.code}]
    return []


def component_items() -> dict[str, CatalogueItem]:
    """The active GB/T 47678.5 component classes by code (a local extension only where the standard
    has no such code)."""
    items: dict[str, CatalogueItem] = {}
    for item in CatalogueItem.objects.filter(kind=CatalogueKind.COMPONENT, is_active=True).order_by(
            "is_local_extension", "code"):
        items.setdefault(item.code, item)
    return items


# ---------------------------------------------------------------- places

@dataclass(frozen=True)
class Placed:
    longitude: float
    latitude: float
    line: dict | None
    grid_id: int
    grid_code: str
    territory_path: str


def _converted(lon: Any, lat: Any, crs: str) -> tuple[float, float]:
    if isinstance(lon, bool) or isinstance(lat, bool):
        raise CoordinateError(_("坐标必须是数字"))
    return to_wgs84(lon=lon, lat=lat, crs=crs or "wgs84")


def _line_converted(line: Any, crs: str) -> dict:
    if not isinstance(line, dict) or line.get("type") != "LineString" or not isinstance(line.get("coordinates"), list):
        raise CoordinateError(_("线形须为 GeoJSON LineString"))
    positions = []
    for position in line["coordinates"]:
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise CoordinateError(_("坐标点必须是 [经度, 纬度] 数字对"))
        positions.append(list(_converted(position[0], position[1], crs)))
    if len(positions) < 2:
        raise CoordinateError(_("线形至少需要 2 个坐标点"))
    return {"type": "LineString", "coordinates": positions}


def _line_middle(line: dict) -> tuple[float, float]:
    from shapely.geometry import shape

    middle = shape(line).interpolate(0.5, normalized=True)
    return middle.x, middle.y


def place_of(*, longitude: Any = None, latitude: Any = None, line: Any = None, crs: str = "wgs84") -> Placed:
    """A point (or a line and its middle) in WGS-84 and the grid it lies in; raises CoordinateError
    with a translated message."""
    return _place_with(grid_locator(), longitude, latitude, line, crs)


# ---------------------------------------------------------------- the asset's state

def asset_state_set(*, asset: Asset, to_state: str, by=None, reason: str = "", case: Case | None = None,
                    at: datetime | None = None, only_from: frozenset[str] | None = None) -> AssetStateChange | None:
    """Change the state with a history row (who, when, why, which case); nothing when it is already
    so, or when `only_from` is given and the state read under the row's lock is not one of them."""
    if to_state not in AssetState.values:
        raise InvalidInput(_("未知的部件状态"), field="state")
    reason = (reason or "").strip()[:200]
    now = at or clock.now()
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if locked.state == to_state or (only_from is not None and locked.state not in only_from):
            asset.state = locked.state
            return None
        change = AssetStateChange.objects.create(asset=locked, from_state=locked.state, to_state=to_state, at=now,
                                                 by=by, reason=reason, case=case)
        Asset.objects.filter(pk=locked.pk).update(state=to_state, changed_date=timezone.localtime(now).date(),
                                                  updated_at=timezone.now())
    asset.state, asset.changed_date = to_state, timezone.localtime(now).date()
    return change


def asset_case_link(*, asset: Asset, case: Case, by=None) -> AssetCase:
    """Name the asset a case is about. A report on an intact asset makes it 破损, naming the case.
    Called inside `case_report`'s transaction through its `also`."""
    link = AssetCase.objects.create(asset=asset, case=case, linked_at=case.reported_at, linked_by=by)
    if case.state in OPEN_STATES:
        asset_state_set(asset=asset, to_state=AssetState.DAMAGED, by=by, case=case, at=case.reported_at,
                        reason=_("上报维修案件 %(number)s") % {"number": case.number},
                        only_from=frozenset({AssetState.INTACT}))
    return link


def asset_for_report(*, asset_id: Any, longitude: Any, latitude: Any, crs: str = "wgs84") -> Asset | None:
    """The asset a reporter picked, checked to lie within reach of the point reported (the nearest
    list offered it): None when none was picked; InvalidInput for an unknown or far one."""
    from .models import AssetPolicy
    from .selectors import distance_m

    if asset_id in (None, ""):
        return None
    try:
        asset = Asset.objects.select_related("item").filter(pk=int(asset_id)).first()
    except (TypeError, ValueError):
        asset = None
    if asset is None:
        raise InvalidInput(_("所选部件不存在"), field="asset")
    try:
        lon, lat = _converted(longitude, latitude, crs)
    except (CoordinateError, TypeError, ValueError):
        return asset  # the report itself refuses the point
    reach = AssetPolicy.current().nearest_within_m
    if distance_m(lon, lat, asset.longitude, asset.latitude) > reach * 2:
        raise InvalidInput(_("所选部件离上报位置超过 %(m)d 米，请重新选择") % {"m": reach * 2}, field="asset")
    return asset


def asset_link_for(asset: Asset | None, *, by):
    """The `also` of `case_report` that names the asset (None when no asset was picked)."""
    if asset is None:
        return None
    return lambda case: asset_case_link(asset=asset, case=case, by=by)


FIXED_ACTIONS = {"check": "passed", "review_self_handled": "approved"}
# A repair case still waiting for its checked fix (待结案 is checked already).
UNREPAIRED_STATES = OPEN_STATES - {CaseState.CHECKED}


def asset_state_follow_case(sender=None, *, case: Case, event, **_kwargs) -> None:
    """Receiver of `cases.signals.case_transitioned`: the repair checked (核查通过, or a 自处置
    approved) makes the asset 完好 unless another repair case on it is still open; a case voided
    (作废, 不予受理, merged) gives the asset back the state it had before that case made it 破损."""
    link = AssetCase.objects.filter(case_id=case.pk).select_related("asset").first()
    if link is None:
        return
    asset = link.asset
    others_open = AssetCase.objects.filter(asset=asset, case__state__in=UNREPAIRED_STATES).exclude(case_id=case.pk)
    flag = FIXED_ACTIONS.get(event.action)
    if flag and (event.data or {}).get(flag):
        if not others_open.exists():
            asset_state_set(asset=asset, to_state=AssetState.INTACT, by=event.actor, case=case, at=event.at,
                            reason=_("维修案件 %(number)s 核查通过") % {"number": case.number},
                            only_from=frozenset({AssetState.DAMAGED, AssetState.LOST}))
    elif case.state == CaseState.VOIDED:
        made = AssetStateChange.objects.filter(asset=asset, case=case, to_state=AssetState.DAMAGED).last()
        if made is not None and not others_open.exists():
            asset_state_set(asset=asset, to_state=made.from_state or AssetState.INTACT, by=event.actor, case=case,
                            at=event.at, reason=_("案件 %(number)s 已作废") % {"number": case.number},
                            only_from=frozenset({AssetState.DAMAGED}))


# ---------------------------------------------------------------- one asset

def _organisation(value: Any, organisations: dict[str, Organisation]) -> tuple[Organisation | None, bool]:
    """(organisation, known) by code, name or 统一社会信用代码; empty is (None, True)."""
    text = _text(value)
    if not text:
        return None, True
    found = organisations.get(text)
    return found, found is not None


def organisations_by_key() -> dict[str, Organisation]:
    keys: dict[str, Organisation] = {}
    for organisation in Organisation.objects.filter(is_active=True):
        for key in (organisation.credit_code, organisation.name, organisation.code):
            if key:
                keys[key] = organisation
    return keys


def asset_save(*, asset: Asset | None = None, by, identifier: str, item: CatalogueItem | None,
               longitude: Any = None, latitude: Any = None, line: Any = None, crs: str = "wgs84",
               name: str = "", owner: Organisation | None = None, maintainer: Organisation | None = None,
               contractor: Organisation | None = None, state: str = AssetState.INTACT,
               initial_date: date | None = None, data_source: str = "", note: str = "") -> Asset:
    """Create (asset None) or change an asset; a new one starts its state history. A change of
    state goes through `asset_state_set` (so it has its row)."""
    identifier = (identifier or "").strip()
    errors: dict[str, list[str]] = {}
    if item is None or item.kind != CatalogueKind.COMPONENT:
        errors["item"] = [_("请选择部件小类")]
    problems = identifier_errors(identifier, item)
    if problems:
        errors["identifier"] = problems
    elif Asset.objects.filter(identifier=identifier).exclude(pk=asset.pk if asset else None).exists():
        errors["identifier"] = [_("标识码 %(identifier)s 已存在") % {"identifier": identifier}]
    if state not in AssetState.values:
        errors["state"] = [_("未知的部件状态")]
    if data_source and data_source not in DataSource.values:
        errors["data_source"] = [_("未知的数据来源")]
    placed = None
    try:
        placed = place_of(longitude=longitude, latitude=latitude, line=line, crs=crs)
    except (CoordinateError, TypeError, ValueError) as error:
        errors["location"] = [str(error) if isinstance(error, CoordinateError) else _("坐标格式不正确")]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    with transaction.atomic():
        creating = asset is None
        asset = asset or Asset(state=state)
        asset.identifier, asset.item, asset.name = identifier, item, (name or "").strip()[:30]
        asset.longitude, asset.latitude, asset.line = placed.longitude, placed.latitude, placed.line
        asset.grid_id, asset.territory_path = placed.grid_id, placed.territory_path
        asset.owner, asset.maintainer, asset.contractor = owner, maintainer, contractor
        asset.initial_date = initial_date or asset.initial_date or timezone.localtime(now).date()
        asset.data_source, asset.note = data_source, (note or "").strip()[:200]
        asset.save()
        if creating:
            AssetStateChange.objects.create(asset=asset, from_state="", to_state=asset.state, at=now, by=by,
                                            reason=_("登记"))
        elif state != asset.state:
            asset_state_set(asset=asset, to_state=state, by=by, at=now, reason=_("修改部件信息"))
    return asset


# ---------------------------------------------------------------- maintenance

def maintenance_record(*, asset: Asset, by, kind: str, done_on: date | None, work: str, notes: str = "",
                       photos=(), organisation: Organisation | None = None) -> MaintenanceRecord:
    """养护/巡检 done on an asset, with photos (re-encoded, checked like a case's)."""
    from jiedao.cases.services import _prepare_all

    if kind not in MaintenanceKind.values:
        raise InvalidInput(_("请选择养护或巡检"), field="kind")
    today = timezone.localtime(clock.now()).date()
    if done_on is None:
        raise InvalidInput(_("请填写完成日期"), field="done_on")
    if done_on > today:
        raise InvalidInput(_("完成日期不能晚于今天"), field="done_on")
    work = (work or "").strip()
    if not work:
        raise InvalidInput(_("请填写作业内容"), field="work")
    if len(work) > MAX_WORK:
        raise InvalidInput(_("作业内容不能超过 %(n)d 字") % {"n": MAX_WORK}, field="work")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise InvalidInput(_("备注不能超过 %(n)d 字") % {"n": MAX_NOTES}, field="notes")
    prepared = _prepare_all(photos)
    saved: list[MaintenancePhoto] = []
    try:
        with transaction.atomic():
            record = MaintenanceRecord.objects.create(asset=asset, kind=kind, done_on=done_on, done_by=by,
                                                      organisation=organisation, work=work, notes=notes,
                                                      recorded_at=clock.now())
            for photo in prepared:
                saved.append(MaintenancePhoto.objects.create(record=record, image=photo.image,
                                                             thumbnail=photo.thumbnail,
                                                             content_type=photo.content_type))
            _duty_work_record(record=record, photos=len(saved))
    except BaseException:
        for photo in saved:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise
    return record


def _duty_work_record(*, record: MaintenanceRecord, photos: int) -> None:
    """The duties register counts this work against the asset's plan (duties_link.py)."""
    from .duties_link import maintenance_work_record

    maintenance_work_record(record=record, photos=photos)


# ---------------------------------------------------------------- cleaning zones

# Sample standards per grade (标注为示例值): sweeps a day, hours of patrol cleaning, litter allowed
# per 1000 m². An administrator replaces them with the local 环卫作业规范.
CLEANING_GRADES = [
    ("1", "一级", 1, 2, 16, 4, "主次干道、商业街、广场：每日普扫 2 次，16 小时巡回保洁，路面无积尘、无垃圾"),
    ("2", "二级", 2, 2, 12, 6, "次干道、支路：每日普扫 2 次，12 小时巡回保洁"),
    ("3", "三级", 3, 1, 10, 8, "街巷、小区周边：每日普扫 1 次，10 小时巡回保洁"),
    ("4", "四级", 4, 1, 8, 10, "背街小巷、城乡结合部：每日普扫 1 次，8 小时巡回保洁"),
]


def cleaning_grades_seed() -> int:
    """The four grades with sample standards; rows that exist are left as the administrator set them."""
    created = 0
    for code, name, order, sweeps, hours, litter, standard in CLEANING_GRADES:
        _grade, made = CleaningGrade.objects.get_or_create(code=code, defaults={
            "name": name, "order": order, "sweeps_per_day": sweeps, "patrol_hours_per_day": hours,
            "litter_limit": litter, "standard": standard, "is_sample": True})
        created += made
    return created


def _geometry_size(geometry: dict) -> tuple[int, int]:
    """(length in metres, area in m²) of a WGS-84 line or polygon, in a local flat frame."""
    import shapely
    from shapely.geometry import shape

    shaped = shape(geometry)
    ky = 111_320.0
    kx = ky * math.cos(math.radians(shaped.centroid.y))
    flat = shapely.transform(shaped, lambda xy: xy * [kx, ky])
    if flat.geom_type in ("Polygon", "MultiPolygon"):
        return round(flat.exterior.length if flat.geom_type == "Polygon" else flat.length), round(flat.area)
    return round(flat.length), 0


def cleaning_zone_save(*, zone: CleaningZone | None = None, code: str, name: str, kind: str, geometry: dict,
                       grade: CleaningGrade, contractor: Organisation | None = None,
                       supervisor: Organisation | None = None, crs: str = "wgs84") -> CleaningZone:
    from shapely.geometry import shape

    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = [_("编号不能为空")]
    elif CleaningZone.objects.filter(code=code).exclude(pk=zone.pk if zone else None).exists():
        errors["code"] = [_("编号 %(code)s 已存在") % {"code": code}]
    if not name:
        errors["name"] = [_("名称不能为空")]
    if kind not in CleaningZoneKind.values:
        errors["kind"] = [_("未知的区域类型")]
    placed = None
    converted = None
    try:
        if not isinstance(geometry, dict) or geometry.get("type") not in ("LineString", "Polygon"):
            raise CoordinateError(_("范围须为 GeoJSON LineString 或 Polygon"))
        if geometry["type"] == "LineString":
            converted = _line_converted(geometry, crs)
        else:
            rings = [_line_converted({"type": "LineString", "coordinates": ring}, crs)["coordinates"]
                     for ring in geometry.get("coordinates") or []]
            if not rings or len(rings[0]) < 4:
                raise CoordinateError(_("多边形至少需要 4 个坐标点（首尾相同）"))
            converted = {"type": "Polygon", "coordinates": rings}
        point = shape(converted).representative_point()
        placed = place_of(longitude=point.x, latitude=point.y)
    except (CoordinateError, TypeError, ValueError) as error:
        errors["geometry"] = [str(error) if isinstance(error, CoordinateError) else _("范围格式不正确")]
    if errors:
        raise ValidationError(errors)
    length_m, area_m2 = _geometry_size(converted)
    zone = zone or CleaningZone()
    zone.code, zone.name, zone.kind, zone.geometry = code, name, kind, converted
    zone.longitude, zone.latitude, zone.grid_id = placed.longitude, placed.latitude, placed.grid_id
    zone.territory_path, zone.grade, zone.contractor, zone.supervisor = placed.territory_path, grade, contractor, \
        supervisor
    zone.length_m, zone.area_m2 = length_m, area_m2
    zone.save()
    return zone


# ---------------------------------------------------------------- imports

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text_from_cell(str(value).strip())


def _state_of(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return AssetState.INTACT
    for state in AssetState:
        if text in (state.value, str(state.label)):
            return state.value
    return None


def _source_of(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return ""
    for source in DataSource:
        if text in (source.value, str(source.label)):
            return source.value
    return None


def _date_of(value: Any) -> tuple[date | None, bool]:
    """A date cell: a date, "YYYYMMDD" (表2's form) or "YYYY-MM-DD"; (None, True) when empty."""
    if value in (None, ""):
        return None, True
    if isinstance(value, datetime):
        return value.date(), True
    if isinstance(value, date):
        return value, True
    text = _text(value).replace("/", "-")
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date(), True  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None, False


@dataclass
class _CheckedAsset:
    row: int
    identifier: str
    item: CatalogueItem
    name: str
    placed: Placed
    owner: Organisation | None
    maintainer: Organisation | None
    contractor: Organisation | None
    state: str
    initial_date: date | None
    changed_date: date | None
    data_source: str
    note: str


def _check_rows(rows: list[tuple[int, dict]], *, column_names: dict[str, str]) -> tuple[list[_CheckedAsset],
                                                                                      list[RowError]]:
    """Every row checked against the others, the catalogue, the territory and the organisations."""
    errors: list[RowError] = []
    items = component_items()
    organisations = organisations_by_key()
    locator = grid_locator()
    seen: dict[str, int] = {}
    checked: list[_CheckedAsset] = []

    def fail(row: int, key: str, message: str) -> None:
        errors.append(RowError(row, column_names.get(key, key), message))

    for row, values in rows:
        identifier = _text(values.get("identifier"))
        code = _text(values.get("item_code")) or (identifier[6:11] if len(identifier) == 17 else "")
        item = items.get(code)
        if item is None:
            fail(row, "item_code", _("未知的部件小类：%(code)s") % {"code": code or "—"})
        for message in identifier_errors(identifier, item):
            fail(row, "identifier", message)
        if identifier in seen:
            fail(row, "identifier", _("标识码 %(identifier)s 与第 %(other)s 行重复")
                 % {"identifier": identifier, "other": seen[identifier]})
        elif identifier:
            seen[identifier] = row
        state = _state_of(values.get("state"))
        if state is None:
            fail(row, "state", _("状态应为 完好、破损、丢失、废弃 或 移除"))
        source = _source_of(values.get("data_source"))
        if source is None:
            fail(row, "data_source", _("数据来源应为 实测、地形图、基础地理数据 或 其他"))
        found = {}
        for key in ("owner", "maintainer", "contractor"):
            organisation, known = _organisation(values.get(key), organisations)
            if not known:
                fail(row, key, _("单位“%(name)s”不在组织架构中") % {"name": _text(values.get(key))})
            found[key] = organisation
        initial, good_initial = _date_of(values.get("initial_date"))
        changed, good_changed = _date_of(values.get("changed_date"))
        if not good_initial:
            fail(row, "initial_date", _("日期应写作 YYYYMMDD 或 YYYY-MM-DD"))
        if not good_changed:
            fail(row, "changed_date", _("日期应写作 YYYYMMDD 或 YYYY-MM-DD"))
        placed = None
        try:
            line = values.get("line")
            if line is None and _text(values.get("line_text")):
                line = _line_from_text(_text(values.get("line_text")))
            crs = _text(values.get("crs")) or values.get("default_crs") or "wgs84"
            placed = _place_with(locator, values.get("longitude"), values.get("latitude"), line, crs)
        except (CoordinateError, TypeError, ValueError) as error:
            fail(row, "longitude", str(error) if isinstance(error, CoordinateError) else _("坐标格式不正确"))
        grid_code = _text(values.get("grid_code"))
        if placed is not None and grid_code and grid_code != placed.grid_code:
            fail(row, "grid_code", _("坐标位于网格 %(found)s，与所填网格 %(given)s 不符")
                 % {"found": placed.grid_code, "given": grid_code})
        if placed is not None and item is not None and state is not None and source is not None:
            checked.append(_CheckedAsset(row, identifier, item, _text(values.get("name"))[:30], placed,
                                         found["owner"], found["maintainer"], found["contractor"], state, initial,
                                         changed, source, _text(values.get("note"))[:200]))
    return checked, errors


def _place_with(locator, longitude, latitude, line, crs) -> Placed:
    converted_line = _line_converted(line, crs) if line not in (None, "", {}) else None
    if converted_line is not None:
        lon, lat = _line_middle(converted_line)
    else:
        if longitude in (None, "") or latitude in (None, ""):
            raise CoordinateError(_("缺少经度、纬度"))
        lon, lat = _converted(longitude, latitude, crs)
    located = locator.locate(lon, lat)
    if located is None:
        raise CoordinateError(_("坐标 [%(lon)s, %(lat)s] 不在本街道的任何网格内") % {"lon": round(lon, 6),
                                                                                 "lat": round(lat, 6)})
    return Placed(lon, lat, converted_line, located.grid_id, located.grid_code, located.territory_path)


def _line_from_text(text: str) -> dict:
    """"经度,纬度; 经度,纬度; …" or GeoJSON, read as the address register reads a road's course."""
    line, problems = line_from_text(text)
    if problems:
        raise CoordinateError(problems[0])
    return line


def _write(checked: list[_CheckedAsset], *, by) -> ImportResult:
    """Bulk writes: new assets with their first history row, changed ones with a row for a new state."""
    result = ImportResult(extra={"assets": len(checked)})
    now = clock.now()
    today = timezone.localtime(now).date()
    reason = _("批量导入")
    try:
        with transaction.atomic():
            existing = Asset.objects.select_for_update().in_bulk([c.identifier for c in checked],
                                                                 field_name="identifier")
            new, changed, history = [], [], []
            for c in checked:
                asset = existing.get(c.identifier) or Asset(identifier=c.identifier, state=c.state)
                old_state = asset.state if asset.pk else ""
                asset.item, asset.component_code, asset.name = c.item, c.item.code, c.name
                asset.longitude, asset.latitude, asset.line = c.placed.longitude, c.placed.latitude, c.placed.line
                asset.grid_id, asset.territory_path = c.placed.grid_id, c.placed.territory_path
                asset.owner, asset.maintainer, asset.contractor = c.owner, c.maintainer, c.contractor
                asset.initial_date = c.initial_date or asset.initial_date or today
                asset.data_source, asset.note = c.data_source, c.note
                if asset.pk:
                    if old_state != c.state:
                        history.append(AssetStateChange(asset=asset, from_state=old_state, to_state=c.state, at=now,
                                                        by=by, reason=reason))
                        asset.state, asset.changed_date = c.state, c.changed_date or today
                    changed.append(asset)
                else:
                    asset.changed_date = c.changed_date
                    new.append(asset)
            for asset in changed:
                asset.updated_at = timezone.now()  # bulk_update does not touch auto_now: the stamp reads it
            Asset.objects.bulk_create(new, batch_size=1000)
            history += [AssetStateChange(asset=asset, from_state="", to_state=asset.state, at=now, by=by,
                                         reason=reason) for asset in new]
            Asset.objects.bulk_update(changed, ["item", "component_code", "name", "longitude", "latitude", "line", "grid",
                                                "territory_path", "owner", "maintainer", "contractor",
                                                "initial_date", "changed_date", "data_source", "note", "state",
                                                "updated_at"], batch_size=1000)
            AssetStateChange.objects.bulk_create(history, batch_size=1000)
    except IntegrityError as error:
        raise ImportRejected([RowError(None, "database", _("写入失败：%(error)s") % {"error": error})]) from error
    result.created, result.updated = len(new), len(changed)
    return result


# The census sheet (部件普查, standards.md §1.4 表2): each key with the headers it is known by.
SHEET = "部件"
COLUMNS: dict[str, tuple[str, ...]] = {
    "identifier": ("管理部件标识码", "标识码"),
    "name": ("管理部件名称", "名称"),
    "item_code": ("小类代码", "部件小类代码"),
    "maintainer": ("养护单位", "养护单位名称", "养护单位代码", "主管部门", "主管部门名称", "主管部门代码"),
    "owner": ("权属单位", "权属单位名称", "权属单位代码"),
    "contractor": ("作业公司", "作业单位"),
    "grid_code": ("所在单元网格标识码", "网格标识码"),
    "state": ("管理部件状态", "状态"),
    "initial_date": ("初始日期",),
    "changed_date": ("变更日期",),
    "data_source": ("数据来源",),
    "note": ("备注",),
    "longitude": ("经度", "X"),
    "latitude": ("纬度", "Y"),
    "crs": ("坐标系",),
    "line_text": ("线形",),
}
REQUIRED = ("identifier",)
EXPORT_HEADERS = [titles[0] for titles in COLUMNS.values()]


def _read_workbook(file) -> tuple[list[tuple[int, dict]], dict[str, str], list[RowError]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    head = file.read(8) if hasattr(file, "read") else b""
    if hasattr(file, "seek"):
        file.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return [], {}, [RowError(None, "file", _("这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入"))]
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, OSError, ValueError, KeyError, TypeError):
        return [], {}, [RowError(None, "file", _("文件不是有效的 .xlsx 工作簿"))]
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        lines = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
    finally:
        workbook.close()
    known = {title: key for key, titles in COLUMNS.items() for title in titles}
    header_at = next((index for index, line in enumerate(lines[:HEADER_SEARCH_ROWS])
                      if any(_text(cell) in known for cell in line)), None)
    if header_at is None:
        return [], {}, [RowError(1, "file", _("找不到表头：第一行应有“管理部件标识码”“经度”“纬度”等列"))]
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    for position, cell in enumerate(lines[header_at]):
        key = known.get(_text(cell))
        if key and key not in positions:
            positions[key], titles[key] = position, _text(cell)
    errors = [RowError(header_at + 1, COLUMNS[key][0], _("缺少“%(column)s”列") % {"column": COLUMNS[key][0]})
              for key in REQUIRED if key not in positions]
    if "line_text" not in positions and not {"longitude", "latitude"} <= set(positions):
        errors.append(RowError(header_at + 1, "经度", _("缺少“经度”“纬度”列（或“线形”列）")))
    rows = []
    for number, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if any(_text(cell) for cell in line):
            rows.append((number, {key: line[position] if position < len(line) else None
                                  for key, position in positions.items()}))
    if len(rows) > MAX_ROWS:
        errors.append(RowError(None, "file", _("一次最多导入 %(n)d 行") % {"n": MAX_ROWS}))
    return rows, titles, errors


def assets_import_xlsx(*, file, by) -> ImportResult:
    """Assets from the census sheet (`部件`, or the first sheet), columns by their headers (COLUMNS).
    An identifier already in the register updates that asset. Raises `ImportRejected` with every
    error by row and column, and writes nothing, if any row is wrong."""
    rows, titles, errors = _read_workbook(file)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "file", _("表格中没有部件"))])
    checked, errors = _check_rows(rows, column_names={key: titles.get(key, COLUMNS[key][0]) for key in COLUMNS})
    if errors:
        raise ImportRejected(errors)
    return _write(checked, by=by)


def assets_import_geojson(*, data: bytes | str, by) -> ImportResult:
    """A FeatureCollection of Points or LineStrings; properties `identifier`, `item_code` (or the
    identifier's class digits), `name`, `state`, `maintainer`, `owner`, `contractor` (code or
    name), `grid_code`, `initial_date`, `data_source`, `note`. Coordinates in WGS-84 unless the
    collection says `"crs": "gcj02"` or `"bd09"`. All-or-nothing, errors by feature (from 0)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRejected([RowError(None, "file", _("不是有效的 JSON：%(error)s") % {"error": error})]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list) or not document["features"]:
        raise ImportRejected([RowError(None, "type", _("文件必须是含有要素的 GeoJSON FeatureCollection"))])
    if len(document["features"]) > MAX_ROWS:
        raise ImportRejected([RowError(None, "file", _("一次最多导入 %(n)d 行") % {"n": MAX_ROWS})])
    crs = document.get("crs") if isinstance(document.get("crs"), str) else "wgs84"
    rows: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    for index, feature in enumerate(document["features"]):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            errors.append(RowError(index, "type", _("要素必须是 GeoJSON Feature")))
            continue
        properties = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        values = {key: properties.get(key) for key in COLUMNS if key in properties}
        values["default_crs"] = crs
        if kind == "Point" and isinstance(geometry.get("coordinates"), list) and len(geometry["coordinates"]) >= 2:
            values["longitude"], values["latitude"] = geometry["coordinates"][:2]
        elif kind == "LineString":
            values["line"] = geometry
        else:
            errors.append(RowError(index, "geometry", _("几何须为 Point 或 LineString")))
            continue
        rows.append((index, values))
    if errors:
        raise ImportRejected(errors)
    checked, errors = _check_rows(rows, column_names={})
    if errors:
        raise ImportRejected(errors)
    return _write(checked, by=by)


# ---------------------------------------------------------------- export

def _line_text(line: dict | None) -> str:
    if not line:
        return ""
    return "; ".join(f"{lon},{lat}" for lon, lat, *_rest in line["coordinates"])


def assets_export_rows(assets) -> list[list[Any]]:
    """The assets as the census sheet the import reads (EXPORT_HEADERS)."""
    rows = []
    for asset in assets.select_related("item", "grid", "owner", "maintainer", "contractor").iterator(chunk_size=2000):
        rows.append([
            asset.identifier, asset.name, asset.item.code,
            asset.maintainer.code if asset.maintainer else "", asset.owner.code if asset.owner else "",
            asset.contractor.code if asset.contractor else "", asset.grid.code, asset.get_state_display(),
            asset.initial_date.strftime("%Y%m%d") if asset.initial_date else "",
            asset.changed_date.strftime("%Y%m%d") if asset.changed_date else "",
            asset.get_data_source_display() if asset.data_source else "", asset.note,
            round(asset.longitude, 7), round(asset.latitude, 7), "wgs84", _line_text(asset.line),
        ])
    return rows
