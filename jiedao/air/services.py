"""Writes: sources placed by the grid locator; readings taken in batches all-or-nothing — every row
checked first (source in reach, parameter, a declared unit converted to mg/m³, value, time, key), a
bad row refuses the whole batch naming it; a retried reading (same idempotency key, same body) is
never counted twice, the same key with another body is refused. Readings are kept raw with the limit
they were judged by, the daily rollup moves in the same transaction, and an exceedance becomes one
case per source, parameter and day through `cases.services.case_report_once` (the type's catalogue
category, whose rule names the department) when the poster may report; otherwise it stays flagged.
Site checks are scored by `checklists.scoring` on the version in force."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jiedao import clock
from jiedao.cases.access import may_report
from jiedao.cases.errors import CaseError
from jiedao.cases.models import Case, CaseSource
from jiedao.cases.services import case_report_once
from jiedao.checklists.models import Checklist, ChecklistVersion
from jiedao.checklists.scoring import ItemResult, ScoringError, sheet_score
from jiedao.checklists.selectors import sheet_of, version_in_force
from jiedao.territory.locator import grid_locator

from .access import enterable_sources_filter, may_enter_at_source
from .models import (
    AirLimit,
    AirPolicy,
    Parameter,
    PollutionSource,
    Reading,
    ReadingDay,
    SourceCheck,
    SourceType,
)
from .rules import UNIT_FACTORS, UnknownUnit, exceeds, to_mg_m3, unit_normalised

MAX_VALUE = Decimal("1e9")
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(480))
FUTURE_TOLERANCE = timedelta(minutes=10)  # a monitor's clock a little ahead is not refused


def policy_current() -> AirPolicy:
    return AirPolicy.objects.order_by("pk").first() or AirPolicy()


class AirRejected(ValueError):
    """Every refusal of one input, by field or row; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def source_save(*, code: str, name: str, source_type: SourceType, longitude: float, latitude: float,
                operator: str = "", contact: str = "", licence_number: str = "", licence_valid_until=None,
                address: str = "", radius_m: int = 0) -> PollutionSource:
    located = grid_locator().locate(longitude, latitude)
    if located is None:
        raise AirRejected({"location": _("该位置不在任何单元网格内")})
    source, _created = PollutionSource.objects.update_or_create(code=code, defaults={
        "name": name, "source_type": source_type, "longitude": longitude, "latitude": latitude,
        "grid_id": located.grid_id, "territory_path": located.territory_path, "operator": operator,
        "contact": contact, "licence_number": licence_number, "licence_valid_until": licence_valid_until,
        "address": address, "radius_m": radius_m})
    return source


# ---------------------------------------------------------------- readings

@dataclass(frozen=True)
class _Source:
    pk: int
    code: str
    source_type_id: int
    territory_path: str


@dataclass(frozen=True)
class _Checked:
    row: int
    source: _Source
    monitor: str
    parameter: str
    value: Decimal
    unit: str
    value_mg_m3: Decimal
    measured_at: datetime
    key: str


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    exceedances: int = 0
    cases: list[str] = field(default_factory=list)


def _decimal(text) -> Decimal | None:
    if isinstance(text, bool):
        return None
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _instant(text) -> datetime | None:
    if isinstance(text, datetime):
        moment = text
    else:
        try:
            moment = parse_datetime(str(text or "").strip())
        except ValueError:
            return None
    if moment is None:
        return None
    if timezone.is_naive(moment):  # a time without its offset is read in +08:00, like every form
        moment = timezone.make_aware(moment, timezone.get_fixed_timezone(480))
    return moment


def _text(value, limit: int) -> str:
    return str(value if value is not None else "").strip()[:limit + 1]


class _RowLabel:
    """"第 n 条", translated only when a refusal is written (most rows have none)."""

    def __init__(self, index: int):
        self.index = index

    def __str__(self) -> str:
        return _("第 %(n)d 条") % {"n": self.index}


def _check_row(index: int, raw: Mapping, sources: dict[str, PollutionSource], now: datetime
               ) -> tuple[_Checked | None, str | None]:
    label = _RowLabel(index)
    if not isinstance(raw, Mapping):
        return None, _("%(row)s：格式不正确") % {"row": label}
    source = sources.get(_text(raw.get("source"), 32))
    if source is None:
        # Out of reach reads as unknown: a batch does not reveal sources one may not see.
        return None, _("%(row)s：未知的污染源“%(code)s”") % {"row": label, "code": _text(raw.get("source"), 32)[:32]}
    parameter = _text(raw.get("parameter"), 16)
    if parameter not in Parameter.values:
        return None, _("%(row)s：未知的监测项目“%(parameter)s”") % {"row": label, "parameter": parameter[:16]}
    value = _decimal(raw.get("value"))
    if value is None:
        return None, _("%(row)s：测定值应为数字") % {"row": label}
    if value < 0 or value >= MAX_VALUE:
        return None, _("%(row)s：测定值超出范围") % {"row": label}
    unit = _text(raw.get("unit"), 16)
    try:
        value_mg_m3 = to_mg_m3(value, unit)
    except UnknownUnit:
        return None, _("%(row)s：未知的单位“%(unit)s”（可用 %(units)s）") % {
            "row": label, "unit": unit[:16], "units": "、".join(UNIT_FACTORS)}
    measured_at = _instant(raw.get("measured_at"))
    if measured_at is None:
        return None, _("%(row)s：监测时间格式不正确（ISO 8601）") % {"row": label}
    if measured_at < EARLIEST or measured_at > now + FUTURE_TOLERANCE:
        return None, _("%(row)s：监测时间不能晚于现在，也不能早于 2000 年") % {"row": label}
    key = _text(raw.get("idempotency_key"), 64)
    if not key or len(key) > 64:
        return None, _("%(row)s：请提供 1 到 64 个字符的幂等键") % {"row": label}
    monitor = _text(raw.get("monitor"), 64)
    if len(monitor) > 64:
        return None, _("%(row)s：监测设备编号不能超过 64 个字符") % {"row": label}
    return _Checked(row=index, source=source, monitor=monitor, parameter=parameter, value=value,
                    unit=unit_normalised(unit), value_mg_m3=value_mg_m3, measured_at=measured_at, key=key), None


def _same_reading(stored: Reading, checked: _Checked) -> bool:
    return (stored.source_id == checked.source.pk and stored.parameter == checked.parameter
            and stored.value == checked.value and stored.unit == checked.unit
            and stored.measured_at == checked.measured_at and stored.monitor == checked.monitor)


def readings_ingest(*, by, rows: Sequence, now: datetime | None = None) -> IngestResult:
    """Take one batch. Raises `AirRejected` (every bad row named, nothing written)."""
    now = now or clock.now()
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes) or not rows:
        raise AirRejected({"readings": _("请至少提交一条监测数据")})
    batch_max = policy_current().batch_max
    if len(rows) > batch_max:
        raise AirRejected({"readings": _("每批最多 %(n)d 条监测数据") % {"n": batch_max}})
    scope = enterable_sources_filter(by)
    codes = {_text(raw.get("source"), 32) for raw in rows if isinstance(raw, Mapping)}
    # Plain tuples, not model instances: a batch of 1,000 readings names up to 1,000 sources.
    sources = ({} if scope is None else
               {row[1]: _Source(*row) for row in PollutionSource.objects.filter(scope, code__in=codes, is_active=True)
                .values_list("pk", "code", "source_type_id", "territory_path")})
    checked: list[_Checked] = []
    errors: dict[str, str] = {}
    for index, raw in enumerate(rows, start=1):
        row, problem = _check_row(index, raw, sources, now)
        if problem:
            errors[f"row {index}"] = problem
        else:
            checked.append(row)
    if errors:
        raise AirRejected(errors)
    try:
        return _write(by=by, checked=checked, now=now)
    except IntegrityError:
        # A retry of the same batch raced this one past the key check: read the keys again, once.
        return _write(by=by, checked=checked, now=now)


def _write(*, by, checked: list[_Checked], now: datetime) -> IngestResult:
    result = IngestResult()
    stored = {r.idempotency_key: r for r in Reading.objects.filter(idempotency_key__in=[c.key for c in checked])}
    fresh: dict[str, _Checked] = {}
    errors: dict[str, str] = {}
    for row in checked:
        earlier = stored.get(row.key)
        if earlier is not None:
            if _same_reading(earlier, row):
                result.duplicates += 1
            else:
                errors[f"row {row.row}"] = _("第 %(n)d 条：幂等键“%(key)s”已用于另一条监测数据") % {
                    "n": row.row, "key": row.key}
        elif row.key in fresh:
            first = fresh[row.key]
            if (first.source.pk, first.parameter, first.value, first.unit, first.measured_at, first.monitor) == (
                    row.source.pk, row.parameter, row.value, row.unit, row.measured_at, row.monitor):
                result.duplicates += 1
            else:
                errors[f"row {row.row}"] = _("第 %(n)d 条：幂等键“%(key)s”在本批中用于两条不同的数据") % {
                    "n": row.row, "key": row.key}
        else:
            fresh[row.key] = row
    if errors:
        raise AirRejected(errors)
    limits = {(limit.source_type_id, limit.parameter): limit.limit_mg_m3 for limit in AirLimit.objects.all()}
    reports = may_report(user=by) if by is not None else False
    recorded_by = by.pk if by is not None else None
    with transaction.atomic():
        rows = []
        days: dict[tuple[int, date, str], list] = defaultdict(lambda: [0, 0, None, ""])
        for row in fresh.values():
            limit = limits.get((row.source.source_type_id, row.parameter))
            exceeded = exceeds(row.value_mg_m3, limit)
            day = timezone.localdate(row.measured_at)
            tally = days[row.source.pk, day, row.parameter]
            tally[0] += 1
            tally[3] = row.source.territory_path
            tally[2] = row.value_mg_m3 if tally[2] is None else max(tally[2], row.value_mg_m3)
            case_id = None
            if exceeded:
                tally[1] += 1
                result.exceedances += 1
                if reports:
                    case = _case_for(row, limit=limit, day=day, by=by)
                    if case is not None:
                        case_id = case.pk
                        if case.number not in result.cases:
                            result.cases.append(case.number)
            rows.append((row.source.pk, row.monitor, row.parameter, row.value, row.unit, row.value_mg_m3, limit,
                         exceeded, row.measured_at, row.key, recorded_by, now, case_id))
        _readings_insert(rows)
        _days_add(days)
        result.accepted = len(rows)
    return result


READING_COLUMNS = ("source_id", "monitor", "parameter", "value", "unit", "value_mg_m3", "limit_mg_m3",
                   "is_exceedance", "measured_at", "idempotency_key", "recorded_by_id", "received_at", "case_id")


def _readings_insert(rows: list[tuple]) -> None:
    """Multi-row INSERTs of plain tuples: a model instance per reading costs more than the insert."""
    table = connection.ops.quote_name(Reading._meta.db_table)
    field = {f.column: f for f in Reading._meta.concrete_fields}
    placeholder = "(" + ", ".join(["%s"] * len(READING_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), 500):
            chunk = rows[first:first + 500]
            params = [field[column].get_db_prep_save(value, connection)
                      for row in chunk for column, value in zip(READING_COLUMNS, row, strict=True)]
            cursor.execute(f"INSERT INTO {table} ({', '.join(READING_COLUMNS)}) VALUES "
                           f"{', '.join([placeholder] * len(chunk))}", params)


def _days_add(days: dict) -> None:
    """Upsert the daily tallies in one statement (same syntax on SQLite and PostgreSQL)."""
    if not days:
        return
    table = connection.ops.quote_name(ReadingDay._meta.db_table)
    rows, params = [], []
    for (source_id, day, parameter), (count, exceeded, peak, path) in days.items():
        rows.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [source_id, day, parameter, path, count, exceeded, peak]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (source_id, day, parameter, territory_path, readings, exceedances, max_mg_m3) "
            f"VALUES {', '.join(rows)} ON CONFLICT (source_id, day, parameter) DO UPDATE SET "
            f"readings = {table}.readings + excluded.readings, "
            f"exceedances = {table}.exceedances + excluded.exceedances, "
            f"max_mg_m3 = CASE WHEN {table}.max_mg_m3 IS NULL OR excluded.max_mg_m3 > {table}.max_mg_m3 "
            f"THEN excluded.max_mg_m3 ELSE {table}.max_mg_m3 END", params)


def exceedance_case_key(*, source_id: int, parameter: str, day: date) -> str:
    return f"air:{source_id}:{parameter}:{day:%Y%m%d}"


def _case_for(row: _Checked, *, limit: Decimal, day: date, by):
    """One case per source, parameter and day, whatever the number of readings over the limit."""
    source = PollutionSource.objects.select_related("source_type__category").get(pk=row.source.pk)
    item = source.source_type.category
    if item is None or not item.is_active:
        return None
    description = _("%(type)s %(code)s %(name)s：%(parameter)s %(value)s mg/m³ 超过限值 %(limit)s mg/m³") % {
        "type": source.source_type.name, "code": source.code, "name": source.name,
        "parameter": Parameter(row.parameter).label, "value": row.value_mg_m3.normalize(),
        "limit": limit.normalize()}
    key = exceedance_case_key(source_id=source.pk, parameter=row.parameter, day=day)
    # The day's case may have been reported by another poster (a monitor's key, then an inspector's
    # form): it is that case, not a refusal of the key.
    existing = Case.objects.filter(client_key=key).first()
    if existing is not None:
        return existing
    try:
        case, _created = case_report_once(
            by=by, source=CaseSource.VIDEO, item=item, longitude=source.longitude, latitude=source.latitude,
            description=description, address=source.address or source.name, client_key=key)
    except CaseError:
        # Another poster's batch reported it a moment ago; otherwise it stays flagged.
        return Case.objects.filter(client_key=key).first()
    return case


# ---------------------------------------------------------------- site checks

def checklist_for(source_type: SourceType) -> ChecklistVersion | None:
    checklist = Checklist.objects.filter(code=source_type.checklist_code).first() if source_type.checklist_code else None
    return version_in_force(checklist) if checklist else None


def check_record(*, by, source: PollutionSource, checked_on: date | None, today: date,
                 answers: Mapping[int, tuple[int, bool]], note: str = "") -> SourceCheck:
    """`answers`: item id → (occurrences found, vetoed). Items not answered count as found with none."""
    errors: dict[str, str] = {}
    if not may_enter_at_source(user=by, source=source):
        errors["source"] = _("未知的污染源")
    version = checklist_for(source.source_type)
    if version is None:
        errors["checklist"] = _("该类型污染源没有在用的现场检查细则")
    if checked_on is None:
        errors["checked_on"] = _("请填写检查日期")
    elif checked_on > today:
        errors["checked_on"] = _("检查日期不能晚于今天")
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = _("备注不能超过 %(n)d 字") % {"n": 500}
    score = None
    if version is not None:
        try:
            score = sheet_score(sheet_of(version), {int(key): ItemResult(occurrences=count, vetoed=bool(vetoed))
                                                    for key, (count, vetoed) in answers.items()})
        except (ScoringError, ValueError, TypeError) as error:
            errors["answers"] = str(error) or _("检查结果格式不正确")
    if errors:
        raise AirRejected(errors)
    passed = not score.vetoed and score.total >= policy_current().check_pass_score
    return SourceCheck.objects.create(
        source=source, version=version, checked_on=checked_on, checked_by=by,
        answers={str(key): [count, bool(vetoed)] for key, (count, vetoed) in answers.items()},
        total=score.total, max_score=score.max_score, passed=passed, note=note)
