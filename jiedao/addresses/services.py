"""Writes to the address register: one road, house number or place at a time (the admin and the
staff page), and whole registers from `.xlsx` or GeoJSON. Every point gets its grid from the
territory's locator; a point outside every grid is refused. Imports are all-or-nothing, with every
problem named by row (spreadsheet row from 1, the header being row 1; GeoJSON feature from 0) and
column, like the territory's (`territory/services.py`)."""

import json
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiedao.territory.locator import grid_locator
from jiedao.territory.services import ImportRejected, ImportResult, RowError

from .models import AddressStatus, HouseNumber, Place, PlaceKind, Road
from .parsing import address_text_normalised, number_of

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 5


# ---------------------------------------------------------------- single values

def point_errors(longitude: Any, latitude: Any) -> tuple[float | None, float | None, list[tuple[str, str]]]:
    """The point as floats, and what is wrong with it."""
    try:
        lon, lat = float(longitude), float(latitude)
    except (TypeError, ValueError):
        return None, None, [("经度", _("经度、纬度须为数字"))]
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None, None, [("经度", _("坐标 [%(lon)s, %(lat)s] 超出经纬度范围，须为 WGS-84 经纬度")
                             % {"lon": longitude, "lat": latitude})]
    return lon, lat, []


def grid_of_point(longitude: float, latitude: float) -> int | None:
    located = grid_locator().locate(longitude, latitude)
    return located.grid_id if located else None


def line_errors(line: Any) -> list[str]:
    """Why a GeoJSON geometry cannot be a road's course (empty when it can)."""
    if line is None:
        return []
    if not isinstance(line, dict) or line.get("type") not in ("LineString", "MultiLineString"):
        return [_("道路走向须为 GeoJSON LineString 或 MultiLineString")]
    coordinates = line.get("coordinates")
    parts = [coordinates] if line.get("type") == "LineString" else coordinates
    if not isinstance(parts, list) or not parts:
        return [_("道路走向坐标为空或结构不正确")]
    for part in parts:
        if not isinstance(part, list) or len(part) < 2:
            return [_("每段道路至少需要 2 个坐标点")]
        for position in part:
            if (not isinstance(position, list | tuple) or len(position) < 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
                return [_("坐标点必须是 [经度, 纬度] 数字对")]
            if not (math.isfinite(position[0]) and math.isfinite(position[1])
                    and -180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                return [_("坐标 [%(lon)s, %(lat)s] 超出经纬度范围，须为 WGS-84 经纬度")
                        % {"lon": position[0], "lat": position[1]}]
    return []


def line_from_text(text: str) -> tuple[dict | None, list[str]]:
    """A course typed in a spreadsheet cell: "经度,纬度; 经度,纬度; …", or GeoJSON."""
    text = (text or "").strip()
    if not text:
        return None, []
    if text.startswith("{"):
        try:
            line = json.loads(text)
        except ValueError:
            return None, [_("道路走向不是有效的 GeoJSON")]
        return line, line_errors(line)
    positions = []
    for pair in text.replace("；", ";").replace("，", ",").split(";"):
        if not pair.strip():
            continue
        try:
            lon, lat = (float(value) for value in pair.split(","))
        except ValueError:
            return None, [_("道路走向应写作“经度,纬度; 经度,纬度”")]
        positions.append([lon, lat])
    line = {"type": "LineString", "coordinates": positions}
    return line, line_errors(line)


def line_as_text(line: dict | None) -> str:
    if not line:
        return ""
    if line.get("type") != "LineString":
        return json.dumps(line, ensure_ascii=False)
    return "; ".join(f"{lon},{lat}" for lon, lat, *_rest in line["coordinates"])


def _status_of(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return AddressStatus.IN_USE
    for status in AddressStatus:
        if text in (status.value, str(status.label)):
            return status.value
    return None


def _kind_of(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return PlaceKind.OTHER
    for kind in PlaceKind:
        if text in (kind.value, str(kind.label)):
            return kind.value
    return None


def _raise(errors: list[tuple[str, str]]) -> None:
    if errors:
        collected: dict[str, list[str]] = {}
        for name, message in errors:
            collected.setdefault(name, []).append(message)
        raise ValidationError(collected)


def road_save(*, road: Road | None = None, name: str, aliases: str = "", line: dict | None = None,
              status: str = AddressStatus.IN_USE) -> Road:
    """Create (road None) or change a road."""
    name = address_text_normalised(name)
    errors = [("line", message) for message in line_errors(line)]
    if not name:
        errors.append(("name", _("名称不能为空")))
    elif Road.objects.filter(name=name).exclude(pk=road.pk if road else None).exists():
        errors.append(("name", _("道路 %(name)s 已存在") % {"name": name}))
    _raise(errors)
    road = road or Road()
    road.name, road.aliases, road.line, road.status = name, aliases.strip(), line, status
    road.save()
    return road


def house_number_save(*, house_number: HouseNumber | None = None, road: Road, number: int, sub_number: str = "",
                      building_name: str = "", code: str = "", longitude: Any, latitude: Any,
                      status: str = AddressStatus.IN_USE) -> HouseNumber:
    """Create (house_number None) or change a 门牌; its grid comes from the locator."""
    lon, lat, errors = point_errors(longitude, latitude)
    grid_id = grid_of_point(lon, lat) if lon is not None else None
    if lon is not None and grid_id is None:
        errors.append(("longitude", _("该位置不在任何网格内")))
    if number is None or number < 1:
        errors.append(("number", _("门牌号须为正整数")))
    elif HouseNumber.objects.filter(road=road, number=number, sub_number=sub_number).exclude(
            pk=house_number.pk if house_number else None).exists():
        errors.append(("number", _("门牌 %(road)s%(number)s 已存在") % {"road": road.name, "number": number}))
    _raise(errors)
    house_number = house_number or HouseNumber()
    house_number.road, house_number.number, house_number.sub_number = road, number, sub_number.strip()
    house_number.building_name, house_number.code, house_number.status = building_name.strip(), code.strip(), status
    house_number.longitude, house_number.latitude, house_number.grid_id = lon, lat, grid_id
    house_number.save()
    return house_number


def place_save(*, place: Place | None = None, name: str, kind: str = PlaceKind.OTHER, aliases: str = "",
               house_number: HouseNumber | None = None, longitude: Any, latitude: Any,
               status: str = AddressStatus.IN_USE) -> Place:
    lon, lat, errors = point_errors(longitude, latitude)
    grid_id = grid_of_point(lon, lat) if lon is not None else None
    if lon is not None and grid_id is None:
        errors.append(("longitude", _("该位置不在任何网格内")))
    name = (name or "").strip()
    if not name:
        errors.append(("name", _("名称不能为空")))
    _raise(errors)
    place = place or Place()
    place.name, place.kind, place.aliases, place.house_number = name, kind, aliases.strip(), house_number
    place.longitude, place.latitude, place.grid_id, place.status = lon, lat, grid_id, status
    place.save()
    return place


def register_regrid() -> int:
    """Put every point in the grid the locator finds now (after the grids were redrawn); returns how
    many changed."""
    locator = grid_locator()
    changed = 0
    for model in (HouseNumber, Place):
        rows = list(model.objects.only("id", "longitude", "latitude", "grid_id"))
        found = locator.locate_many([row.longitude for row in rows], [row.latitude for row in rows])
        moved = []
        for row, located in zip(rows, found, strict=True):
            grid_id = located.grid_id if located else None
            if grid_id != row.grid_id:
                row.grid_id = grid_id
                moved.append(row)
        model.objects.bulk_update(moved, ["grid_id"], batch_size=1000)
        changed += len(moved)
    return changed


# ---------------------------------------------------------------- imports: rows common to both formats

@dataclass
class _Rows:
    roads: list[tuple[int, dict]]
    houses: list[tuple[int, dict]]
    places: list[tuple[int, dict]]


@dataclass
class _Checked:
    roads: list[tuple[int, dict]]
    houses: list[tuple[int, dict]]
    places: list[tuple[int, dict]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _check(rows: _Rows, *, sheet_names: dict[str, str]) -> tuple[_Checked, list[RowError]]:
    """Every row checked against the others and the register; errors say sheet, row and column."""
    errors: list[RowError] = []
    locator = grid_locator()

    def fail(kind: str, row: int, column: str, message: str) -> None:
        errors.append(RowError(row, f"{sheet_names[kind]}·{column}" if sheet_names[kind] else column, message))

    road_names = set(Road.objects.values_list("name", flat=True))
    checked_roads = []
    seen: dict[str, int] = {}
    for row, values in rows.roads:
        name = address_text_normalised(_text(values.get("name")))
        status = _status_of(values.get("status"))
        if "line_text" in values:
            line, problems = line_from_text(_text(values.get("line_text")))
        else:
            line = values.get("line")
            problems = line_errors(line)
        if not name:
            fail("road", row, "名称", _("名称不能为空"))
        elif name in seen:
            fail("road", row, "名称", _("道路 %(name)s 与第 %(other)s 行重复") % {"name": name, "other": seen[name]})
        else:
            seen[name] = row
        for message in problems:
            fail("road", row, "走向", message)
        if status is None:
            fail("road", row, "状态", _("状态应为“使用中”或“已废止”"))
        checked_roads.append((row, {"name": name, "aliases": _text(values.get("aliases")), "line": line,
                                    "status": status}))
    known_roads = road_names | set(seen)

    def located(kind: str, row: int, values: dict) -> tuple[float | None, float | None, int | None]:
        lon, lat, problems = point_errors(values.get("longitude"), values.get("latitude"))
        for _name, message in problems:
            fail(kind, row, "经度", message)
        if lon is None:
            return None, None, None
        found = locator.locate(lon, lat)
        if found is None:
            fail(kind, row, "经度", _("坐标 [%(lon)s, %(lat)s] 不在任何网格内") % {"lon": lon, "lat": lat})
            return lon, lat, None
        return lon, lat, found.grid_id

    checked_houses = []
    seen_houses: dict[tuple, int] = {}
    for row, values in rows.houses:
        road = address_text_normalised(_text(values.get("road")))
        number_text = _text(values.get("number")).removesuffix("号")
        number = number_of(address_text_normalised(number_text)) if number_text else None
        sub_number = _text(values.get("sub_number"))
        status = _status_of(values.get("status"))
        if not road:
            fail("house", row, "道路", _("道路不能为空"))
        elif road not in known_roads:
            fail("house", row, "道路", _("道路 %(name)s 既不在文件中也不在系统中") % {"name": road})
        if number is None or number < 1:
            fail("house", row, "门牌号", _("门牌号须为正整数，如 88"))
        key = (road, number, sub_number)
        if number is not None and key in seen_houses:
            fail("house", row, "门牌号", _("门牌 %(road)s%(number)s 与第 %(other)s 行重复")
                 % {"road": road, "number": number, "other": seen_houses[key]})
        else:
            seen_houses[key] = row
        if status is None:
            fail("house", row, "状态", _("状态应为“使用中”或“已废止”"))
        lon, lat, grid_id = located("house", row, values)
        checked_houses.append((row, {"road": road, "number": number, "sub_number": sub_number,
                                     "building_name": _text(values.get("building_name")),
                                     "code": _text(values.get("code")), "longitude": lon, "latitude": lat,
                                     "grid_id": grid_id, "status": status}))
    known_houses = set(seen_houses) | {(road, number, sub) for road, number, sub in
                                       HouseNumber.objects.values_list("road__name", "number", "sub_number")}

    checked_places = []
    for row, values in rows.places:
        name = _text(values.get("name"))
        kind = _kind_of(values.get("kind"))
        status = _status_of(values.get("status"))
        if not name:
            fail("place", row, "名称", _("名称不能为空"))
        if kind is None:
            fail("place", row, "类型", _("未知类型：%(kind)s") % {"kind": _text(values.get("kind"))})
        if status is None:
            fail("place", row, "状态", _("状态应为“使用中”或“已废止”"))
        house = None
        road = address_text_normalised(_text(values.get("road")))
        number_text = _text(values.get("number")).removesuffix("号")
        if road or number_text:
            number = number_of(address_text_normalised(number_text)) if number_text else None
            house = (road, number, _text(values.get("sub_number")))
            if house not in known_houses:
                fail("place", row, "门牌号", _("门牌 %(road)s%(number)s 既不在文件中也不在系统中")
                     % {"road": road, "number": number_text})
        lon, lat, grid_id = located("place", row, values)
        checked_places.append((row, {"name": name, "kind": kind, "aliases": _text(values.get("aliases")),
                                     "house": house, "longitude": lon, "latitude": lat, "grid_id": grid_id,
                                     "status": status}))
    return _Checked(checked_roads, checked_houses, checked_places), errors


def _write(checked: _Checked) -> ImportResult:
    result = ImportResult(extra={"roads": 0, "house_numbers": 0, "places": 0})
    try:
        with transaction.atomic():
            roads = {road.name: road for road in Road.objects.all()}
            for _row, values in checked.roads:
                road = roads.get(values["name"])
                result.created += road is None
                result.updated += road is not None
                roads[values["name"]] = road_save(road=road, name=values["name"], aliases=values["aliases"],
                                                  line=values["line"], status=values["status"])
                result.extra["roads"] += 1
            houses = {(h.road.name, h.number, h.sub_number): h
                      for h in HouseNumber.objects.select_related("road")}
            for _row, values in checked.houses:
                key = (values["road"], values["number"], values["sub_number"])
                house = houses.get(key) or HouseNumber(road=roads[values["road"]], number=values["number"],
                                                       sub_number=values["sub_number"])
                result.created += house.pk is None
                result.updated += house.pk is not None
                house.building_name, house.code, house.status = (values["building_name"], values["code"],
                                                                 values["status"])
                house.longitude, house.latitude, house.grid_id = (values["longitude"], values["latitude"],
                                                                  values["grid_id"])
                house.save()
                houses[key] = house
                result.extra["house_numbers"] += 1
            for _row, values in checked.places:
                house = houses[values["house"]] if values["house"] else None
                place = Place.objects.filter(name=values["name"], house_number=house).first() or Place()
                result.created += place.pk is None
                result.updated += place.pk is not None
                place.name, place.kind, place.aliases, place.house_number = (values["name"], values["kind"],
                                                                             values["aliases"], house)
                place.longitude, place.latitude, place.grid_id = (values["longitude"], values["latitude"],
                                                                  values["grid_id"])
                place.status = values["status"]
                place.save()
                result.extra["places"] += 1
    except IntegrityError as error:
        raise ImportRejected([RowError(None, "database", _("写入失败：%(error)s") % {"error": error})]) from error
    return result


# ---------------------------------------------------------------- .xlsx

SHEETS = {"road": "道路", "house": "门牌", "place": "建筑与地点"}
COLUMNS = {
    "road": {"name": "名称", "aliases": "别名", "line_text": "走向", "status": "状态"},
    "house": {"road": "道路", "number": "门牌号", "sub_number": "附号", "building_name": "建筑名称",
              "code": "地址编码", "longitude": "经度", "latitude": "纬度", "status": "状态"},
    "place": {"name": "名称", "kind": "类型", "aliases": "别名", "road": "道路", "number": "门牌号",
              "sub_number": "附号", "longitude": "经度", "latitude": "纬度", "status": "状态"},
}
REQUIRED = {"road": ("name",), "house": ("road", "number", "longitude", "latitude"),
            "place": ("name", "longitude", "latitude")}


def _read_workbook(file) -> tuple[_Rows, list[RowError]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    head = file.read(8) if hasattr(file, "read") else b""
    if hasattr(file, "seek"):
        file.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _Rows([], [], []), [RowError(None, "file", _("这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入"))]
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, OSError, ValueError, KeyError, TypeError):
        return _Rows([], [], []), [RowError(None, "file", _("文件不是有效的 .xlsx 工作簿"))]
    rows = _Rows([], [], [])
    errors: list[RowError] = []
    found = False
    try:
        for kind, sheet_name in SHEETS.items():
            if sheet_name not in workbook.sheetnames:
                continue
            found = True
            lines = list(workbook[sheet_name].iter_rows(values_only=True, max_row=MAX_ROWS + 1))
            if not lines:
                continue
            # The header is the first of the top rows naming a column of the sheet (an export has a
            # title above it).
            header_at = next((index for index, line in enumerate(lines[:HEADER_SEARCH_ROWS])
                              if any(_text(cell) in COLUMNS[kind].values() for cell in line)), 0)
            header = [_text(cell) for cell in lines[header_at]]
            positions = {key: header.index(title) for key, title in COLUMNS[kind].items() if title in header}
            missing = [COLUMNS[kind][key] for key in REQUIRED[kind] if key not in positions]
            for title in missing:
                errors.append(RowError(header_at + 1, f"{sheet_name}·{title}",
                                       _("缺少“%(column)s”列") % {"column": title}))
            if missing:
                continue
            target = {"road": rows.roads, "house": rows.houses, "place": rows.places}[kind]
            for number, line in enumerate(lines[header_at + 1:], start=header_at + 2):
                if not any(_text(cell) for cell in line):
                    continue
                target.append((number, {key: line[position] if position < len(line) else None
                                        for key, position in positions.items()}))
    finally:
        workbook.close()
    if not found:
        errors.append(RowError(None, "file", _("工作簿中没有“道路”“门牌”或“建筑与地点”工作表")))
    return rows, errors


def register_import_xlsx(*, file) -> ImportResult:
    """Roads, house numbers and places from the sheets 道路, 门牌, 建筑与地点 (any of them; the
    columns by their headers, see COLUMNS). Raises `ImportRejected` with every error by sheet, row
    and column, and writes nothing, if any row is wrong."""
    rows, errors = _read_workbook(file)
    if errors:
        raise ImportRejected(errors)
    if not (rows.roads or rows.houses or rows.places):
        raise ImportRejected([RowError(2, "file", _("表格中没有地址"))])
    checked, errors = _check(rows, sheet_names=SHEETS)
    if errors:
        raise ImportRejected(errors)
    return _write(checked)


# ---------------------------------------------------------------- GeoJSON

def register_import_geojson(*, data: bytes | str) -> ImportResult:
    """A FeatureCollection in WGS-84: LineStrings are roads (properties name, aliases, status),
    Points with `road` and `number` are house numbers (sub_number, building_name, code, status),
    other Points are places (name, kind, aliases, road/number of the 门牌 they stand at, status).
    All-or-nothing, every error by feature (from 0) and property."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRejected([RowError(None, "file", _("不是有效的 JSON：%(error)s") % {"error": error})]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list) or not document["features"]:
        raise ImportRejected([RowError(None, "type", _("文件必须是含有要素的 GeoJSON FeatureCollection"))])
    rows = _Rows([], [], [])
    errors: list[RowError] = []
    for index, feature in enumerate(document["features"][:MAX_ROWS]):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            errors.append(RowError(index, "type", _("要素必须是 GeoJSON Feature")))
            continue
        properties = dict(feature.get("properties") or {})
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind in ("LineString", "MultiLineString"):
            rows.roads.append((index, {**properties, "line": geometry}))
        elif kind == "Point" and isinstance(geometry.get("coordinates"), list) and len(geometry["coordinates"]) >= 2:
            lon, lat = geometry["coordinates"][:2]
            target = rows.houses if properties.get("number") not in (None, "") and not properties.get("kind") \
                else rows.places
            target.append((index, {**properties, "longitude": lon, "latitude": lat}))
        else:
            errors.append(RowError(index, "geometry", _("几何须为 LineString（道路）或 Point（门牌、建筑）")))
    if errors:
        raise ImportRejected(errors)
    checked, errors = _check(rows, sheet_names={"road": "", "house": "", "place": ""})
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.row if error.row is not None else -1))
    return _write(checked)


# ---------------------------------------------------------------- export

def register_export_rows() -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The register as the import reads it: sheet name → (headers, rows)."""
    roads = [[road.name, road.aliases, line_as_text(road.line), road.get_status_display()]
             for road in Road.objects.order_by("name")]
    houses = [[h.road.name, h.number, h.sub_number, h.building_name, h.code, h.longitude, h.latitude,
               h.get_status_display()] for h in HouseNumber.objects.select_related("road")]
    places = [[p.name, p.get_kind_display(), p.aliases, p.house_number.road.name if p.house_number else "",
               p.house_number.number if p.house_number else "", p.house_number.sub_number if p.house_number else "",
               p.longitude, p.latitude, p.get_status_display()]
              for p in Place.objects.select_related("house_number__road").order_by("name", "pk")]
    return {SHEETS["road"]: (list(COLUMNS["road"].values()), roads),
            SHEETS["house"]: (list(COLUMNS["house"].values()), houses),
            SHEETS["place"]: (list(COLUMNS["place"].values()), places)}


def register_export_geojson() -> dict:
    features = []
    for road in Road.objects.order_by("name"):
        if road.line:
            features.append({"type": "Feature", "geometry": road.line, "properties": {
                "name": road.name, "aliases": road.aliases, "status": road.status}})
    for h in HouseNumber.objects.select_related("road", "grid"):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [h.longitude, h.latitude]},
                         "properties": {"road": h.road.name, "number": h.number, "sub_number": h.sub_number,
                                        "building_name": h.building_name, "code": h.code, "status": h.status,
                                        "grid_code": h.grid.code if h.grid else ""}})
    for p in Place.objects.select_related("house_number__road", "grid").order_by("name", "pk"):
        house = p.house_number
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
                         "properties": {"name": p.name, "kind": p.kind, "aliases": p.aliases,
                                        "road": house.road.name if house else "",
                                        "number": house.number if house else "",
                                        "sub_number": house.sub_number if house else "", "status": p.status,
                                        "grid_code": p.grid.code if p.grid else ""}})
    return {"type": "FeatureCollection", "features": features}

