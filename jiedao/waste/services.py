"""Writes: the policy and targets seeded, points placed by the grid locator, weighed quantities
(from the form, a weighbridge or contractor .xlsx, or a scale's API) checked all together and
written all-or-nothing with the daily rollup refreshed in the same transaction, the checks, and a
point's problem turned into a case through `cases.services.case_report_once`."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from jiedao.cases.access import may_report
from jiedao.cases.models import CaseSource
from jiedao.cases.services import case_report_once
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation, Unit, UnitLevel

from .access import may_enter_at
from .models import (
    SUBCLASS_OF,
    CheckKind,
    DailyTotal,
    Facility,
    PointProblem,
    ProblemKind,
    SortingCheck,
    SortingPoint,
    Stage,
    WasteClass,
    WastePolicy,
    WasteRecord,
    WasteSubclass,
    WasteTarget,
)
from .rates import UnknownUnit, to_kg

MAX_WEIGHT_KG = Decimal("100000000")  # 10⁵ t in one reading is a typo, not a truck
MAX_READINGS = 5000
EARLIEST_DAY = date(2000, 1, 1)

# standards.md §6: national targets (《"十四五"城镇生活垃圾分类和处理设施发展规划》) and the
# community checklist's 90 % line; the others are local references, seeded unconfirmed (§10).
TARGETS = [
    ("resource", Decimal(60), "发改环资〔2021〕642号：2025 年底城市生活垃圾资源化利用率约 60%（standards.md §6）", True),
    ("recycling", Decimal(35), "46 个重点城市回收利用率 35% 的目标（standards.md §6）", True),
    ("participation", Decimal(90), "住宅小区检查表：参与率 ≥90% 不扣分（standards.md §6，地方做法）", False),
    ("accuracy", Decimal(90), "本地参考值（standards.md §6 未见国家数值）", False),
    ("coverage", Decimal(100), "本地参考值：地级及以上城市基本实现全覆盖（未核实）", False),
    ("harmless", Decimal(100), "本地参考值（未核实）", False),
    ("reduction", Decimal(5), "本地参考值（未核实）", False),
]


def waste_seed() -> int:
    """Idempotent: the policy (the sanitation department D02 when there is one) and the targets;
    never overwrites what the office edited."""
    written = 0
    if not WastePolicy.objects.exists():
        WastePolicy.objects.create(department=Organisation.objects.filter(code="D02").first())
        written += 1
    for rate, value, source, confirmed in TARGETS:
        _row, created = WasteTarget.objects.get_or_create(
            rate=rate, defaults={"value_percent": value, "source": source, "is_confirmed": confirmed})
        written += created
    return written


class WasteRejected(ValueError):
    """Every refusal of one submission, each with its row (None for the whole) and field; nothing was written."""

    def __init__(self, errors: list[tuple[int | None, str, str]]):
        super().__init__("; ".join(message for _row, _field, message in errors))
        self.errors = errors


def point_save(*, code: str, name: str, longitude: float, latitude: float, households: int,
               is_sorting: bool = True, bins: dict[str, tuple[int, str]] | None = None) -> SortingPoint:
    """A point placed by the grid locator; `bins` per class: (count, condition)."""
    located = grid_locator().locate(longitude, latitude)
    if located is None or located.community_id is None:
        raise WasteRejected([(None, "point", _("位置不在本街道的任何社区（村）内"))])
    with transaction.atomic():
        point, _created = SortingPoint.objects.update_or_create(code=code, defaults={
            "name": name, "community_id": located.community_id, "territory_path": located.territory_path,
            "longitude": longitude, "latitude": latitude, "households": households, "is_sorting": is_sorting})
        for waste_class, (count, condition) in (bins or {}).items():
            point.bins.update_or_create(waste_class=waste_class, defaults={"count": count, "condition": condition})
    return point


# ---------------------------------------------------------------- quantities

# The classes by their names, and the local aliases standards.md §6 lists (上海 湿垃圾/干垃圾).
CLASS_NAMES = {"可回收物": WasteClass.RECYCLABLE, "有害垃圾": WasteClass.HAZARDOUS, "厨余垃圾": WasteClass.KITCHEN,
               "其他垃圾": WasteClass.RESIDUAL, "湿垃圾": WasteClass.KITCHEN, "干垃圾": WasteClass.RESIDUAL, "厨余": WasteClass.KITCHEN,
               "可回收": WasteClass.RECYCLABLE, "有害": WasteClass.HAZARDOUS, "其他": WasteClass.RESIDUAL}
# Sheets and scales name them in Chinese, whatever the reader's language.
SUBCLASS_NAMES = {"纸类": WasteSubclass.PAPER, "塑料": WasteSubclass.PLASTIC, "金属": WasteSubclass.METAL,
                  "玻璃": WasteSubclass.GLASS, "织物": WasteSubclass.TEXTILE, "灯管": WasteSubclass.LAMP,
                  "家用化学品": WasteSubclass.CHEMICAL, "电池": WasteSubclass.BATTERY,
                  "家庭厨余垃圾": WasteSubclass.HOUSEHOLD_KITCHEN, "餐厨垃圾": WasteSubclass.CATERING,
                  "其他厨余垃圾": WasteSubclass.OTHER_KITCHEN}
STAGE_NAMES = {"投放": Stage.DISPOSAL, "收集": Stage.COLLECTION, "运输": Stage.TRANSPORT, "处理": Stage.TREATMENT}


def class_code(text: str) -> str:
    text = (text or "").strip()
    return text if text in WasteClass.values else CLASS_NAMES.get(text, "")


def stage_code(text: str) -> str:
    text = (text or "").strip()
    return text if text in Stage.values else STAGE_NAMES.get(text, "")


@dataclass
class Reading:
    """One weighed quantity as it came in (text), before any check."""

    day: str = ""
    stage: str = ""
    waste_class: str = ""
    subclass: str = ""
    weight: str = ""
    unit: str = "kg"
    point: str = ""        # point code (投放 / 收集; optional for 运输 / 处理)
    community: str = ""    # community code, when no point is named
    vehicle: str = ""
    facility: str = ""     # facility code
    key: str = ""          # idempotency key (the scales' API)
    row: int | None = None

    def fingerprint(self) -> str:
        body = {name: str(value).strip() for name, value in self.__dict__.items() if name not in ("key", "row")}
        return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class WriteResult:
    created: list[WasteRecord] = field(default_factory=list)
    duplicates: int = 0


def _day(text: str) -> date | None:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def _weight(text) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _check(reading: Reading, *, by, today: date, points: dict, communities: dict, facilities: dict,
           errors: list) -> WasteRecord | None:
    row = reading.row
    count = len(errors)

    def refuse(name: str, message: str) -> None:
        errors.append((row, name, message))

    day = _day(reading.day)
    if day is None:
        refuse("day", _("日期格式不正确（应为 YYYY-MM-DD）"))
    elif day > today:
        refuse("day", _("日期不能晚于今天"))
    elif day < EARLIEST_DAY:
        refuse("day", _("日期过早"))
    stage = stage_code(reading.stage)
    if not stage:
        refuse("stage", _("未知的环节：%(value)s（应为投放、收集、运输或处理）") % {"value": str(reading.stage)[:20]})
    waste_class = class_code(reading.waste_class)
    if not waste_class:
        refuse("waste_class", _("未知的垃圾类别：%(value)s") % {"value": str(reading.waste_class)[:20]})
    subclass = (reading.subclass or "").strip()
    subclass = subclass if subclass in WasteSubclass.values else SUBCLASS_NAMES.get(subclass, subclass)
    if subclass and subclass not in WasteSubclass.values:
        refuse("subclass", _("未知的细类：%(value)s") % {"value": subclass[:20]})
    elif subclass and waste_class and SUBCLASS_OF[subclass] != waste_class:
        refuse("subclass", _("细类“%(subclass)s”不属于“%(class)s”") % {
            "subclass": WasteSubclass(subclass).label, "class": WasteClass(waste_class).label})
    weight = _weight(reading.weight)
    kg = None
    if weight is None:
        refuse("weight", _("重量应为数字"))
    elif weight < 0:
        refuse("weight", _("重量不能为负数"))
    else:
        try:
            kg = to_kg(weight, reading.unit)
        except UnknownUnit:
            refuse("unit", _("未知的重量单位：%(unit)s（可用 kg、t）") % {"unit": str(reading.unit)[:10]})
        else:
            if kg >= MAX_WEIGHT_KG:
                refuse("weight", _("重量过大"))
    point = community = facility = None
    if (reading.point or "").strip():
        point = points.get(reading.point.strip())
        if point is None:
            refuse("point", _("未知的投放点编号：%(code)s") % {"code": reading.point.strip()[:32]})
        else:
            community = point.community
    elif (reading.community or "").strip():
        community = communities.get(reading.community.strip())
        if community is None:
            refuse("community", _("未知的社区编码：%(code)s") % {"code": reading.community.strip()[:32]})
    if stage in (Stage.DISPOSAL, Stage.COLLECTION) and not (reading.point or "").strip():
        refuse("point", _("投放和收集环节须填写投放点编号"))
    if stage in (Stage.TRANSPORT, Stage.TREATMENT) and community is None and not (
            (reading.point or "").strip() or (reading.community or "").strip()):
        refuse("community", _("运输和处理环节须填写来源社区（或投放点）"))
    if (reading.facility or "").strip():
        facility = facilities.get(reading.facility.strip())
        if facility is None:
            refuse("facility", _("未知的设施编号：%(code)s") % {"code": reading.facility.strip()[:32]})
    elif stage in (Stage.TRANSPORT, Stage.TREATMENT):
        refuse("facility", _("运输和处理环节须填写去向设施"))
    vehicle = (reading.vehicle or "").strip()
    if len(vehicle) > 20:
        refuse("vehicle", _("车牌号过长"))
    elif stage == Stage.TRANSPORT and not vehicle:
        refuse("vehicle", _("运输环节须填写车辆"))
    key = (reading.key or "").strip()
    if len(key) > 100:
        refuse("key", _("幂等键过长（最多 100 个字符）"))
    if community is not None and stage:
        path = point.territory_path if point is not None else community.path
        if not may_enter_at(user=by, path=path, department_only=stage in (Stage.TRANSPORT, Stage.TREATMENT)):
            refuse("point" if point is not None else "community", _("您无权录入该投放点（社区）此环节的数量"))
    if len(errors) > count:
        return None
    return WasteRecord(day=day, stage=stage, waste_class=waste_class, subclass=subclass, weight_kg=kg.quantize(
        Decimal("0.01")), point=point, community=community,
        territory_path=point.territory_path if point is not None else community.path, vehicle=vehicle,
        facility=facility, reading_key=key or None, reading_fingerprint=reading.fingerprint() if key else "",
        recorded_by=by)


def readings_record(*, by, readings: list[Reading], source: str, today: date) -> WriteResult:
    """Checks every reading first and refuses with every reason (row-numbered); then writes them all
    and refreshes the rollup, in one transaction. A reading whose idempotency key was stored before
    with the same content is a retry: skipped, never counted twice; with other content, refused."""
    if not readings:
        raise WasteRejected([(None, "file", _("没有可录入的数量"))])
    if len(readings) > MAX_READINGS:
        raise WasteRejected([(None, "file", _("一次最多录入 %(n)d 条") % {"n": MAX_READINGS})])
    point_codes = {r.point.strip() for r in readings if (r.point or "").strip()}
    points = {p.code: p for p in SortingPoint.objects.filter(code__in=point_codes).select_related("community")}
    community_codes = {r.community.strip() for r in readings if (r.community or "").strip()}
    communities = {u.code: u for u in Unit.objects.filter(code__in=community_codes, level=UnitLevel.COMMUNITY)}
    facility_codes = {r.facility.strip() for r in readings if (r.facility or "").strip()}
    facilities = {f.code: f for f in Facility.objects.filter(code__in=facility_codes, is_active=True)}
    errors: list = []
    checked: list[WasteRecord] = []
    seen_keys: dict[str, str] = {}
    for reading in readings:
        record = _check(reading, by=by, today=today, points=points, communities=communities,
                        facilities=facilities, errors=errors)
        if record is None:
            continue
        if record.reading_key:
            if seen_keys.get(record.reading_key, record.reading_fingerprint) != record.reading_fingerprint:
                errors.append((reading.row, "key", _("幂等键“%(key)s”在本批中用于两条不同的读数") % {
                    "key": record.reading_key[:100]}))
                continue
            if record.reading_key in seen_keys:
                continue  # the same reading twice in one batch: once
            seen_keys[record.reading_key] = record.reading_fingerprint
        record.source = source
        checked.append(record)
    stored = dict(WasteRecord.objects.filter(reading_key__in=list(seen_keys))
                  .values_list("reading_key", "reading_fingerprint"))
    result = WriteResult()
    fresh = []
    for record in checked:
        if record.reading_key and record.reading_key in stored:
            if stored[record.reading_key] != record.reading_fingerprint:
                errors.append((None, "key", _("幂等键“%(key)s”已用于另一条不同的读数；重试请原样发送，新的读数请使用新的幂等键")
                               % {"key": record.reading_key}))
            else:
                result.duplicates += 1
            continue
        fresh.append(record)
    if errors:
        raise WasteRejected(errors)
    with transaction.atomic():
        result.created = WasteRecord.objects.bulk_create(fresh)
        rollup_refresh(keys={(record.community_id, record.day) for record in fresh})
    return result


def rollup_refresh(*, keys: set[tuple[int, date]]) -> None:
    """Rewrite the daily totals of these (community, day) pairs from the raw records."""
    days_of: dict[int, set[date]] = defaultdict(set)
    for community_id, day in keys:
        days_of[community_id].add(day)
    paths = dict(Unit.objects.filter(pk__in=list(days_of)).values_list("pk", "path"))
    for community_id, days in days_of.items():
        days = sorted(days)
        DailyTotal.objects.filter(community_id=community_id, day__in=days).delete()
        rows = (WasteRecord.objects.filter(community_id=community_id, day__in=days)
                .values("day", "stage", "waste_class", "facility_id")
                .annotate(weight=Sum("weight_kg"), records=Count("pk")).order_by())
        DailyTotal.objects.bulk_create([
            DailyTotal(day=row["day"], community_id=community_id, territory_path=paths[community_id],
                       stage=row["stage"], waste_class=row["waste_class"], facility_id=row["facility_id"],
                       weight_kg=row["weight"], records=row["records"]) for row in rows])


def rollup_rebuild() -> int:
    """Every daily total again from the raw records, in one set-based statement (after a bulk load:
    the demo, the bench, a restore)."""
    totals, records, units = DailyTotal._meta.db_table, WasteRecord._meta.db_table, Unit._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {totals}")
        cursor.execute(
            f"INSERT INTO {totals} (day, community_id, territory_path, stage, waste_class, facility_id, weight_kg, "
            f"records) SELECT r.day, r.community_id, u.path, r.stage, r.waste_class, r.facility_id, "
            f"SUM(r.weight_kg), COUNT(*) FROM {records} r JOIN {units} u ON u.id = r.community_id "
            f"GROUP BY r.day, r.community_id, u.path, r.stage, r.waste_class, r.facility_id")
    return DailyTotal.objects.count()


# ---------------------------------------------------------------- the weighbridge / contractor sheet

HEADERS = {
    "day": ("日期", "称重日期", "date"),
    "stage": ("环节", "stage"),
    "point": ("投放点编号", "点位编号", "收集点编号", "point"),
    "community": ("社区编码", "来源社区编码", "community"),
    "vehicle": ("车辆", "车牌号", "车牌", "vehicle"),
    "facility": ("设施编号", "去向设施编号", "facility"),
    "unit": ("单位", "重量单位", "unit"),
    "key": ("单据号", "磅单号", "key"),
}
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 5


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def readings_from_xlsx(file) -> list[Reading]:
    """The sheet's rows as readings, columns read by their headers (any order): the fixed ones
    (HEADERS) and one column per class (可回收物 … or 湿垃圾/干垃圾) or sub-class (纸类 …), whose
    non-empty cells are weights. A row with a `单据号` gives each of its readings a key
    `<单据号>:<column>`, so importing the same sheet twice counts nothing twice."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    head = file.read(8) if hasattr(file, "read") else b""
    if hasattr(file, "seek"):
        file.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WasteRejected([(None, "file", _("这是旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后再导入"))])
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (BadZipFile, OSError, ValueError, KeyError, TypeError):
        raise WasteRejected([(None, "file", _("文件不是有效的 .xlsx 工作簿"))]) from None
    try:
        lines = list(workbook.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + HEADER_SEARCH_ROWS + 1))
    finally:
        workbook.close()
    fixed = {title: name for name, titles in HEADERS.items() for title in titles}
    header_at = next((index for index, line in enumerate(lines[:HEADER_SEARCH_ROWS])
                      if any(_cell(cell) in fixed for cell in line)), None)
    if header_at is None:
        raise WasteRejected([(1, "file", _("找不到表头：应有“日期”“环节”“投放点编号”及各类别的列"))])
    columns: dict[int, tuple[str, str]] = {}
    for position, cell in enumerate(lines[header_at]):
        title = _cell(cell)
        if title in fixed:
            columns[position] = ("fixed", fixed[title])
        elif class_code(title):
            columns[position] = ("class", class_code(title))
        elif title in SUBCLASS_NAMES:
            columns[position] = ("subclass", SUBCLASS_NAMES[title])
    names = {name for kind, name in columns.values() if kind == "fixed"}
    errors = [(header_at + 1, HEADERS[name][0], _("缺少“%(column)s”列") % {"column": HEADERS[name][0]})
              for name in ("day", "stage") if name not in names]
    if not any(kind != "fixed" for kind, _name in columns.values()):
        errors.append((header_at + 1, "file", _("缺少类别列（可回收物、有害垃圾、厨余垃圾、其他垃圾或其细类）")))
    if len(lines) - header_at - 1 > MAX_ROWS:
        errors.append((None, "file", _("一次最多导入 %(n)d 行") % {"n": MAX_ROWS}))
    if errors:
        raise WasteRejected(errors)
    titles = {position: _cell(lines[header_at][position]) for position in columns}
    readings = []
    for number, line in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not any(_cell(cell) for cell in line):
            continue
        values = {name: _cell(line[position]) for position, (kind, name) in columns.items()
                  if kind == "fixed" and position < len(line)}
        weighed = False
        for position, (kind, name) in columns.items():
            if kind == "fixed" or position >= len(line) or _cell(line[position]) == "":
                continue
            weighed = True
            readings.append(Reading(
                day=values.get("day", ""), stage=values.get("stage", ""),
                waste_class=name if kind == "class" else SUBCLASS_OF[name],
                subclass=name if kind == "subclass" else "", weight=_cell(line[position]),
                unit=values.get("unit") or "kg", point=values.get("point", ""),
                community=values.get("community", ""), vehicle=values.get("vehicle", ""),
                facility=values.get("facility", ""),
                key=f"{values['key']}:{titles[position]}" if values.get("key") else "", row=number))
        if not weighed:
            readings.append(Reading(day=values.get("day", ""), stage=values.get("stage", ""), waste_class="?",
                                    weight="", row=number))
    return readings


# ---------------------------------------------------------------- checks and problems

def check_record(*, by, point: SortingPoint, kind: str, checked_on: date | None, today: date,
                 households_seen: str, households_sorting: str, bins_checked: str, bins_correct: str,
                 note: str = "") -> SortingCheck:
    errors = []
    if not may_enter_at(user=by, path=point.territory_path):
        raise WasteRejected([(None, "point", _("您无权录入该投放点的检查记录"))])
    if kind not in CheckKind.values:
        errors.append((None, "kind", _("请选择检查类型")))
    if checked_on is None:
        errors.append((None, "checked_on", _("请填写日期")))
    elif checked_on > today:
        errors.append((None, "checked_on", _("日期不能晚于今天")))
    counts = {}
    for name, text in (("households_seen", households_seen), ("households_sorting", households_sorting),
                       ("bins_checked", bins_checked), ("bins_correct", bins_correct)):
        text = str(text or "0").strip() or "0"
        if not text.isdigit() or int(text) > 1_000_000:
            errors.append((None, name, _("应为不小于 0 的整数")))
        else:
            counts[name] = int(text)
    if len(counts) == 4:
        if counts["households_sorting"] > counts["households_seen"]:
            errors.append((None, "households_sorting", _("参与分类户数不能多于调查户数")))
        if counts["bins_correct"] > counts["bins_checked"]:
            errors.append((None, "bins_correct", _("分类正确桶数不能多于抽检桶数")))
        if not any(counts.values()):
            errors.append((None, "households_seen", _("请填写调查户数或抽检桶数")))
    if errors:
        raise WasteRejected(errors)
    return SortingCheck.objects.create(point=point, community=point.community, territory_path=point.territory_path,
                                       kind=kind, checked_on=checked_on, note=(note or "").strip()[:500],
                                       checked_by=by, **counts)


def problem_report(*, by, point: SortingPoint, kind: str, description: str = "") -> PointProblem:
    """A point's problem (满溢, 混装, 落地) becomes a case at the point, in the category the policy
    names; the reporter is the person when he may report cases, else the case is the department's
    report with his name."""
    if not may_enter_at(user=by, path=point.territory_path):
        raise WasteRejected([(None, "point", _("您无权上报该投放点的问题"))])
    if kind not in ProblemKind.values:
        raise WasteRejected([(None, "kind", _("请选择问题类型"))])
    code = policy_category(kind)
    item = CatalogueItem.objects.filter(code=code, is_active=True).order_by("pk").first()
    if item is None:
        raise WasteRejected([(None, "kind", _("问题分类“%(code)s”不存在或已停用，请在垃圾分类规则中设置") % {
            "code": code})])
    text = _("投放点 %(code)s %(name)s：%(problem)s") % {"code": point.code, "name": point.name,
                                                       "problem": ProblemKind(kind).label}
    if (description or "").strip():
        text = f"{text}。{description.strip()[:400]}"
    reporter = by if may_report(user=by) else None
    with transaction.atomic():
        case, _created = case_report_once(
            by=reporter, source=CaseSource.SELF_CHECK, item=item, longitude=point.longitude,
            latitude=point.latitude, description=text, address=point.name,
            reporter_name="" if reporter else (by.full_name or by.username))
        return PointProblem.objects.create(point=point, kind=kind, case=case, reported_by=by)


def policy_category(kind: str) -> str:
    from .selectors import policy_current

    return policy_current().category_for(kind)
