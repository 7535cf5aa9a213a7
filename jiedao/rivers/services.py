"""Writes of the river chief system (standards.md §5): the register and its imports, chiefs and
the segments they answer for, river patrols from the field app (started under the device's id,
the track in batches under their own keys, problems each under its key, submitted once), the
交办函 and their steps, the planned dredging and cleaning works.

A problem the chief cannot fix becomes a case through `cases.services.case_report` (source 河长巡河),
routed by the catalogue's rules like any other; nothing here fixes a problem another way."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.addresses.services import line_from_text
from jiedao.cases import services as case_services
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.idempotency import key_reuse_check
from jiedao.cases.models import CaseSource
from jiedao.cases.photos import photo_prepare
from jiedao.catalogue.models import CatalogueItem
from jiedao.checklists.models import ChecklistItem
from jiedao.field.models import PatrolPolicy
from jiedao.field.services import CLOCK_SKEW, KEY_PATTERN, Answer
from jiedao.field.tracks import TrackRules, track_distance_m, track_extend
from jiedao.territory.access import user_duties
from jiedao.territory.coordinates import SUPPORTED_CRS, CoordinateError, to_wgs84
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Role, Unit, UnitLevel
from jiedao.territory.services import ImportRejected, ImportResult, RowError
from jiedao.worktime.deadlines import budget_minutes, deadline_after
from jiedao.worktime.selectors import working_calendar

from . import geometry as geo
from .access import may_follow_up_letters, may_keep_register, may_patrol_rivers
from .duty_work import patrol_duty_record
from .models import (
    LETTER_TRANSITIONS,
    Assignment,
    AssignmentEvent,
    ChiefLevel,
    LetterAction,
    LetterState,
    PatrolBatch,
    PatrolValidity,
    ProblemHandling,
    ProblemPhoto,
    RiverChief,
    RiverPatrol,
    RiverPolicy,
    RiverProblem,
    RiverSegment,
    RiverWork,
    Waterbody,
    WaterbodyKind,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_TEXT = 500


def _require_keeper(by) -> None:
    if by is not None and not may_keep_register(user=by):
        raise NotAllowed(_("河湖名录由河长办和系统管理员维护"))


# ---------------------------------------------------------------- the register

def lowest_common_unit(unit_ids: list[int]) -> Unit | None:
    """The deepest unit whose path holds every grid of the list (the grids' own unit for one grid)."""
    grid_paths = list(Unit.objects.filter(pk__in=unit_ids, level=UnitLevel.GRID).values_list("path", flat=True))
    if not grid_paths:
        return None
    common = grid_paths[0].strip("/").split("/")
    for path in grid_paths[1:]:
        parts = path.strip("/").split("/")
        length = 0
        while length < min(len(common), len(parts)) and common[length] == parts[length]:
            length += 1
        common = common[:length]
    return Unit.objects.filter(code=common[-1]).first() if common else None


def segment_units(geometry: dict) -> tuple[list[int], list[str]]:
    """The ids of the grids a segment crosses and of every unit above them, and the vertices that
    lie in no grid (outside the sub-district), as "经度,纬度" texts."""
    locator = grid_locator()
    points = geo.vertices(geometry)
    located = locator.locate_many([p[0] for p in points], [p[1] for p in points])
    outside = [f"{lon:.6f},{lat:.6f}" for (lon, lat), place in zip(points, located, strict=True) if place is None]
    from shapely.geometry import shape

    grid_ids = set(locator.grids_intersecting(shape(geometry)))
    grid_ids.update(place.grid_id for place in located if place is not None)
    codes = set()
    for path in Unit.objects.filter(pk__in=grid_ids).values_list("path", flat=True):
        codes.update(part for part in path.strip("/").split("/") if part)
    unit_ids = list(Unit.objects.filter(code__in=codes).values_list("pk", flat=True))
    return unit_ids, outside


def segment_save(*, waterbody: Waterbody, code: str, name: str, geometry: dict, by=None,
                 units: list[int] | None = None) -> RiverSegment:
    """Create or update the segment `code`; refused if the geometry is not one or leaves the
    sub-district. `units` (from an import's check) saves locating it again."""
    _require_keeper(by)
    errors = geo.geometry_errors(geometry)
    if errors:
        raise InvalidInput(errors[0], field="geometry")
    if units is None:
        units, outside = segment_units(geometry)
        if outside:
            raise InvalidInput(_("河段有 %(n)d 个坐标点不在本街道任何网格内，如 %(point)s")
                               % {"n": len(outside), "point": outside[0]}, field="geometry")
    min_lon, min_lat, max_lon, max_lat = geo.bounds(geometry)
    values = {"waterbody": waterbody, "name": name, "geometry": geometry, "length_m": geo.length_m(geometry),
              "unit": lowest_common_unit(units),
              "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat, "is_active": True}
    segment, _created = RiverSegment.objects.update_or_create(code=code, defaults=values)
    segment.units.set(units)
    return segment


def _choice(value: Any, choices, default: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return default
    for choice in choices:
        if text in (choice.value, str(choice.label), str(choice.label).removesuffix("级")):
            return choice.value
    return None


@dataclass
class _SegmentRow:
    row: int
    waterbody_code: str
    waterbody_name: str
    kind: str
    basin: str
    level: str
    code: str
    name: str
    geometry: dict
    units: list[int]


COLUMNS = {"waterbody_code": "河湖代码", "waterbody_name": "河湖名称", "kind": "类型", "basin": "所属流域",
           "level": "管理级别", "code": "河段编码", "name": "河段名称", "geometry": "几何"}
REQUIRED = ("waterbody_code", "code", "name", "geometry")
SHEET = "河段"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check_rows(rows: list[tuple[int, dict]]) -> list[_SegmentRow] | list[RowError]:
    """Every row against the others and the register; all errors, by row and column."""
    errors: list[RowError] = []
    checked: list[_SegmentRow] = []
    seen: dict[str, int] = {}
    waterbody_names = dict(Waterbody.objects.values_list("code", "name"))
    for row, values in rows:
        def fail(key: str, message: str, row=row) -> None:
            errors.append(RowError(row, COLUMNS[key], message))

        for key in REQUIRED:
            if not (values.get(key) if key == "geometry" else _text(values.get(key))):
                fail(key, _("“%(column)s”不能为空") % {"column": COLUMNS[key]})
        code = _text(values.get("code"))
        if code and code in seen:
            fail("code", _("河段编码 %(code)s 与第 %(row)s 行重复") % {"code": code, "row": seen[code]})
        elif code:
            seen[code] = row
        waterbody_code = _text(values.get("waterbody_code"))
        if waterbody_code and waterbody_code not in waterbody_names and not _text(values.get("waterbody_name")):
            fail("waterbody_name", _("河湖代码 %(code)s 不在名录中，须填写河湖名称") % {"code": waterbody_code})
        kind = _choice(values.get("kind"), WaterbodyKind, WaterbodyKind.RIVER)
        if kind is None:
            fail("kind", _("类型须为 河流、湖泊 或 坑塘"))
        level = _choice(values.get("level"), ChiefLevel, ChiefLevel.TOWNSHIP)
        if level is None:
            fail("level", _("管理级别须为 省级、市级、县级、乡级 或 村级"))
        shape_value = values.get("geometry")
        if isinstance(shape_value, str):
            shape_value, line_problems = line_from_text(shape_value)
            if line_problems:
                fail("geometry", line_problems[0])
                continue
        if not shape_value:
            continue
        problems = geo.geometry_errors(shape_value)
        if problems:
            fail("geometry", problems[0])
            continue
        units, outside = segment_units(shape_value)
        if outside:
            fail("geometry", _("有 %(n)d 个坐标点在本街道以外，如 %(point)s") % {"n": len(outside), "point": outside[0]})
            continue
        if errors:
            continue
        checked.append(_SegmentRow(row=row, waterbody_code=waterbody_code,
                                   waterbody_name=_text(values.get("waterbody_name")), kind=kind, level=level,
                                   basin=_text(values.get("basin")), code=code, name=_text(values.get("name")),
                                   geometry=shape_value, units=units))
    return errors or checked


@transaction.atomic
def _write(rows: list[_SegmentRow], *, by) -> ImportResult:
    result = ImportResult(extra={"waterbodies": 0, "segments": 0})
    existing = set(RiverSegment.objects.filter(code__in=[row.code for row in rows]).values_list("code", flat=True))
    waterbodies: dict[str, Waterbody] = {}
    for row in rows:
        waterbody = waterbodies.get(row.waterbody_code)
        if waterbody is None:
            waterbody = Waterbody.objects.filter(code=row.waterbody_code).first()
            if waterbody is None:
                waterbody = Waterbody.objects.create(code=row.waterbody_code, name=row.waterbody_name, kind=row.kind,
                                                     basin=row.basin, management_level=row.level)
                result.extra["waterbodies"] += 1
            waterbodies[row.waterbody_code] = waterbody
        segment_save(waterbody=waterbody, code=row.code, name=row.name, geometry=row.geometry, by=by,
                     units=row.units)
        result.extra["segments"] += 1
        if row.code in existing:
            result.updated += 1
        else:
            result.created += 1
    return result


def register_import_geojson(*, data: bytes | str, by=None) -> ImportResult:
    """A FeatureCollection in WGS-84, one feature a segment (properties as COLUMNS' keys or titles).
    All-or-nothing; every error by feature (from 0) and property."""
    _require_keeper(by)
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRejected([RowError(None, "file", _("不是有效的 JSON：%(error)s") % {"error": error})]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list) or not document["features"]:
        raise ImportRejected([RowError(None, "type", _("文件必须是含有要素的 GeoJSON FeatureCollection"))])
    if len(document["features"]) > MAX_ROWS:
        raise ImportRejected([RowError(None, "file", _("要素太多（上限 %(n)d）") % {"n": MAX_ROWS})])
    titles = {title: key for key, title in COLUMNS.items()}
    rows = []
    for index, feature in enumerate(document["features"]):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise ImportRejected([RowError(index, "type", _("要素必须是 GeoJSON Feature"))])
        properties = {titles.get(name, name): value for name, value in (feature.get("properties") or {}).items()}
        rows.append((index, {**properties, "geometry": feature.get("geometry")}))
    checked = _check_rows(rows)
    if checked and isinstance(checked[0], RowError):
        raise ImportRejected(checked)
    return _write(checked, by=by)


def register_import_xlsx(*, file, by=None) -> ImportResult:
    """The sheet 河段 (columns by their headers, COLUMNS; 几何 as "经度,纬度; 经度,纬度" or GeoJSON).
    All-or-nothing; every error by row (the header is row 1) and column."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    _require_keeper(by)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, OSError, ValueError, KeyError, TypeError) as error:
        raise ImportRejected([RowError(None, "file", _("文件不是有效的 .xlsx 工作簿"))]) from error
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        lines = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    finally:
        workbook.close()
    if not lines:
        raise ImportRejected([RowError(None, "file", _("表格中没有河段"))])
    header = [_text(cell) for cell in lines[0]]
    positions = {key: header.index(title) for key, title in COLUMNS.items() if title in header}
    missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise ImportRejected([RowError(1, title, _("缺少“%(column)s”列") % {"column": title}) for title in missing])
    rows = [(number, {key: line[position] if position < len(line) else None for key, position in positions.items()})
            for number, line in enumerate(lines[1:], start=2) if any(_text(cell) for cell in line)]
    if not rows:
        raise ImportRejected([RowError(2, "file", _("表格中没有河段"))])
    checked = _check_rows(rows)
    if checked and isinstance(checked[0], RowError):
        raise ImportRejected(checked)
    return _write(checked, by=by)


# ---------------------------------------------------------------- chiefs

def _outside_unit(chief: RiverChief, segments) -> list[RiverSegment]:
    """The segments that cross a grid outside the chief's unit (or no grid at all)."""
    if chief.unit is None:
        return []
    grid_paths: dict[int, list[str]] = {}
    for segment_id, path in (RiverSegment.units.through.objects
                             .filter(riversegment_id__in=[s.pk for s in segments], unit__level=UnitLevel.GRID)
                             .values_list("riversegment_id", "unit__path")):
        grid_paths.setdefault(segment_id, []).append(path)
    return [segment for segment in segments
            if not grid_paths.get(segment.pk)
            or not all(path.startswith(chief.unit.path) for path in grid_paths[segment.pk])]


def chief_save(*, level: str, name: str, title: str = "", user=None, unit: Unit | None = None,
               by=None) -> RiverChief:
    """A chief: a person (乡级/村级) who signs in with `Role.RIVER_CHIEF` over `unit`, or a name and
    a title for the higher levels."""
    _require_keeper(by)
    if level not in ChiefLevel.values:
        raise InvalidInput(_("未知的河长层级"), field="level")
    if user is not None:
        duty_units = [d.unit for d in user_duties(user) if d.role == Role.RIVER_CHIEF and d.unit is not None]
        if unit is None and duty_units:
            unit = duty_units[0]
        if unit is None or not any(unit.is_within(duty_unit) for duty_unit in duty_units):
            raise InvalidInput(_("%(name)s 没有该范围的河长职责") % {"name": user}, field="user")
    name = (name or (user.full_name if user else "")).strip()
    if not name:
        raise InvalidInput(_("请填写河长姓名"), field="name")
    return RiverChief.objects.create(level=level, name=name, title=title, user=user, unit=unit)


def chief_segments_assign(*, chief: RiverChief, segments, by=None) -> RiverChief:
    """Make `chief` responsible for `segments` too. A chief with a unit answers only for segments
    inside it: any segment crossing a grid outside is refused, and nothing is assigned."""
    _require_keeper(by)
    segments = list(segments)
    outside = _outside_unit(chief, segments)
    if outside:
        raise InvalidInput(_("河段 %(segments)s 不在 %(chief)s 的负责范围（%(unit)s）内")
                           % {"segments": "、".join(f"{s.code} {s.name}" for s in outside), "chief": chief.name,
                              "unit": chief.unit.name}, field="segments")
    chief.segments.add(*segments)
    return chief


# ---------------------------------------------------------------- patrols

def _require_patroller(by) -> None:
    if not may_patrol_rivers(user=by):
        raise NotAllowed(_("巡河仅供河长、河长助理、巡河员和保洁员使用"))


def _require_key(key) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(_("缺少或无效的提交编号（幂等键）"), field="key")
    return key


def _within_own_units(by, segment: RiverSegment, roles) -> bool:
    paths = [d.unit.path for d in user_duties(by) if d.role in roles and d.unit is not None]
    return any(unit_path.startswith(path) for unit_path in segment.units.values_list("path", flat=True)
               for path in paths)


def patrol_account(*, by, segment: RiverSegment, chief: RiverChief | None) -> RiverChief | None:
    """Whose patrol this is: the chief's own (or a 河长助理's on the chief's account, standards.md §5
    广州), or — for 巡河员 and 保洁员, and chiefs patrolling for themselves — the patroller's. A
    segment the person does not answer for is refused."""
    if chief is None:
        own = RiverChief.objects.filter(user=by, segments=segment, is_active=True).first()
        if own is not None:
            return own
        if _within_own_units(by, segment, {Role.RIVER_PATROLLER, Role.CLEANER, Role.RIVER_ASSISTANT}):
            return None
        raise NotAllowed(_("您不负责该河段"))
    if not chief.is_active or not chief.segments.filter(pk=segment.pk).exists():
        raise InvalidInput(_("%(chief)s 不负责该河段") % {"chief": chief.name}, field="chief")
    if chief.user_id == by.pk:
        return chief
    assistant_paths = [d.unit.path for d in user_duties(by) if d.role == Role.RIVER_ASSISTANT and d.unit is not None]
    if chief.unit is not None and any(chief.unit.path.startswith(path) for path in assistant_paths):
        return chief
    raise NotAllowed(_("只有河长本人或其河长助理可以计入该河长的巡河"))


def _from_unix(seconds) -> datetime | None:
    if seconds in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(float(seconds), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as error:
        raise InvalidInput(_("时间格式不正确"), field="time") from error


def _client_uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value or "").strip())
    except ValueError as error:
        raise InvalidInput(_("巡河编号格式不正确"), field="client_id") from error


def river_patrol_start(*, by, client_id, segment: RiverSegment, chief: RiverChief | None = None,
                       started_at=None) -> tuple[RiverPatrol, bool]:
    """Start a patrol under the id the device chose; the same id again is the same patrol."""
    _require_patroller(by)
    client_uuid = _client_uuid(client_id)
    existing = RiverPatrol.objects.filter(client_id=client_uuid).first()
    if existing is not None:
        if existing.patrolled_by_id != by.pk:
            raise InvalidInput(_("该巡河编号已被他人使用"), field="client_id")
        return existing, False
    if not segment.is_active:
        raise InvalidInput(_("该河段已停用"), field="segment")
    account = patrol_account(by=by, segment=segment, chief=chief)
    now = clock.now()
    policy = PatrolPolicy.current()
    start = _from_unix(started_at) or now
    start = min(max(start, now - timedelta(hours=policy.max_duration_hours)), now)
    try:
        with transaction.atomic():
            patrol = RiverPatrol.objects.create(client_id=client_uuid, segment=segment, chief=account,
                                                patrolled_by=by, started_at=start, created_at=now)
    except IntegrityError:
        return river_patrol_start(by=by, client_id=client_uuid, segment=segment, chief=chief, started_at=started_at)
    return patrol, True


def _own_patrol(by, patrol: RiverPatrol) -> None:
    if patrol.patrolled_by_id != by.pk:
        raise NotAllowed(_("只能提交自己的巡河"))


def river_patrol_points_add(*, by, patrol: RiverPatrol, key: str, points, crs: str = "wgs84",
                            fingerprint: str = "") -> Answer:
    """One batch of the device's points, once per key, judged by the field app's track rules
    (`field.tracks`, `PatrolPolicy`): implausible points are counted, not kept; close ones thinned."""
    _require_patroller(by)
    _own_patrol(by, patrol)
    key = _require_key(key)
    previous = PatrolBatch.objects.filter(key=key).first()
    if previous is not None:
        return _batch_replay(previous, patrol=patrol, fingerprint=fingerprint)
    policy = PatrolPolicy.current()
    if not isinstance(points, list) or not all(isinstance(p, list | tuple) and len(p) == 3 for p in points):
        raise InvalidInput(_("轨迹点格式不正确，应为 [经度, 纬度, 时间] 的列表"), field="points")
    if len(points) > policy.max_points_per_batch:
        raise InvalidInput(_("每批最多 %(n)d 个轨迹点") % {"n": policy.max_points_per_batch}, field="points")
    crs_name = (crs or "wgs84").strip().lower()
    if crs_name not in SUPPORTED_CRS:
        raise InvalidInput(_("不支持的坐标系“%(crs)s”，应为 wgs84、gcj02 或 bd09") % {"crs": crs}, field="crs")
    try:
        with transaction.atomic():
            locked = RiverPatrol.objects.select_for_update().get(pk=patrol.pk)
            if len(locked.track) + len(points) > RiverPolicy.current().max_track_points:
                raise InvalidInput(_("本次巡河的轨迹点已达上限"), field="points")
            now = clock.now()
            latest = min(now + CLOCK_SKEW, locked.started_at + timedelta(hours=policy.max_duration_hours))
            if locked.ended_at is not None:
                latest = min(latest, locked.ended_at)
            rules = TrackRules(min_distance_m=policy.min_distance_m, min_interval_s=policy.min_interval_s,
                               max_speed_mps=policy.max_speed_mps,
                               earliest_t=(locked.started_at - CLOCK_SKEW).timestamp(), latest_t=latest.timestamp())
            extension = track_extend(last=locked.track[-1] if locked.track else None,
                                     points=[_wgs84(point, crs_name) for point in points], rules=rules)
            if extension.kept:
                tail = locked.track[-1:]
                locked.track = [*locked.track, *[list(point) for point in extension.kept]]
                locked.point_count = len(locked.track)
                # Only the new legs are measured: a long track is not walked again per batch.
                locked.distance_m = round(locked.distance_m + track_distance_m([*tail, *extension.kept]), 1)
                if locked.ended_at is None:
                    locked.duration_s = max(0, int(locked.track[-1][2] - locked.started_at.timestamp()))
            locked.rejected_point_count += extension.rejected_count
            locked.save(update_fields=["track", "point_count", "distance_m", "duration_s", "rejected_point_count"])
            body = {"patrol": str(locked.client_id), "accepted": len(extension.kept),
                    "rejected": extension.rejected_count, "point_count": locked.point_count,
                    "distance_m": locked.distance_m}
            PatrolBatch.objects.create(key=key, patrol=locked, body_fingerprint=fingerprint, response=body,
                                       created_at=now)
    except IntegrityError:
        previous = PatrolBatch.objects.filter(key=key).first()
        if previous is None:
            raise
        return _batch_replay(previous, patrol=patrol, fingerprint=fingerprint)
    return Answer(status=200, body=body)


def _batch_replay(previous: PatrolBatch, *, patrol: RiverPatrol, fingerprint: str) -> Answer:
    if previous.patrol_id != patrol.pk:
        raise InvalidInput(_("该提交编号已用于另一项提交"), field="key")
    key_reuse_check(key=previous.key, stored=previous.body_fingerprint, fingerprint=fingerprint)
    return Answer(status=200, body=previous.response, replayed=True)


def _wgs84(point, crs: str) -> list:
    lon, lat, t = point
    if any(isinstance(value, bool) for value in point):
        return [None, None, None]
    try:
        lon, lat = to_wgs84(lon=lon, lat=lat, crs=crs)
        return [lon, lat, float(t)]
    except (CoordinateError, TypeError, ValueError, OverflowError):
        return [None, None, None]


def track_judgement(*, point_count: int, rejected_count: int, max_rejected_share: float) -> list[dict]:
    """Why a patrol's track is not believed (empty: it is). Pure: a track of at least two points,
    and not too many points rejected as GPS jumps by the field app's track rules. What the patrol
    must reach (minimum duration and distance, standards.md §5) is its duty plan's (jiedao/duties)."""
    reasons: list[dict] = []
    if point_count < 2:
        reasons.append({"code": "no_track"})
    recorded = point_count + rejected_count
    if rejected_count and recorded and rejected_count / recorded > max_rejected_share:
        reasons.append({"code": "jumps", "rejected": rejected_count, "share": round(100 * rejected_count / recorded),
                        "maximum": round(100 * max_rejected_share)})
    return reasons


def _answers_checked(answers, version) -> dict:
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise InvalidInput(_("检查结果格式不正确"), field="answers")
    item_ids = set() if version is None else {str(pk) for pk in
                                              ChecklistItem.objects.filter(section__version=version)
                                              .values_list("pk", flat=True)}
    checked = {}
    for item_id, value in answers.items():
        if str(item_id) not in item_ids or value not in ("ok", "problem"):
            raise InvalidInput(_("检查结果格式不正确"), field="answers")
        checked[str(item_id)] = value
    return checked


def river_patrol_submit(*, by, patrol: RiverPatrol, ended_at=None, answers=None, note: str = "",
                        fingerprint: str = "") -> Answer:
    """End and submit the patrol, once: judged (its track here, its duty plan's minimums in jiedao/duties) and kept whatever the
    judgement (a patrol that does not count says why). Submitting again with the same body is a
    retry and gets the first answer; with another body it is refused."""
    from .selectors import patrol_checklist_version

    _require_patroller(by)
    _own_patrol(by, patrol)
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput(_("巡河情况不能超过 %(n)d 字") % {"n": MAX_TEXT}, field="note")
    with transaction.atomic():
        locked = RiverPatrol.objects.select_for_update(of=("self",)).select_related("chief").get(pk=patrol.pk)
        if locked.submitted_at is not None:
            key_reuse_check(key=str(locked.client_id), stored=locked.submit_fingerprint, fingerprint=fingerprint,
                            field="client_id")
            return Answer(status=200, body=locked.submit_response, replayed=True)
        version = patrol_checklist_version()
        checked = _answers_checked(answers, version)
        now = clock.now()
        policy = PatrolPolicy.current()
        end = _from_unix(ended_at) or now
        earliest = locked.started_at
        if locked.track:
            earliest = max(earliest, datetime.fromtimestamp(locked.track[-1][2], tz=UTC))
        end = max(min(end, now, locked.started_at + timedelta(hours=policy.max_duration_hours)), earliest)
        locked.ended_at = end
        locked.duration_s = max(0, int((end - locked.started_at).total_seconds()))
        locked.submitted_at = now
        locked.checklist_version = version
        locked.answers = checked
        locked.note = note
        reasons = track_judgement(point_count=locked.point_count, rejected_count=locked.rejected_point_count,
                                  max_rejected_share=RiverPolicy.current().max_rejected_share)
        # A believable track is the chief's duty work, judged there against the plan's minimums.
        if not reasons:
            reasons = patrol_duty_record(patrol=locked)
        locked.validity = PatrolValidity.NOT_COUNTING if reasons else PatrolValidity.VALID
        locked.validity_reasons = reasons
        from .selectors import reason_texts

        body = {"patrol": str(locked.client_id), "validity": locked.validity,
                "validity_label": str(locked.get_validity_display()), "reasons": reason_texts(reasons),
                "distance_m": locked.distance_m, "duration_s": locked.duration_s,
                "message": (_("巡河已提交，计入巡河") if not reasons else _("巡河已提交，但不计入：%(why)s")
                            % {"why": "；".join(reason_texts(reasons))})}
        locked.submit_fingerprint = fingerprint
        locked.submit_response = body
        locked.save(update_fields=["ended_at", "duration_s", "submitted_at", "checklist_version", "answers", "note",
                                   "validity", "validity_reasons", "submit_fingerprint", "submit_response"])
    return Answer(status=200, body=body)


# ---------------------------------------------------------------- problems and 交办函

def _point(longitude, latitude, crs: str) -> tuple[float, float]:
    try:
        return to_wgs84(lon=float(longitude), lat=float(latitude), crs=(crs or "wgs84").lower())
    except (CoordinateError, TypeError, ValueError, OverflowError) as error:
        raise InvalidInput(_("请等待定位，或在地图上点选位置"), field="location") from error


def river_problem_record(*, by, patrol: RiverPatrol, key: str, description: str, longitude, latitude,
                         handling: str, checklist_item: ChecklistItem | None = None,
                         category: CatalogueItem | None = None, measure: str = "", photos=(), crs: str = "wgs84",
                         fingerprint: str = "") -> Answer:
    """A problem found on the patrol (standards.md §5 发现问题 and 处理情况), once per key: fixed on
    the spot (the measure recorded), a case for the competent department (source 河长巡河, the
    catalogue's rules route it), or a 交办函 to the higher-level 河长办."""
    _require_patroller(by)
    _own_patrol(by, patrol)
    key = _require_key(key)
    previous = RiverProblem.objects.filter(client_key=key).first()
    if previous is not None:
        if previous.patrol_id != patrol.pk:
            raise InvalidInput(_("该提交编号已用于另一项提交"), field="key")
        key_reuse_check(key=key, stored=previous.body_fingerprint, fingerprint=fingerprint)
        return Answer(status=200, body=_problem_body(previous), replayed=True)
    description = (description or "").strip()
    measure = (measure or "").strip()
    if not description:
        raise InvalidInput(_("请描述发现的问题"), field="description")
    if len(description) > MAX_TEXT or len(measure) > MAX_TEXT:
        raise InvalidInput(_("问题描述不能超过 %(n)d 字") % {"n": MAX_TEXT}, field="description")
    if handling not in ProblemHandling.values:
        raise InvalidInput(_("请选择处理方式"), field="handling")
    if handling == ProblemHandling.FIXED_ON_SITE and not measure:
        raise InvalidInput(_("当场处理须填写采取的措施和效果"), field="measure")
    if RiverProblem.objects.filter(patrol=patrol).count() >= RiverPolicy.current().max_problems_per_patrol:
        raise InvalidInput(_("本次巡河记录的问题已达上限"), field="description")
    category = category or (checklist_item.category if checklist_item else None)
    if handling == ProblemHandling.CASE and category is None:
        raise InvalidInput(_("转部门立案须选择问题分类"), field="category")
    lon, lat = _point(longitude, latitude, crs)
    now = clock.now()
    with transaction.atomic():
        problem = RiverProblem(client_key=key, body_fingerprint=fingerprint, patrol=patrol,
                               checklist_item=checklist_item, description=description, longitude=lon, latitude=lat,
                               handling=handling, measure=measure, reported_by=by, found_at=now)
        if handling == ProblemHandling.CASE:
            words = f"【{patrol.segment}】{description}"
            problem.case, _created = case_services.case_report_once(
                by=by, source=CaseSource.RIVER_PATROL, item=category, longitude=lon, latitude=lat,
                description=words[:MAX_TEXT], address=str(patrol.segment), photos=photos,
                client_key=f"river:{by.pk}:{key}")
            problem.save()
        else:
            case_services.photos_count_check(photos)
            prepared = [photo_prepare(upload) for upload in photos or ()]
            problem.save()
            for photo in prepared:
                ProblemPhoto.objects.create(problem=problem, image=photo.image, thumbnail=photo.thumbnail,
                                            content_type=photo.content_type, size_bytes=photo.size_bytes)
            if handling == ProblemHandling.LETTER:
                _letter_send(problem=problem, by=by, now=now)
    return Answer(status=201, body=_problem_body(problem))


def _problem_body(problem: RiverProblem) -> dict:
    body = {"problem": problem.pk, "handling": problem.handling,
            "handling_label": str(problem.get_handling_display())}
    if problem.case_id:
        body["case"] = problem.case.number
        body["message"] = _("已转部门立案：案件 %(number)s") % {"number": problem.case.number}
    elif problem.handling == ProblemHandling.LETTER:
        letter = problem.letter
        body["letter"] = letter.number
        body["message"] = _("已报%(office)s：交办函 %(number)s") % {"office": letter.recipient, "number": letter.number}
    else:
        body["message"] = _("已记录当场处理")
    return body


def letter_deadline(*, sent_at: datetime) -> datetime:
    """The 交办函's deadline: the policy's limit (one working day by default, standards.md §5
    广州) in working time on the office's calendar (holidays and 调休 days count as they are)."""
    policy = RiverPolicy.current()
    calendar = working_calendar()
    minutes = budget_minutes(value=policy.letter_deadline_value, unit=policy.letter_deadline_unit, calendar=calendar)
    return deadline_after(start=sent_at, budget_minutes=minutes, unit=policy.letter_deadline_unit, calendar=calendar)


def _higher_office(segment: RiverSegment) -> str:
    """The 河长办 one level up from the sub-district (the district's), by the territory's names."""
    district = segment.units.filter(level=UnitLevel.DISTRICT).first()
    return _("%(unit)s河长办") % {"unit": district.name if district else _("上级")}


def _letter_send(*, problem: RiverProblem, by, now: datetime) -> Assignment:
    segment = problem.patrol.segment
    year = timezone.localtime(now).year
    prefix = f"HZ{year}-"
    last = (Assignment.objects.select_for_update().filter(number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    letter = Assignment.objects.create(
        number=f"{prefix}{sequence:04d}", problem=problem, segment=segment, recipient=_higher_office(segment),
        subject=problem.description[:200], sent_by=by, sent_at=now, deadline_at=letter_deadline(sent_at=now))
    AssignmentEvent.objects.create(assignment=letter, action=LetterAction.SEND, from_state="",
                                   to_state=LetterState.SENT, actor=by, at=now, reason=problem.description[:MAX_TEXT])
    return letter


def letter_act(*, by, letter: Assignment, action: str, reason: str = "") -> Assignment:
    """A step of a 交办函 recorded by the 河长办 (签收, 反馈整改, 整改到位 or 整改不到位 with the reason)."""
    if not may_follow_up_letters(user=by, segment=letter.segment):
        raise NotAllowed(_("交办函由河长办跟踪办理"))
    if action not in LETTER_TRANSITIONS:
        raise InvalidInput(_("未知的操作"), field="action")
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise InvalidInput(_("说明不能超过 %(n)d 字") % {"n": MAX_TEXT}, field="reason")
    if action in (LetterAction.REPORT, LetterAction.REJECT) and not reason:
        raise InvalidInput(_("请填写说明"), field="reason")
    sources, target = LETTER_TRANSITIONS[action]
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=letter.pk)
        if locked.state not in sources:
            raise WrongState(_("交办函 %(number)s 当前为“%(state)s”，不能%(action)s")
                             % {"number": locked.number, "state": locked.get_state_display(),
                                "action": LetterAction(action).label})
        now = clock.now()
        AssignmentEvent.objects.create(assignment=locked, action=action, from_state=locked.state, to_state=target,
                                       actor=by, at=now, reason=reason)
        locked.state = target
        locked.rectified_at = now if target == LetterState.RECTIFIED else None
        locked.save(update_fields=["state", "rectified_at"])
    return locked


# ---------------------------------------------------------------- dredging and cleaning works

def _quantity(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else "0").strip())
    except InvalidOperation as error:
        raise InvalidInput(_("数量须为数字"), field=field) from error
    if not number.is_finite() or number < 0 or number >= Decimal("1e9"):
        raise InvalidInput(_("数量须为不小于 0 的数字"), field=field)
    return number.quantize(Decimal("0.1"))


def river_work_plan(*, by, segment: RiverSegment, kind: str, title: str, planned_start: date, planned_end: date,
                    volume_m3=0, weight_t=0, organisation=None) -> RiverWork:
    _require_keeper(by)
    if planned_end < planned_start:
        raise InvalidInput(_("计划完成日期不能早于开始日期"), field="planned_end")
    volume, weight = _quantity(volume_m3, "planned_volume_m3"), _quantity(weight_t, "planned_weight_t")
    if not volume and not weight:
        raise InvalidInput(_("请填写计划方量或重量"), field="planned_volume_m3")
    return RiverWork.objects.create(segment=segment, kind=kind, title=(title or "").strip()[:100] or segment.name,
                                    planned_start=planned_start, planned_end=planned_end, planned_volume_m3=volume,
                                    planned_weight_t=weight, organisation=organisation)


def river_work_record(*, by, work: RiverWork, volume_m3=0, weight_t=0, done_on: date | None = None) -> RiverWork:
    """What was done so far (cumulative quantities); the date when it is finished."""
    _require_keeper(by)
    work.done_volume_m3 = _quantity(volume_m3, "done_volume_m3")
    work.done_weight_t = _quantity(weight_t, "done_weight_t")
    work.done_on = done_on
    work.save(update_fields=["done_volume_m3", "done_weight_t", "done_on"])
    return work
