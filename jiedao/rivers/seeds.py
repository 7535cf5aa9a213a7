"""The river chief system's starting data, marked as sample the office edits: the river patrol
checklist (the 甘肃/甘南 patrol log's items, standards.md §5). How often each level patrols and what
counts are duty plans (jiedao/duties). Idempotent: an existing checklist is never touched."""

from decimal import Decimal

from django.db import transaction

from jiedao.checklists.models import Checklist
from jiedao.checklists.selectors import categories_by_code
from jiedao.checklists.services import (
    ItemDraft,
    SectionDraft,
    checklist_create,
    version_fill,
    version_publish,
)

from .selectors import PATROL_CHECKLIST_CODE

# (item, what to look at, GB/T 47678.5 or local category a case is filed under)
PATROL_ITEMS = (
    ("污水直排口", "有无生活、生产污水直排入河", "06030", "15"),
    ("新增排污口", "有无新增或私设入河排污口", "90012", "15"),
    ("排污口水色气味", "入河排污口废水颜色、气味有无异常", "06026", "10"),
    ("涉水违建", "河道管理范围内有无违法建筑、侵占河道", "06046", "15"),
    ("弃土弃渣", "河岸有无倾倒弃土、弃渣、建筑垃圾", "06011", "10"),
    ("农业污染", "有无畜禽养殖、农药化肥包装等农业污染", "06026", "10"),
    ("危险废物", "有无倾倒危险废物", "06026", "10"),
    ("漂浮物/垃圾", "水面有无漂浮物、岸边有无垃圾", "06025", "15"),
)


def rivers_seed() -> int:
    """Create the patrol checklist if it does not exist yet; returns how many were created."""
    created = 0
    with transaction.atomic():
        if not Checklist.objects.filter(code=PATROL_CHECKLIST_CODE).exists():
            categories = categories_by_code()
            draft = checklist_create(
                code=PATROL_CHECKLIST_CODE, name="河长巡河检查表（示例）", applies_to="河段",
                source="standards.md §5：甘肃/甘南巡查日志的检查项目", is_sample=True,
                description="示例内容：系统预置。每项发现问题即记为一处，可当场处理、转部门立案或报上级河长办；分值为本平台示例。")
            items = [ItemDraft(name=name, number=str(number), content=content, standard="发现一处扣该项全部分值",
                               max_score=Decimal(score), per_occurrence=Decimal(score),
                               category=categories.get(code))
                     for number, (name, content, code, score) in enumerate(PATROL_ITEMS, start=1)]
            version_fill(version=draft, sections=[SectionDraft(name="巡河检查", number="一", max_score=Decimal(100),
                                                               items=items)])
            version_publish(version=draft, note="示例内容（系统预置），请按本街道实际修改")
            created += 1
    return created
