"""What an office starts from, all idempotent and never overwriting a row the office edited: the
source types with their case categories, the limits (from memory, standards.md §8/§10: unconfirmed),
the seasonal ban windows, and the 油烟净化 sample checklist beside the checklists app's 六个百分百
(`dust-six`), built the way `checklists.seeds` builds its samples."""

from decimal import Decimal

from django.db import transaction

from jiedao.catalogue.models import CatalogueItem
from jiedao.checklists.models import Checklist
from jiedao.checklists.seeds import SAMPLE_NOTE, _Checklist, _drafts, _Item, _Section, checklists_seed
from jiedao.checklists.selectors import categories_by_code
from jiedao.checklists.services import checklist_create, version_fill, version_publish

from .models import AirLimit, AirPolicy, BanWindow, SourceType

FROM_MEMORY = "standards.md §8（%s，数值凭记忆，§10 未核实）"
# (code, name, case category, checklist, is a ban zone)
SOURCE_TYPES = [
    ("industrial", "工业废气", "90001", "", False),
    ("construction", "建筑工地扬尘", "08004", "dust-six", False),
    ("road", "道路扬尘", "06012", "", False),
    ("catering", "餐饮油烟", "06027", "catering-fumes", False),
    ("burning", "露天焚烧禁烧点", "06020", "", True),
    ("fireworks", "烟花爆竹禁放区", "90004", "", True),
]
# (type, parameter, limit in mg/m³, standard)
LIMITS = [
    ("catering", "fume", "2.0", "GB 18483-2001 饮食业油烟排放标准"),
    ("construction", "pm10", "0.15", "GB 3095-2012 二级 24 小时平均（作工地监测参考）"),
    ("construction", "pm25", "0.075", "GB 3095-2012 二级 24 小时平均（作工地监测参考）"),
    ("construction", "tsp", "0.3", "GB 3095-2012 二级 24 小时平均（作工地监测参考）"),
    ("road", "pm10", "0.15", "GB 3095-2012 二级 24 小时平均（作道路监测参考）"),
    ("road", "pm25", "0.075", "GB 3095-2012 二级 24 小时平均（作道路监测参考）"),
    ("industrial", "particulate", "120", "GB 16297-1996 大气污染物综合排放标准 表2 颗粒物（其他）"),
]
# (type, name, start month, day, end month, day, basis)
BAN_WINDOWS = [
    ("burning", "秋冬季禁烧期", 10, 1, 3, 31, "《大气污染防治法》禁止在人口集中地区露天焚烧；禁烧期为本平台示例"),
    ("burning", "夏收禁烧期", 5, 20, 6, 30, "示例：夏收秸秆禁烧期，按本街道通告修改"),
    ("fireworks", "春节前后禁放期", 12, 20, 2, 28, "示例：按本区烟花爆竹禁放通告修改"),
]

CATERING_FUMES = _Checklist(
    code="catering-fumes", name="餐饮油烟净化设施检查表（示例）", applies_to="餐饮单位",
    source="standards.md §8：餐饮油烟巡查要点（净化设施安装、运行、清洗记录，无直排，露天烧烤禁止区域）；"
           "GB/T 47678.5 06027 油烟污染",
    description=SAMPLE_NOTE + "巡查要点取自所引资料；各项分值和每处扣分为本平台示例。",
    sections=[
        _Section("一", "油烟净化", "100", [
            _Item("1", "净化设施已安装", "安装油烟净化设施", "30", "未安装扣30分", per="30", category="06027",
                  needs_location=False),
            _Item("2", "净化设施正常运行", "营业时净化设施同步运行", "30", "未运行扣30分", per="30", category="06027",
                  needs_location=False),
            _Item("3", "定期清洗并有记录", "按期清洗，清洗台账完整", "20", "未清洗或无记录扣10分，扣完为止", per="10",
                  needs_location=False),
            _Item("4", "无油烟直排", "油烟经净化后由专用烟道排放", "20", "发现直排扣20分", per="20", category="06027",
                  needs_location=False),
        ]),
    ],
)


def air_seed() -> int:
    """Returns how many rows were created."""
    written = 0
    types = {}
    for order, (code, name, category, checklist, is_zone) in enumerate(SOURCE_TYPES, start=1):
        types[code], created = SourceType.objects.get_or_create(code=code, defaults={
            "name": name, "category": CatalogueItem.objects.filter(code=category, is_active=True).first(),
            "checklist_code": checklist, "is_ban_zone": is_zone, "order": order})
        written += created
        if types[code].category is None and category:  # the catalogue came after the type
            types[code].category = CatalogueItem.objects.filter(code=category, is_active=True).first()
            if types[code].category is not None:
                types[code].save(update_fields=["category"])
    for code, parameter, limit, standard in LIMITS:
        _row, created = AirLimit.objects.get_or_create(source_type=types[code], parameter=parameter, defaults={
            "limit_mg_m3": Decimal(limit), "source": FROM_MEMORY % standard, "is_confirmed": False})
        written += created
    for code, name, start_month, start_day, end_month, end_day, basis in BAN_WINDOWS:
        _row, created = BanWindow.objects.get_or_create(source_type=types[code], name=name, defaults={
            "start_month": start_month, "start_day": start_day, "end_month": end_month, "end_day": end_day,
            "basis": basis, "is_confirmed": False})
        written += created
    if not AirPolicy.objects.exists():
        AirPolicy.objects.create()
        written += 1
    written += checklists_seed() + catering_checklist_seed()  # dust-six is the checklists app's sample
    return written


def catering_checklist_seed() -> int:
    if Checklist.objects.filter(code=CATERING_FUMES.code).exists():
        return 0
    with transaction.atomic():
        draft = checklist_create(code=CATERING_FUMES.code, name=CATERING_FUMES.name,
                                 applies_to=CATERING_FUMES.applies_to, description=CATERING_FUMES.description,
                                 source=CATERING_FUMES.source, is_sample=True)
        version_fill(version=draft, sections=_drafts(CATERING_FUMES, categories_by_code()))
        version_publish(version=draft, note="示例内容（系统预置），请按本街道实际修改")
    return 1
