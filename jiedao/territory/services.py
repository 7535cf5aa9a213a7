"""Writes to the territory: units and their boundaries, departments, people and their duties.

Imports are all-or-nothing: every row is validated first, and one bad row means nothing is
written; the caller gets every row's errors at once (`ImportRejected.errors`).
"""

import csv
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from jiedao.audit.models import EventKind
from jiedao.audit.services import object_target, security_event_record

from .models import (
    ORGANISATION_ROLES,
    TERRITORIAL_ROLES,
    Duty,
    GridClass,
    GridClassScheme,
    Organisation,
    Role,
    Unit,
    UnitLevel,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTMENTS_CSV = DATA_DIR / "departments.csv"

# From the top of the tree down; a unit's parent sits strictly higher.
LEVEL_ORDER = [UnitLevel.DISTRICT, UnitLevel.SUBDISTRICT, UnitLevel.AREA, UnitLevel.COMMUNITY, UnitLevel.GRID]
_LEVEL_RANK = {level.value: rank for rank, level in enumerate(LEVEL_ORDER)}
# standards.md §1.2: 单元网格标识码 = 6 区县 + 3 街道 + 3 社区 + 3 顺序码.
GRID_CODE = re.compile(r"^\d{15}$")
UNIT_CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
MOBILE_PHONE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class RowError:
    """One problem in an import: the feature index (GeoJSON, from 0) or the spreadsheet row
    (from 1, the header being row 1), the field, and a translated message."""

    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = "" if self.row is None else f"#{self.row} "
        return f"{where}{self.field}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


def import_upload(upload, *, max_bytes: int, from_geojson, from_xlsx) -> ImportResult:
    """Read an uploaded register file: `.geojson`/`.json` by `from_geojson(data=bytes)`, anything
    else as `.xlsx` by `from_xlsx(file=upload)`. No file, or one over `max_bytes`, is refused like a
    bad row (`ImportRejected`), before anything is read."""
    if upload is None:
        raise ImportRejected([RowError(None, "file", _("请选择要导入的 .xlsx 或 GeoJSON 文件"))])
    if upload.size > max_bytes:
        raise ImportRejected([RowError(None, "file", _("文件太大（上限 %(mb)d MB）")
                                       % {"mb": max_bytes // (1024 * 1024)})])
    if (upload.name or "").lower().endswith((".geojson", ".json")):
        return from_geojson(data=upload.read())
    return from_xlsx(file=upload)


# ---------------------------------------------------------------------------------------------
# Departments


def organisations_seed_default(*, path: Path | str | None = None) -> int:
    """Create the sub-district office's default departments that are missing; returns how many.
    Existing organisations (matched by code) are left as the administrator keeps them."""
    with open(path or DEPARTMENTS_CSV, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    created = 0
    with transaction.atomic():
        for row in rows:
            _organisation, was_created = Organisation.objects.get_or_create(
                code=row["code"].strip(), defaults={"name": row["name"].strip(), "kind": row["kind"].strip()})
            created += was_created
    return created


# ---------------------------------------------------------------------------------------------
# Units


def _level_of(value: Any) -> str | None:
    text = str(value or "").strip()
    for level in UnitLevel:
        if text in (level.value, str(level.label)):
            return level.value
    return None


# The scheme the first releases had as fixed choices (territory migration 0004 creates it too).
DEFAULT_GRID_CLASS_SCHEME = "一类/二类"
DEFAULT_GRID_CLASSES = (("1", "一类", 1), ("2", "二类", 2))
# What `_grid_class_of` answers for a class name or code the scheme in use does not have.
_INVALID_CLASS: Any = object()


@transaction.atomic
def grid_classes_seed_default() -> dict[str, GridClass]:
    """The "一类/二类" scheme and its classes, created where missing (in use if no scheme is); returns
    its classes by code. Idempotent: the default case rules and the demo name these classes."""
    scheme, _created = GridClassScheme.objects.get_or_create(
        name=DEFAULT_GRID_CLASS_SCHEME,
        defaults={"is_in_use": not GridClassScheme.objects.filter(is_in_use=True).exists()})
    classes = {}
    for code, name, order in DEFAULT_GRID_CLASSES:
        classes[code], _created = GridClass.objects.get_or_create(scheme=scheme, code=code,
                                                                  defaults={"name": name, "order": order})
    return classes


@transaction.atomic
def grid_class_scheme_choose(*, scheme: GridClassScheme) -> GridClassScheme:
    """The office uses `scheme` from now on; the one used before is set aside (one in use at a time)."""
    GridClassScheme.objects.filter(is_in_use=True).exclude(pk=scheme.pk).update(is_in_use=False)
    GridClassScheme.objects.filter(pk=scheme.pk).update(is_in_use=True)
    scheme.is_in_use = True
    return scheme


def _grid_classes_by_word() -> dict[str, GridClass]:
    """The classes of the scheme in use by code and by name (an import names either)."""
    by_word: dict[str, GridClass] = {}
    for grid_class in GridClass.objects.filter(scheme__is_in_use=True).order_by("order", "code"):
        by_word.setdefault(grid_class.code, grid_class)
        by_word.setdefault(grid_class.name, grid_class)
    return by_word


def _grid_class_of(value: Any, by_word: dict[str, GridClass] | None = None) -> GridClass | None:
    """A class of the scheme in use named by its code or its name; None for no class;
    `_INVALID_CLASS` for a word the scheme does not have."""
    if isinstance(value, GridClass):
        return value
    text = str(value if value is not None else "").strip()
    if text == "":
        return None
    by_word = _grid_classes_by_word() if by_word is None else by_word
    return by_word.get(text, _INVALID_CLASS)


def _grid_class_words() -> str:
    return "、".join(f"{grid_class.code}（{grid_class.name}）"
                    for grid_class in GridClass.objects.filter(scheme__is_in_use=True).order_by("order", "code"))


def _code_of(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


def _ring_errors(ring: Any) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return str(_("每个环至少需要 4 个坐标点"))
    for position in ring:
        if (not isinstance(position, list | tuple) or len(position) < 2
                or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position[:2])):
            return str(_("坐标点必须是 [经度, 纬度] 数字对"))
        lon, lat = position[0], position[1]
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return str(_("坐标必须是有限的数字"))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return str(_("坐标 [%(lon)s, %(lat)s] 超出经纬度范围，边界须为 WGS-84 经纬度") % {"lon": lon, "lat": lat})
    if list(ring[0][:2]) != list(ring[-1][:2]):
        return str(_("环未闭合：首尾坐标必须相同"))
    return None


def boundary_errors(geometry: Any) -> list[str]:
    """Why a GeoJSON geometry cannot be a unit boundary (empty when it can)."""
    if not isinstance(geometry, dict):
        return [str(_("边界必须是 GeoJSON 几何对象"))]
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else None
    else:
        return [str(_("边界类型必须是 Polygon 或 MultiPolygon，而不是 %(kind)s") % {"kind": kind})]
    if not polygons or not all(isinstance(polygon, list) and polygon for polygon in polygons):
        return [str(_("边界坐标为空或结构不正确"))]
    for polygon in polygons:
        for ring in polygon:
            problem = _ring_errors(ring)
            if problem:
                return [problem]
    geom = shape(geometry)
    if not geom.is_valid:
        return [str(_("边界几何无效：%(reason)s") % {"reason": explain_validity(geom)})]
    return []


def _unit_field_errors(*, code: str, name: str, level: str | None, grid_class: Any,
                       boundary: Any, parent_level: str | None, has_parent: bool) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if not code:
        errors.append(("code", str(_("编码不能为空"))))
    elif level == UnitLevel.GRID and not GRID_CODE.match(code):
        errors.append(("code", str(_("网格编码必须是 15 位数字（6 位区县 + 3 位街道 + 3 位社区 + 3 位顺序码）"))))
    elif not UNIT_CODE.match(code):
        errors.append(("code", str(_("编码只能包含字母、数字、下划线和连字符，最长 32 位"))))
    if not name:
        errors.append(("name", str(_("名称不能为空"))))
    elif len(name) > 100:
        errors.append(("name", str(_("名称不能超过 100 个字符"))))
    if level is None:
        errors.append(("level", str(_("层级无效，应为 district、subdistrict、area、community 或 grid"))))
    if grid_class is _INVALID_CLASS:
        errors.append(("grid_class", str(_("区域类别无效，应为当前区域类别方案中的类别：%(classes)s")
                                         % {"classes": _grid_class_words() or "—"})))
    if level == UnitLevel.GRID:
        if not has_parent:
            errors.append(("parent_code", str(_("网格必须有上级单位"))))
        if boundary is None:
            errors.append(("geometry", str(_("网格必须有边界"))))
    if boundary is not None:
        errors.extend(("geometry", message) for message in boundary_errors(boundary))
    if level is not None and parent_level is not None and _LEVEL_RANK[parent_level] >= _LEVEL_RANK[level]:
        errors.append(("parent_code", str(_("上级单位的层级必须高于本单位"))))
    return errors


@transaction.atomic
def unit_descendants_repath(*, old_path: str, new_path: str) -> None:
    """Move every unit under `old_path` to `new_path` (after a code or parent change)."""
    if old_path == new_path:
        return
    now = timezone.now()
    descendants = list(Unit.objects.filter(path__startswith=old_path).exclude(path=old_path))
    for descendant in descendants:
        descendant.path = new_path + descendant.path[len(old_path):]
        descendant.updated_at = now
    Unit.objects.bulk_update(descendants, ["path", "updated_at"], batch_size=1000)


def _raise_validation(errors: list[tuple[str, str]]) -> None:
    if errors:
        collected: dict[str, list[str]] = {}
        for field_name, message in errors:
            collected.setdefault(field_name, []).append(message)
        raise ValidationError(collected)


def unit_create(*, code: str, name: str, level: str, parent: Unit | None = None, boundary: dict | None = None,
                grid_class: GridClass | str = "", is_active: bool = True) -> Unit:
    code, name = _code_of(code), (name or "").strip()
    level_value, class_value = _level_of(level), _grid_class_of(grid_class)
    errors = _unit_field_errors(code=code, name=name, level=level_value, grid_class=class_value, boundary=boundary,
                                parent_level=parent.level if parent else None, has_parent=parent is not None)
    if code and Unit.objects.filter(code=code).exists():
        errors.append(("code", str(_("编码 %(code)s 已存在") % {"code": code})))
    _raise_validation(errors)
    unit = Unit(code=code, name=name, level=level_value, parent=parent, boundary=boundary,
                grid_class=class_value, is_active=is_active)
    unit.save()
    return unit


_UNCHANGED: Any = object()


@transaction.atomic
def unit_update(*, unit: Unit, code: str | None = None, name: str | None = None, level: str | None = None,
                parent: Unit | None = _UNCHANGED, boundary: dict | None = _UNCHANGED,
                grid_class: GridClass | str | None = None, is_active: bool | None = None) -> Unit:
    """Change the given fields (omitted ones stay). A new code or parent rewrites the paths of
    everything under the unit."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_code = unit.code if code is None else _code_of(code)
    new_name = unit.name if name is None else name.strip()
    new_level = unit.level if level is None else _level_of(level)
    new_parent = unit.parent if parent is _UNCHANGED else parent
    new_boundary = unit.boundary if boundary is _UNCHANGED else boundary
    new_class = unit.grid_class if grid_class is None else _grid_class_of(grid_class)
    errors = _unit_field_errors(code=new_code, name=new_name, level=new_level, grid_class=new_class,
                                boundary=new_boundary, parent_level=new_parent.level if new_parent else None,
                                has_parent=new_parent is not None)
    if new_code != unit.code and Unit.objects.filter(code=new_code).exists():
        errors.append(("code", str(_("编码 %(code)s 已存在") % {"code": new_code})))
    if new_parent is not None and (new_parent.pk == unit.pk or new_parent.path.startswith(unit.path)):
        errors.append(("parent", str(_("上级单位不能是本单位或其下级"))))
    _raise_validation(errors)
    old_path = unit.path
    unit.code, unit.name, unit.level, unit.parent = new_code, new_name, new_level, new_parent
    unit.boundary, unit.grid_class = new_boundary, new_class
    if is_active is not None:
        unit.is_active = is_active
    unit.save()
    unit_descendants_repath(old_path=old_path, new_path=unit.path)
    return unit


@dataclass
class _UnitRow:
    index: int
    code: str
    name: str
    level: str | None
    parent_code: str
    grid_class: Any  # a GridClass, None (no class) or _INVALID_CLASS
    boundary: Any


def _features_of(data: bytes | str) -> tuple[list[Any], list[RowError]]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        return [], [RowError(None, "file", str(_("不是有效的 JSON：%(error)s") % {"error": error}))]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return [], [RowError(None, "type", str(_("文件必须是 GeoJSON FeatureCollection")))]
    features = document.get("features")
    if not isinstance(features, list) or not features:
        return [], [RowError(None, "features", str(_("FeatureCollection 中没有要素")))]
    return features, []


def _units_rows(features: list[Any]) -> tuple[list[_UnitRow], list[RowError]]:
    rows, errors = [], []
    classes = _grid_classes_by_word()
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(RowError(index, "type", str(_("要素必须是 GeoJSON Feature"))))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            errors.append(RowError(index, "properties", str(_("properties 必须是对象"))))
            continue
        rows.append(_UnitRow(
            index=index, code=_code_of(properties.get("code")), name=str(properties.get("name") or "").strip(),
            level=_level_of(properties.get("level")),
            parent_code=_code_of(properties.get("parent_code") or properties.get("parent")),
            grid_class=_grid_class_of(properties.get("grid_class"), classes), boundary=feature.get("geometry"),
        ))
    return rows, errors


def _units_validate(rows: list[_UnitRow]) -> list[RowError]:
    errors: list[RowError] = []
    existing = {code: (parent_code, level) for code, parent_code, level
                in Unit.objects.values_list("code", "parent__code", "level")}
    in_file: dict[str, _UnitRow] = {}
    for row in rows:
        if row.code and row.code in in_file:
            errors.append(RowError(row.index, "code", str(
                _("编码 %(code)s 在文件中重复（见第 %(other)s 个要素）") % {"code": row.code,
                                                                           "other": in_file[row.code].index})))
        elif row.code:
            in_file[row.code] = row

    def level_of(code: str) -> str | None:
        return in_file[code].level if code in in_file else existing.get(code, (None, None))[1]

    def parent_of(code: str) -> str:
        return in_file[code].parent_code if code in in_file else (existing.get(code, (None, None))[0] or "")

    for row in rows:
        parent_known = not row.parent_code or row.parent_code in in_file or row.parent_code in existing
        if not parent_known:
            errors.append(RowError(row.index, "parent_code", str(
                _("上级单位编码 %(code)s 既不在文件中也不在系统中") % {"code": row.parent_code})))
        parent_level = level_of(row.parent_code) if row.parent_code and parent_known else None
        errors.extend(RowError(row.index, field_name, message) for field_name, message in _unit_field_errors(
            code=row.code, name=row.name, level=row.level, grid_class=row.grid_class, boundary=row.boundary,
            parent_level=parent_level, has_parent=bool(row.parent_code)))
        # A cycle: walking up from this unit comes back to it.
        seen, code = {row.code}, row.parent_code
        while code and parent_known:
            if code in seen:
                errors.append(RowError(row.index, "parent_code", str(_("上级关系形成了循环"))))
                break
            seen.add(code)
            code = parent_of(code)
    return errors


def units_import_geojson(*, data: bytes | str) -> ImportResult:
    """Create or update (by code) the units of a GeoJSON FeatureCollection in WGS-84.

    Each feature's properties: code, name, level, parent_code (a unit already in the system or
    another feature of the file, in any order), grid_class (a class of the scheme in use, by its
    code or its name). Raises `ImportRejected` with every feature's errors and writes nothing if
    any feature is wrong.
    """
    features, errors = _features_of(data)
    if errors:
        raise ImportRejected(errors)
    rows, errors = _units_rows(features)
    errors += _units_validate(rows)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: (error.row if error.row is not None else -1)))

    by_code = {row.code: row for row in rows}

    def depth(row: _UnitRow) -> int:
        steps, code = 0, row.parent_code
        while code in by_code:
            steps, code = steps + 1, by_code[code].parent_code
        return steps

    result = ImportResult()
    try:
        with transaction.atomic():
            for row in sorted(rows, key=depth):  # parents in the file before their children
                parent = Unit.objects.get(code=row.parent_code) if row.parent_code else None
                unit = Unit.objects.filter(code=row.code).first()
                if unit is None:
                    Unit(code=row.code, name=row.name, level=row.level, parent=parent, boundary=row.boundary,
                         grid_class=row.grid_class).save()
                    result.created += 1
                    continue
                old_path = unit.path
                unit.name, unit.level, unit.parent = row.name, row.level, parent
                unit.boundary, unit.grid_class = row.boundary, row.grid_class
                unit.save()
                unit_descendants_repath(old_path=old_path, new_path=unit.path)
                result.updated += 1
    except IntegrityError as error:
        raise ImportRejected([RowError(None, "database", str(_("写入失败：%(error)s") % {"error": error}))]) from error
    return result


# ---------------------------------------------------------------------------------------------
# People and duties


def duty_errors(*, role: str, unit: Unit | None, organisation: Organisation | None) -> list[tuple[str, str]]:
    errors = []
    if role not in Role.values:
        errors.append(("role", str(_("未知角色：%(role)s") % {"role": role})))
    elif role in TERRITORIAL_ROLES and unit is None:
        errors.append(("unit", str(_("属地角色“%(role)s”必须填写负责范围") % {"role": Role(role).label})))
    elif role in ORGANISATION_ROLES and organisation is None:
        errors.append(("organisation", str(_("部门角色“%(role)s”必须填写所属单位") % {"role": Role(role).label})))
    return errors


def duty_assign(*, user, role: str, unit: Unit | None = None, organisation: Organisation | None = None) -> Duty:
    """Give `user` the role over a unit (territorial roles) or for an organisation (department
    roles). Assigning a duty the person already has returns the existing one."""
    _raise_validation(duty_errors(role=role, unit=unit, organisation=organisation))
    duty, _created = Duty.objects.get_or_create(user=user, role=role, unit=unit, organisation=organisation)
    return duty


PEOPLE_COLUMNS = {
    "username": ("账号", "username"),
    "full_name": ("姓名", "full_name", "name"),
    "phone": ("手机号", "phone"),
    "role": ("角色", "role"),
    "unit_code": ("负责范围编码", "unit_code"),
    "organisation_code": ("所属单位编码", "organisation_code"),
    "password": ("初始密码", "password"),
}
_REQUIRED_COLUMNS = ("username", "full_name", "role")


def _role_of(value: str) -> str | None:
    for role in Role:
        if value in (role.value, str(role.label)):
            return role.value
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return str(value).strip()


@dataclass
class _PersonRow:
    row: int
    username: str
    full_name: str
    phone: str
    role: str | None
    unit: Unit | None
    organisation: Organisation | None
    password: str


def _sheet_rows(file) -> tuple[dict[str, int], list[tuple[int, list[Any]]], list[RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return {}, [], [RowError(None, "file", str(_("无法读取 Excel 文件：%(error)s") % {"error": error}))]
    sheet = workbook.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not lines:
        return {}, [], [RowError(1, "header", str(_("表格为空")))]
    header = [_cell_text(cell) for cell in lines[0]]
    columns: dict[str, int] = {}
    for key, names in PEOPLE_COLUMNS.items():
        for position, title in enumerate(header):
            if title in names:
                columns[key] = position
                break
    errors = [RowError(1, PEOPLE_COLUMNS[key][0], str(_("缺少“%(column)s”列") % {"column": PEOPLE_COLUMNS[key][0]}))
              for key in _REQUIRED_COLUMNS if key not in columns]
    if "unit_code" not in columns and "organisation_code" not in columns:
        errors.append(RowError(1, "负责范围编码", str(_("至少需要“负责范围编码”或“所属单位编码”列"))))
    body = [(number, list(line)) for number, line in enumerate(lines[1:], start=2)
            if any(_cell_text(cell) for cell in line)]
    return columns, body, errors


def _people_rows(columns: dict[str, int], body: list[tuple[int, list[Any]]]) -> tuple[list[_PersonRow], list[RowError]]:
    units = {unit.code: unit for unit in Unit.objects.filter(is_active=True)}
    organisations = {organisation.code: organisation for organisation in Organisation.objects.filter(is_active=True)}
    username_validator = UnicodeUsernameValidator()
    seen: dict[str, int] = {}
    rows: list[_PersonRow] = []
    errors: list[RowError] = []

    def cell(line: list[Any], key: str) -> str:
        position = columns.get(key)
        return _cell_text(line[position]) if position is not None and position < len(line) else ""

    for number, line in body:
        values = {key: cell(line, key) for key in PEOPLE_COLUMNS}
        row_errors: list[tuple[str, str]] = []
        username = values["username"]
        if not username:
            row_errors.append(("账号", str(_("账号不能为空"))))
        else:
            try:
                username_validator(username)
            except ValidationError:
                row_errors.append(("账号", str(_("账号只能包含字母、数字和 @/./+/-/_"))))
            if username in seen:
                row_errors.append(("账号", str(_("账号 %(username)s 与第 %(other)s 行重复") % {
                    "username": username, "other": seen[username]})))
            else:
                seen[username] = number
        if not values["full_name"]:
            row_errors.append(("姓名", str(_("姓名不能为空"))))
        if values["phone"] and not MOBILE_PHONE.match(values["phone"]):
            row_errors.append(("手机号", str(_("手机号 %(phone)s 格式不正确，应为 11 位手机号") % {"phone": values["phone"]})))
        role = _role_of(values["role"])
        if role is None:
            row_errors.append(("角色", str(_("未知角色：%(role)s") % {"role": values["role"] or "—"})))
        unit = units.get(values["unit_code"]) if values["unit_code"] else None
        if values["unit_code"] and unit is None:
            row_errors.append(("负责范围编码", str(_("负责范围编码 %(code)s 不存在") % {"code": values["unit_code"]})))
        organisation = organisations.get(values["organisation_code"]) if values["organisation_code"] else None
        if values["organisation_code"] and organisation is None:
            row_errors.append(("所属单位编码", str(_("所属单位编码 %(code)s 不存在") % {
                "code": values["organisation_code"]})))
        if role is not None and role in TERRITORIAL_ROLES and not values["unit_code"]:
            row_errors.append(("负责范围编码", str(_("属地角色“%(role)s”必须填写负责范围编码") % {"role": Role(role).label})))
        if role is not None and role in ORGANISATION_ROLES and not values["organisation_code"]:
            row_errors.append(("所属单位编码", str(_("部门角色“%(role)s”必须填写所属单位编码") % {"role": Role(role).label})))
        if row_errors:
            errors.extend(RowError(number, field_name, message) for field_name, message in row_errors)
            continue
        if values["password"]:
            # The same rules as every other way of setting a password (AUTH_PASSWORD_VALIDATORS).
            candidate = get_user_model()(username=username, full_name=values["full_name"], phone=values["phone"])
            try:
                validate_password(values["password"], user=candidate)
            except ValidationError as error:
                errors.extend(RowError(number, "初始密码", str(message)) for message in error.messages)
                continue
        rows.append(_PersonRow(row=number, username=username, full_name=values["full_name"], phone=values["phone"],
                               role=role, unit=unit, organisation=organisation, password=values["password"]))
    return rows, errors


def people_import_xlsx(*, file, request=None) -> ImportResult:
    """Create or update people and give each the duty of their row, from the first sheet of an
    .xlsx file (a path or a file object) with the columns 账号, 姓名, 手机号, 角色 (label or code),
    负责范围编码 or 所属单位编码, 初始密码 (optional).

    A new person without a password gets an unusable one (an administrator sets it later); one with
    a password (checked against the password rules) must change it at first sign-in; an existing
    person keeps their password. Raises `ImportRejected` and writes nothing if any row is wrong.
    `extra["duties_created"]` counts the new duties. Each new duty is in the security log
    (DUTY_CHANGED), with `request`'s person and address when there is one.
    """
    columns, body, errors = _sheet_rows(file)
    if errors:
        raise ImportRejected(errors)
    if not body:
        raise ImportRejected([RowError(2, "账号", str(_("表格中没有人员")))])
    rows, errors = _people_rows(columns, body)
    if errors:
        raise ImportRejected(errors)
    user_model = get_user_model()
    result = ImportResult(extra={"duties_created": 0})
    try:
        with transaction.atomic():
            for row in rows:
                user = user_model.objects.filter(username=row.username).first()
                if user is None:
                    user = user_model(username=row.username, full_name=row.full_name, phone=row.phone)
                    if row.password:
                        user.set_password(row.password)
                        user.must_change_password = True
                    else:
                        user.set_unusable_password()
                    user.save()
                    result.created += 1
                else:
                    user.full_name, user.phone = row.full_name, row.phone or user.phone
                    user.save(update_fields=["full_name", "phone"])
                    result.updated += 1
                unit = row.unit if row.role in TERRITORIAL_ROLES else None
                organisation = row.organisation if row.role in ORGANISATION_ROLES else None
                duty, created = Duty.objects.get_or_create(user=user, role=row.role, unit=unit,
                                                           organisation=organisation)
                result.extra["duties_created"] += created
                if created:
                    security_event_record(kind=EventKind.DUTY_CHANGED, request=request, target=object_target(user),
                                          target_label=user.get_username(),
                                          detail={"duties": {"added": [f"{duty} [{duty.role}]"], "removed": []},
                                                  "source": "people_import", "row": row.row})
    except IntegrityError as error:
        raise ImportRejected([RowError(None, "database", str(_("写入失败：%(error)s") % {"error": error}))]) from error
    return result


def import_errors_lines(errors: Iterable[RowError]) -> list[str]:
    """The errors as lines for a terminal or a log."""
    return [str(error) for error in errors]
