"""Writes: the limits seeded (editable afterwards in the admin), points placed by the grid locator,
samples recorded all-or-nothing with their values converted to mg/kg and assessed, and a value above
the 管制值 turned into a case (category 90002 土壤污染, a local extension of the catalogue) through
`cases.services.case_report_once` when the recorder may report; otherwise it stays flagged."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jiedao.cases.access import may_report
from jiedao.cases.models import CaseSource
from jiedao.cases.services import case_report_once
from jiedao.catalogue.models import CatalogueItem
from jiedao.territory.locator import grid_locator

from .access import may_enter_sample
from .assessment import Limit, UnknownUnit, assess, limit_for, to_mg_per_kg
from .models import LandUseClass, Level, MonitoringPoint, Parameter, SampleValue, SoilLimit, SoilSample

SOIL_CASE_CATEGORY = "90002"  # 土壤污染, catalogue/data/local_extensions.csv
MAX_SAMPLED_BY = 100

# standards.md §8 "Soil" anchors GB 15618-2018 and GB 36600-2018; §10: the figures are from memory,
# so each row is seeded unconfirmed with its source, for the office to check and edit.
FROM_MEMORY = "standards.md §8（%s，数值凭记忆，§10 未核实）"
FARMLAND_BANDS = [(None, Decimal("5.5")), (Decimal("5.5"), Decimal("6.5")), (Decimal("6.5"), Decimal("7.5")),
                  (Decimal("7.5"), None)]
# GB 15618-2018 表1 (其他农用地) 筛选值 and 表3 管制值, by pH band.
FARMLAND_LIMITS = {
    "Cd": (["0.3", "0.3", "0.3", "0.6"], ["1.5", "2.0", "3.0", "4.0"]),
    "Hg": (["1.3", "1.8", "2.4", "3.4"], ["2.0", "2.5", "4.0", "6.0"]),
    "As": (["40", "40", "30", "25"], ["200", "150", "120", "100"]),
    "Pb": (["70", "90", "120", "170"], ["400", "500", "700", "1000"]),
    "Cr": (["150", "150", "200", "250"], ["800", "850", "1000", "1300"]),
    "Cu": (["50", "50", "100", "100"], None),
    "Ni": (["60", "70", "100", "190"], None),
    "Zn": (["200", "200", "250", "300"], None),
}
# GB 36600-2018 表1: (第一类 筛选值, 第二类 筛选值, 第一类 管制值, 第二类 管制值).
CONSTRUCTION_LIMITS = {
    "As": ("20", "60", "120", "140"),
    "Cd": ("20", "65", "47", "172"),
    "Cr6": ("3.0", "5.7", "30", "78"),
    "Cu": ("2000", "18000", "8000", "36000"),
    "Pb": ("400", "800", "800", "2500"),
    "Hg": ("8", "38", "33", "82"),
    "Ni": ("150", "900", "600", "2000"),
}
LAND_USE_CLASSES = [
    ("farmland", "农用地", "GB 15618-2018", True),
    ("construction_1", "建设用地第一类用地", "GB 36600-2018", False),
    ("construction_2", "建设用地第二类用地", "GB 36600-2018", False),
]


def soil_limits_seed() -> int:
    """Idempotent: creates what is missing, never overwrites a row the office edited."""
    written = 0
    classes = {}
    for order, (code, name, standard, is_farmland) in enumerate(LAND_USE_CLASSES, start=1):
        classes[code], _created = LandUseClass.objects.get_or_create(
            code=code, defaults={"name": name, "standard": standard, "is_farmland": is_farmland, "order": order})

    def put(land_use_class, parameter, screening, control, ph_above=None, ph_up_to=None):
        nonlocal written
        _row, created = SoilLimit.objects.get_or_create(
            land_use_class=land_use_class, parameter=parameter, ph_above=ph_above,
            defaults={"ph_up_to": ph_up_to, "screening_value": Decimal(screening),
                      "control_value": Decimal(control) if control else None,
                      "source": FROM_MEMORY % land_use_class.standard, "is_confirmed": False})
        written += created

    for parameter, (screening, control) in FARMLAND_LIMITS.items():
        for band, (ph_above, ph_up_to) in enumerate(FARMLAND_BANDS):
            put(classes["farmland"], parameter, screening[band], control[band] if control else None,
                ph_above, ph_up_to)
    for parameter, (first_s, second_s, first_c, second_c) in CONSTRUCTION_LIMITS.items():
        put(classes["construction_1"], parameter, first_s, first_c)
        put(classes["construction_2"], parameter, second_s, second_c)
    return written


class SoilRejected(ValueError):
    """Every refusal of one input, by field; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def point_save(*, code: str, name: str, longitude: float, latitude: float,
               land_use_class: LandUseClass) -> MonitoringPoint:
    located = grid_locator().locate(longitude, latitude)
    if located is None:
        raise SoilRejected({"point": _("该位置不在任何单元网格内")})
    point, _created = MonitoringPoint.objects.update_or_create(code=code, defaults={
        "name": name, "longitude": longitude, "latitude": latitude, "grid_id": located.grid_id,
        "territory_path": located.territory_path, "land_use_class": land_use_class})
    return point


def limits_of(land_use_class: LandUseClass) -> list[Limit]:
    return [Limit(parameter=row.parameter, screening_value=row.screening_value, control_value=row.control_value,
                  ph_above=row.ph_above, ph_up_to=row.ph_up_to)
            for row in SoilLimit.objects.filter(land_use_class=land_use_class)]


@dataclass(frozen=True)
class MeasuredValue:
    parameter: str
    value: str
    unit: str


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def sample_record(*, by, point_code: str, sampled_on: date | None, sampled_by: str, ph: str,
                  values: list[MeasuredValue], today: date, report_cases: bool = True) -> SoilSample:
    """Checks every field first and refuses with all the reasons; then writes the sample, its values
    and any case in one transaction."""
    errors: dict[str, str] = {}
    point = MonitoringPoint.objects.select_related("land_use_class").filter(code=(point_code or "").strip()).first()
    if point is None or not may_enter_sample(user=by, point=point):
        # Out of reach reads as unknown: the form does not reveal points one may not see.
        errors["point"] = _("未知的监测点位")
    if sampled_on is None:
        errors["sampled_on"] = _("请填写采样日期")
    elif sampled_on > today:
        errors["sampled_on"] = _("采样日期不能晚于今天")
    sampled_by = (sampled_by or "").strip()
    if not sampled_by:
        errors["sampled_by"] = _("请填写采样单位/人员")
    elif len(sampled_by) > MAX_SAMPLED_BY:
        errors["sampled_by"] = _("采样单位/人员不能超过 %(n)d 字") % {"n": MAX_SAMPLED_BY}
    ph_value = None
    if (ph or "").strip():
        ph_value = _decimal(ph)
        if ph_value is None or not Decimal(0) <= ph_value <= Decimal(14):
            errors["ph"] = _("pH 应在 0 到 14 之间")
    elif point is not None and point.land_use_class.is_farmland:
        errors["ph"] = _("农用地样品须填写 pH（限值按 pH 分档）")
    converted: list[tuple[str, Decimal, str, Decimal]] = []
    for measured in values:
        field = f"value_{measured.parameter}"
        if measured.parameter not in Parameter.values:
            errors[field] = _("未知的检测项目")
            continue
        number = _decimal(measured.value)
        if number is None:
            errors[field] = _("测定值应为数字")
        elif number < 0:
            errors[field] = _("测定值不能为负数")
        else:
            try:
                converted.append((measured.parameter, number, measured.unit, to_mg_per_kg(number, measured.unit)))
            except UnknownUnit:
                errors[field] = _("未知的单位：%(unit)s（可用 mg/kg、μg/kg、g/kg、ppm）") % {"unit": measured.unit}
    if not values and not errors:
        errors["measured"] = _("请至少填写一项测定值")
    if errors:
        raise SoilRejected(errors)
    limits = limits_of(point.land_use_class)
    with transaction.atomic():
        sample = SoilSample.objects.create(point=point, sampled_on=sampled_on, sampled_by=sampled_by, ph=ph_value,
                                           recorded_by=by)
        for parameter, number, unit, mg_per_kg in converted:
            level = assess(mg_per_kg, limit_for(limits, parameter=parameter, ph=ph_value))
            row = SampleValue.objects.create(sample=sample, parameter=parameter, value=number, unit=unit.strip(),
                                             value_mg_per_kg=mg_per_kg, level=level)
            if level == Level.ABOVE_CONTROL and report_cases:
                _case_for(row, point=point, by=by)
    return sample


def _case_for(row: SampleValue, *, point: MonitoringPoint, by) -> None:
    """A value above the 管制值 becomes a case when category 90002 exists and the recorder may report."""
    item = CatalogueItem.objects.filter(code=SOIL_CASE_CATEGORY, is_active=True).first()
    if item is None or not may_report(user=by):
        return
    description = _("土壤监测点位 %(code)s %(name)s：%(parameter)s %(value)s mg/kg 超过管制值") % {
        "code": point.code, "name": point.name, "parameter": row.get_parameter_display(),
        "value": row.value_mg_per_kg.normalize()}
    case, _created = case_report_once(by=by, source=CaseSource.SELF_CHECK, item=item, longitude=point.longitude,
                                      latitude=point.latitude, description=description, address=point.name,
                                      client_key=f"soil:{row.sample_id}:{row.parameter}")
    row.case = case
    row.save(update_fields=["case"])


def values_from(data: Mapping[str, str]) -> list[MeasuredValue]:
    """The form's rows: value_<parameter> with unit_<parameter>; empty rows skipped."""
    return [MeasuredValue(parameter=parameter, value=data.get(f"value_{parameter}", ""),
                          unit=data.get(f"unit_{parameter}", "mg/kg"))
            for parameter in Parameter.values if (data.get(f"value_{parameter}") or "").strip()]
