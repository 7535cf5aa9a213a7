"""Writes: a planting and a survival check. Every rule is checked before anything is written; a
`ValidationError` keyed by field carries translated messages and nothing is saved."""

import json
from datetime import date
from decimal import Decimal

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from jiedao.cases.access import can_view
from jiedao.cases.models import Case
from jiedao.territory.locator import grid_locator
from jiedao.territory.models import Organisation

from .access import may_enter_at, plantings_visible_filter
from .models import Planting, PlantingKind, SurvivalCheck

GEOMETRY_TYPES = frozenset({"Point", "Polygon", "MultiPolygon"})
LONGEST_GEOMETRY_CHARS = 20_000


def geometry_parse(text: str) -> tuple[dict, float, float]:
    """The GeoJSON object and a point inside it (lon, lat); `ValueError` with a translated message."""
    if not (text or "").strip():
        raise ValueError(_("请在地图上点选种植地点，或填入 GeoJSON 点或面"))
    if len(text) > LONGEST_GEOMETRY_CHARS:
        raise ValueError(_("位置数据过长"))
    try:
        data = json.loads(text)
        geometry = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.GEOSException):
        raise ValueError(_("位置应为 GeoJSON 点（Point）或面（Polygon），WGS-84 经纬度")) from None
    if not isinstance(data, dict) or data.get("type") not in GEOMETRY_TYPES or geometry.is_empty \
            or not geometry.is_valid:
        raise ValueError(_("位置应为 GeoJSON 点（Point）或面（Polygon），WGS-84 经纬度"))
    inside = geometry.representative_point()
    if not (-180 <= inside.x <= 180 and -90 <= inside.y <= 90):
        raise ValueError(_("坐标应为 WGS-84 经纬度"))
    return data, inside.x, inside.y


def _decimal(text: str, field: str, errors: dict) -> Decimal | None:
    if text in ("", None):
        return None
    try:
        value = Decimal(str(text))
    except ArithmeticError:
        errors[field] = _("请输入数字")
        return None
    if not value.is_finite() or value < 0:
        errors[field] = _("不能为负数")
        return None
    if value >= Decimal("1e9"):
        errors[field] = _("数值过大")
        return None
    return value


def planting_record(*, by, kind: str, area_m2: str, count: str, species: str, geometry: str,
                    planted_on: date | None, today: date, responsible_unit: str, maintainer_id: str,
                    case_number: str) -> Planting:
    errors: dict[str, str] = {}
    if kind not in PlantingKind.values:
        errors["kind"] = _("请选择种植类型")
    area = _decimal(area_m2, "area_m2", errors)
    quantity = _decimal(count, "count", errors)
    if quantity is not None and quantity != quantity.to_integral_value():
        errors["count"] = _("株数应为整数")
    if area is None and quantity is None and "area_m2" not in errors and "count" not in errors:
        errors["area_m2"] = _("请填写面积或株数")
    if not species.strip():
        errors["species"] = _("请填写树种")
    if planted_on is None:
        errors["planted_on"] = _("请填写种植日期")
    elif planted_on > today:
        errors["planted_on"] = _("种植日期不能晚于今天")
    if not responsible_unit.strip():
        errors["responsible_unit"] = _("请填写责任单位")
    maintainer = Organisation.objects.filter(pk=int(maintainer_id), is_active=True).first() \
        if maintainer_id.isdigit() else None
    if maintainer is None:
        errors["maintainer"] = _("请选择养护单位")
    located = None
    try:
        data, lon, lat = geometry_parse(geometry)
        located = grid_locator().locate(lon, lat)
        if located is None or located.community_id is None:
            errors["geometry"] = _("位置不在本街道的任何社区（村）内")
    except ValueError as error:
        errors["geometry"] = str(error)
    case = None
    if case_number.strip():
        case = Case.objects.filter(number=case_number.strip()).first()
        if kind != PlantingKind.DEMOLITION:
            errors["case"] = _("只有拆违还绿可以关联案件")
        elif case is None or not can_view(user=by, case=case):
            errors["case"] = _("没有编号为“%(number)s”的案件") % {"number": case_number.strip()[:20]}
    if located is not None and located.community_id is not None and maintainer is not None \
            and not may_enter_at(user=by, territory_path=located.territory_path, maintainer_id=maintainer.pk):
        errors["form"] = _("您无权在此处录入由该单位养护的种植记录")
    if errors:
        raise ValidationError(errors)
    return Planting.objects.create(
        kind=kind, area_m2=area, count=int(quantity) if quantity is not None else None, species=species.strip(),
        geometry=data, community_id=located.community_id, territory_path=located.territory_path,
        planted_on=planted_on, responsible_unit=responsible_unit.strip(), maintainer=maintainer, case=case,
        recorded_by=by)


@transaction.atomic
def survival_check_record(*, by, planting_id: str, checked_on: date | None, today: date, surviving: str,
                          note: str) -> SurvivalCheck:
    errors: dict[str, str] = {}
    clause = plantings_visible_filter(by)
    planting = None
    if clause is not None and str(planting_id).isdigit():
        planting = Planting.objects.filter(clause, pk=int(planting_id)).first()
    if planting is None:
        raise ValidationError({"planting": _("没有这条种植记录")})
    if not may_enter_at(user=by, territory_path=planting.territory_path, maintainer_id=planting.maintainer_id):
        raise ValidationError({"form": _("您无权录入这条种植记录的成活检查")})
    value = _decimal(surviving, "surviving", errors)
    if value is None and "surviving" not in errors:
        errors["surviving"] = _("请填写成活数量")
    planted = planting.planted_quantity
    if value is not None and planted is not None and value > planted:
        errors["surviving"] = _("成活数量（%(surviving)s）不能多于种植数量（%(planted)s）") % {
            "surviving": value, "planted": planted}
    if checked_on is None:
        errors["checked_on"] = _("请填写检查日期")
    elif checked_on < planting.planted_on:
        errors["checked_on"] = _("检查日期不能早于种植日期（%(day)s）") % {"day": planting.planted_on}
    elif checked_on > today:
        errors["checked_on"] = _("检查日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    return SurvivalCheck.objects.create(planting=planting, checked_on=checked_on, surviving=value, checked_by=by,
                                        note=note.strip()[:500])
