"""The default plans, as editable sample data (`is_sample`): the river chiefs' patrols of the five
levels and the 巡河员/保洁员 daily patrols (standards.md §5: frequencies are set by each province;
`basis` names the one each default follows), cleaning per cleaning grade and inspection and
maintenance per asset class (CJJ 36 frequencies were not verified, standards.md §8 and §10: these
are samples to edit). A plan on a register that is not there yet (river segments, cleaning zones,
assets) counts nothing until it is. Each default is written once, by `seed_key`: a second run, or
one after an administrator's edits, changes nothing."""

from datetime import date

from django.db import transaction

from jiedao.territory.models import Role, UnitLevel

from .consequences import duty_rule
from .models import DutyKind, DutyPlan, DutyPolicy, FrequencyUnit

GANSU = "参照《甘肃省河湖日常巡查监管制度(试行)》（甘南州），standards.md §5"
AHEQI = "参照新疆阿合奇县河湖长巡河规定（3–12 月；≥30 分钟，乡/村级 ≥2 公里），standards.md §5"
HIGHER_LEVEL = "上级河长，不在本街道；启用前请指定责任人"
SAMPLE_CLEANING = "示例值：保洁等级越高频次越高，请按本地环卫作业标准修改"
SAMPLE_ASSETS = "示例值：CJJ 36-2016 等规范的频次未核实（standards.md §8、§10），启用前请指定养护单位并核对频次"
ALWAYS = date(2026, 1, 1)

RIVER = "river_segment"
CLEANING_ZONE = "cleaning_zone"
ASSET = "asset"

DEFAULT_PLANS: tuple[dict, ...] = (
    # 河长制, standards.md §5. 省/市级 chiefs are not ours: inactive until someone is named.
    dict(seed_key="river-chief-province", name="省级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF,
         subject_kind=RIVER, frequency_unit=FrequencyUnit.YEAR, times_per_period=1, is_active=False,
         basis=f"{GANSU}；{HIGHER_LEVEL}"),
    dict(seed_key="river-chief-city", name="市级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF,
         subject_kind=RIVER, frequency_unit=FrequencyUnit.YEAR, times_per_period=2, is_active=False,
         basis=f"{GANSU}；{HIGHER_LEVEL}"),
    dict(seed_key="river-chief-county", name="县级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF,
         assignee_level=UnitLevel.DISTRICT, subject_kind=RIVER, frequency_unit=FrequencyUnit.QUARTER,
         times_per_period=1, min_duration_minutes=30, basis=AHEQI),
    dict(seed_key="river-chief-township", name="乡级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF,
         assignee_level=UnitLevel.SUBDISTRICT, subject_kind=RIVER, frequency_unit=FrequencyUnit.MONTH,
         times_per_period=1, season_start_month=3, season_end_month=12, min_duration_minutes=30,
         min_distance_m=2000, basis=AHEQI),
    dict(seed_key="river-chief-village", name="村级河长巡河", kind=DutyKind.PATROL, assignee_role=Role.RIVER_CHIEF,
         assignee_level=UnitLevel.COMMUNITY, subject_kind=RIVER, frequency_unit=FrequencyUnit.WEEK,
         times_per_period=1, season_start_month=3, season_end_month=12, min_duration_minutes=30,
         min_distance_m=2000, basis=AHEQI),
    dict(seed_key="river-patroller-daily", name="巡河员日常巡河", kind=DutyKind.PATROL,
         assignee_role=Role.RIVER_PATROLLER, assignee_level=UnitLevel.COMMUNITY, subject_kind=RIVER,
         frequency_unit=FrequencyUnit.DAY, times_per_period=1, per_subject=False, min_photos=1,
         basis=f"{GANSU}：保洁员、巡河员每日巡查并记录"),
    dict(seed_key="river-cleaner-daily", name="河湖保洁员日常保洁巡查", kind=DutyKind.CLEAN,
         assignee_role=Role.CLEANER, assignee_level=UnitLevel.COMMUNITY, subject_kind=RIVER,
         frequency_unit=FrequencyUnit.DAY, times_per_period=1, per_subject=False, min_photos=1,
         basis=f"{GANSU}：保洁员每日巡查并记录"),
    # 长效保洁 per cleaning grade (the cleaning zones' register: filter "grade")
    dict(seed_key="cleaning-grade-1", name="一级保洁区域日常保洁", kind=DutyKind.CLEAN, assignee_role=Role.CLEANER,
         assignee_level=UnitLevel.COMMUNITY, subject_kind=CLEANING_ZONE, target_filter={"grade": "1"},
         frequency_unit=FrequencyUnit.DAY, times_per_period=2, min_duration_minutes=30, min_photos=1,
         basis=SAMPLE_CLEANING),
    dict(seed_key="cleaning-grade-2", name="二级保洁区域日常保洁", kind=DutyKind.CLEAN, assignee_role=Role.CLEANER,
         assignee_level=UnitLevel.COMMUNITY, subject_kind=CLEANING_ZONE, target_filter={"grade": "2"},
         frequency_unit=FrequencyUnit.DAY, times_per_period=1, min_duration_minutes=30, min_photos=1,
         basis=SAMPLE_CLEANING),
    dict(seed_key="cleaning-grade-3", name="三级保洁区域保洁", kind=DutyKind.CLEAN, assignee_role=Role.CLEANER,
         assignee_level=UnitLevel.COMMUNITY, subject_kind=CLEANING_ZONE, target_filter={"grade": "3"},
         frequency_unit=FrequencyUnit.WEEK, times_per_period=3, min_duration_minutes=20, min_photos=1,
         basis=SAMPLE_CLEANING),
    # 日常巡查、定期保养 per asset class (GB/T 47678.5 部件 codes; the assets' register: filter "component_code")
    *(dict(seed_key=f"asset-inspect-{code}", name=f"{name}巡检", kind=DutyKind.INSPECT, assignee_role=Role.INSPECTOR,
           assignee_level=UnitLevel.COMMUNITY, subject_kind=ASSET, target_filter={"component_code": code},
           frequency_unit=unit, times_per_period=1, min_photos=1, basis=SAMPLE_ASSETS)
      for code, name, unit in (("01037", "路灯", FrequencyUnit.MONTH), ("01003", "雨水井盖", FrequencyUnit.QUARTER),
                               ("03001", "公共厕所", FrequencyUnit.WEEK), ("03005", "垃圾箱", FrequencyUnit.WEEK),
                               ("02010", "交通标志牌及标线", FrequencyUnit.QUARTER))),
    *(dict(seed_key=f"asset-maintain-{code}", name=f"{name}定期养护", kind=DutyKind.MAINTAIN,
           assignee_role=Role.DEPARTMENT_HANDLER, subject_kind=ASSET, target_filter={"component_code": code},
           frequency_unit=unit, times_per_period=1, min_photos=2, is_active=False, basis=SAMPLE_ASSETS)
      for code, name, unit in (("01037", "路灯", FrequencyUnit.QUARTER), ("01003", "雨水井盖", FrequencyUnit.YEAR),
                               ("03001", "公共厕所", FrequencyUnit.MONTH))),
)


@transaction.atomic
def duties_seed() -> int:
    """Create the missing default plans, the policy and the register's rule; returns how many plans
    were created."""
    created = 0
    for values in DEFAULT_PLANS:
        defaults = {"starts_on": ALWAYS, "is_sample": True, **{key: value for key, value in values.items()
                                                               if key != "seed_key"}}
        _plan, was_created = DutyPlan.objects.get_or_create(seed_key=values["seed_key"], defaults=defaults)
        created += was_created
    DutyPolicy.current()
    duty_rule()
    return created
