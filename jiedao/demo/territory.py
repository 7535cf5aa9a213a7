"""Seeding the demo's places and people. Idempotent: rows are matched by code or username and only
written when something differs, so a second run writes nothing."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiedao.territory.models import Duty, GridClass, Organisation, OrganisationKind, Role, Unit, UnitLevel
from jiedao.territory.services import grid_classes_seed_default

from . import geography

DEMO_PASSWORD = "Jiedao@2026"


@dataclass
class DemoTerritory:
    district: Unit
    subdistrict: Unit
    areas: dict[str, Unit]
    communities: dict[str, Unit]
    grids: dict[str, Unit]  # by code, in code order


def _unit_upsert(*, code: str, level: str, name: str, parent: Unit | None, boundary: dict | None = None,
                 grid_class: GridClass | None = None) -> tuple[Unit, bool]:
    """Create or correct one unit; True when a row was written."""
    wanted = {"level": level, "name": name, "parent": parent, "boundary": boundary, "grid_class": grid_class,
              "is_active": True}
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return Unit.objects.create(code=code, **wanted), True
    changed = []
    for name, value in wanted.items():
        if name == "parent":
            differs = unit.parent_id != (value.pk if value else None)
        else:
            differs = getattr(unit, name) != value
        if differs:
            changed.append(name)
    if changed:
        for name in changed:
            setattr(unit, name, wanted[name])
        unit.save()
    return unit, bool(changed)


@transaction.atomic
def demo_territory_seed() -> tuple[DemoTerritory, int]:
    """清江区 → 青溪街道 → 3 片区 → 6 社区（村） → 45 网格; returns the units and how many rows were written."""
    plans = geography.grids()
    grid_polygons = [plan.polygon for plan in plans]
    written = 0

    def upsert(**fields) -> Unit:
        nonlocal written
        unit, was_written = _unit_upsert(**fields)
        written += was_written
        return unit

    district = upsert(code=geography.DISTRICT_CODE, level=UnitLevel.DISTRICT, name=geography.DISTRICT_NAME,
                      parent=None)
    subdistrict = upsert(code=geography.SUBDISTRICT_CODE, level=UnitLevel.SUBDISTRICT,
                         name=geography.SUBDISTRICT_NAME, parent=district,
                         boundary=geography.geojson(geography.union_of(grid_polygons)))
    areas = {}
    for area in geography.AREAS:
        members = {c.code for c in geography.COMMUNITIES if c.area_code == area.code}
        polygons = [plan.polygon for plan in plans if plan.community_code in members]
        areas[area.code] = upsert(code=area.code, level=UnitLevel.AREA, name=area.name, parent=subdistrict,
                                  boundary=geography.geojson(geography.union_of(polygons)))
    communities = {}
    for community in geography.COMMUNITIES:
        polygons = [plan.polygon for plan in plans if plan.community_code == community.code]
        communities[community.code] = upsert(
            code=community.code, level=UnitLevel.COMMUNITY, name=community.name, parent=areas[community.area_code],
            boundary=geography.geojson(geography.union_of(polygons)))
    grids = {}
    classes = grid_classes_seed_default()
    for plan in plans:
        grids[plan.code] = upsert(
            code=plan.code, level=UnitLevel.GRID, name=plan.name, parent=communities[plan.community_code],
            boundary=geography.geojson(plan.polygon),
            # The dense 社区 core is 一类, the villages 二类 (deadlines and region scores differ).
            grid_class=classes["2"] if plan.is_village else classes["1"])
    territory = DemoTerritory(district=district, subdistrict=subdistrict, areas=areas, communities=communities,
                              grids=grids)
    return territory, written


# ---------------------------------------------------------------- people

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
GIVEN_NAMES = (
    "建国", "志强", "秀英", "海燕", "明辉", "晓峰", "丽娟", "国华", "春梅", "文博",
    "雪梅", "永康", "佳怡", "子涵", "宏伟", "桂兰", "立新", "思远", "雨桐", "俊杰",
    "红霞", "振华", "静怡", "德胜", "玉兰", "浩然", "婷婷", "家乐", "晨曦", "卫东",
    "淑芬", "天宇", "美玲", "正阳", "慧敏", "光明", "秋菊", "嘉豪", "冬梅", "学军",
    "晓燕", "鹏飞", "金凤", "宇航", "凤英", "少华", "欣怡", "长青", "翠萍", "一鸣",
)

# Department codes of territory/data/departments.csv → the memorable part of their usernames,
# and how many handlers each gets (the busy ones get more).
DEPARTMENT_SLUGS = {
    "D01": ("chengguan", 2), "D02": ("huanwei", 3), "D03": ("shizheng", 2), "D04": ("guihua", 1),
    "D05": ("shengtai", 1), "D06": ("hezhang", 1), "D07": ("nongye", 1), "D08": ("shichang", 1),
    "D09": ("jiaojing", 1), "D10": ("yuanlin", 2), "D11": ("yingji", 1), "D12": ("paichusuo", 1),
}
COMMUNITY_SLUGS = {
    "桃源社区": "taoyuan", "柳岸社区": "liuan", "南湖社区": "nanhu", "望江社区": "wangjiang",
    "石桥村": "shiqiao", "梅园村": "meiyuan",
}
AREA_SLUGS = {"东片": "east", "西片": "west", "北片": "north"}
GRIDS_PER_WORKER = 4
# The demo's cleaning contractor (作业公司): code and name.
DEMO_CONTRACTOR = ("C01", "青溪环境服务有限公司")


@dataclass(frozen=True)
class PersonPlan:
    username: str
    role: str
    title: str  # what the README calls them, e.g. 街道书记
    units: tuple[str, ...] = ()  # unit codes of the duties (territorial roles)
    organisation: str = ""  # organisation code (department roles)
    is_superuser: bool = False


@dataclass
class DemoPeople:
    by_username: dict = field(default_factory=dict)
    intake_clerk: object = None
    shift_lead: object = None
    dispatcher: object = None
    grid_worker_of: dict = field(default_factory=dict)  # grid code → user
    inspector_of: dict = field(default_factory=dict)  # grid code → user
    handlers_of: dict = field(default_factory=dict)  # organisation id → [users]


def _worker_groups(grid_codes: list[str]) -> list[list[str]]:
    """Split a community's grids (in code order, so neighbours) into runs of about four."""
    count = max(1, round(len(grid_codes) / GRIDS_PER_WORKER))
    size, extra = divmod(len(grid_codes), count)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        groups.append(grid_codes[start:end])
        start = end
    return groups


def people_plan(territory: DemoTerritory, departments: list[Organisation]) -> list[PersonPlan]:
    sub = territory.subdistrict.code
    plans = [
        PersonPlan("admin", Role.SYSTEM_ADMIN, "系统管理员（超级用户）", (sub,), is_superuser=True),
        PersonPlan("leader", Role.LEADER, "街道书记", (sub,)),
    ]
    for area in territory.areas.values():
        plans.append(PersonPlan(f"area_{AREA_SLUGS.get(area.name, area.code[-3:].lower())}", Role.AREA_LEADER,
                                f"包片领导（{area.name}）", (area.code,)))
    for community in territory.communities.values():
        slug = COMMUNITY_SLUGS.get(community.name, community.code[-3:])
        title = "村书记" if community.name.endswith("村") else "社区书记"
        plans.append(PersonPlan(f"sec_{slug}", Role.FIRST_RESPONSIBLE, f"{title}（{community.name}）",
                                (community.code,)))
    for community in territory.communities.values():
        slug = COMMUNITY_SLUGS.get(community.name, community.code[-3:])
        codes = [code for code in territory.grids if code.startswith(community.code)]
        for number, group in enumerate(_worker_groups(codes), start=1):
            first, last = int(group[0][-3:]), int(group[-1][-3:])
            plans.append(PersonPlan(f"gw_{slug}_{number}", Role.GRID_WORKER,
                                    f"网格员（{community.name}第{first}–{last}网格）", tuple(group)))
    # One 监督员 per 片区, on every grid of it: the most specific duty, so the loop assigns them
    # to verify and check (cases/services.py default_inspector).
    for area in territory.areas.values():
        codes = [code for code, grid in territory.grids.items() if grid.path.startswith(area.path)]
        plans.append(PersonPlan(f"inspector_{AREA_SLUGS.get(area.name, area.code[-3:].lower())}", Role.INSPECTOR,
                                f"监督员（{area.name}全部网格）", tuple(codes)))
    plans += [
        PersonPlan("intake_clerk", Role.INTAKE_CLERK, "受理员（监督中心）", (sub,)),
        PersonPlan("shift_lead", Role.SHIFT_LEAD, "值班长（监督中心）", (sub,)),
        PersonPlan("dispatcher", Role.DISPATCHER, "派遣员（指挥中心）", (sub,)),
    ]
    for department in departments:
        slug, handlers = DEPARTMENT_SLUGS.get(department.code, (department.code.lower(), 1))
        plans.append(PersonPlan(f"{slug}_admin", Role.DEPARTMENT_ADMIN, f"部门管理员（{department.name}）",
                                organisation=department.code))
        for number in range(1, handlers + 1):
            plans.append(PersonPlan(f"{slug}_{number}", Role.DEPARTMENT_HANDLER, f"处置人员（{department.name}）",
                                    organisation=department.code))
    # Last, so that everyone above keeps their name and phone number.
    plans.append(PersonPlan("auditor", Role.AUDITOR, "安全审计员", (sub,)))
    plans.append(PersonPlan("supervisor", Role.SUPERVISOR, "督查员（区督查室）", (sub,)))
    # 河长制 (issue 12): the sub-district's 河长办 and 乡级河长, a 村级河长 with an assistant, a
    # 巡河员 and a 保洁员 in each village the river crosses; a cleaning contractor's staff.
    villages = [c for c in territory.communities.values() if c.name.endswith("村")]
    plans.append(PersonPlan("river_office", Role.RIVER_OFFICE, "河长办（街道）", (sub,)))
    plans.append(PersonPlan("hz_town", Role.RIVER_CHIEF, "乡级河长（街道）", (sub,)))
    for community in villages:
        slug = COMMUNITY_SLUGS.get(community.name, community.code[-3:])
        plans.append(PersonPlan(f"hz_{slug}", Role.RIVER_CHIEF, f"村级河长（{community.name}）", (community.code,)))
        plans.append(PersonPlan(f"hzzl_{slug}", Role.RIVER_ASSISTANT, f"河长助理（{community.name}）",
                                (community.code,)))
        plans.append(PersonPlan(f"xhy_{slug}", Role.RIVER_PATROLLER, f"巡河员（{community.name}）", (community.code,)))
        plans.append(PersonPlan(f"bjy_{slug}", Role.CLEANER, f"保洁员（{community.name}）", (community.code,)))
    plans.append(PersonPlan("contractor_1", Role.CONTRACTOR_STAFF, f"作业单位人员（{DEMO_CONTRACTOR[1]}）",
                            organisation=DEMO_CONTRACTOR[0]))
    return plans


def demo_departments() -> list[Organisation]:
    """The seeded departments and agencies the demo staffs, in code order."""
    return list(Organisation.objects.filter(code__in=DEPARTMENT_SLUGS, is_active=True,
                                            kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY])
                .order_by("code"))


def _names(count: int) -> list[str]:
    """Distinct fictional names, the same ones on every run."""
    names: list[str] = []
    index = 0
    while len(names) < count:
        name = SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN_NAMES[(index * 11) % len(GIVEN_NAMES)]
        if name not in names:
            names.append(name)
        index += 1
    return names


@transaction.atomic
def demo_people_seed(*, territory: DemoTerritory) -> tuple[DemoPeople, list[tuple[PersonPlan, object]], int]:
    """One sign-in per role (password "Jiedao@2026", set only when the user is created)."""
    user_model = get_user_model()
    departments = demo_departments()
    organisations = {department.code: department for department in departments}
    contractor, _created = Organisation.objects.get_or_create(
        code=DEMO_CONTRACTOR[0], defaults={"name": DEMO_CONTRACTOR[1], "kind": OrganisationKind.CONTRACTOR})
    organisations[contractor.code] = contractor
    units = {unit.code: unit for unit in [territory.district, territory.subdistrict, *territory.areas.values(),
                                          *territory.communities.values(), *territory.grids.values()]}
    plans = people_plan(territory, departments)
    names = _names(len(plans))
    # One hash for all: hashing is deliberately slow (about 0.3 s each), and these are public
    # demo passwords anyway.
    password_hash = make_password(DEMO_PASSWORD)
    written = 0
    people = DemoPeople()
    roster = []
    for number, (plan, name) in enumerate(zip(plans, names, strict=True), start=1):
        wanted = {"full_name": name, "phone": f"1380000{number:04d}", "is_superuser": plan.is_superuser,
                  "is_staff": plan.is_superuser, "is_active": True}
        user = user_model.objects.filter(username=plan.username).first()
        if user is None:
            user = user_model.objects.create(username=plan.username, password=password_hash, **wanted)
            written += 1
        elif any(getattr(user, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(user, key, value)
            user.save(update_fields=list(wanted))
            written += 1
        scopes = ([{"unit": units[code], "organisation": None} for code in plan.units] if plan.units
                  else [{"unit": None, "organisation": organisations[plan.organisation]}])
        for scope in scopes:
            _duty, created = Duty.objects.get_or_create(user=user, role=plan.role, **scope)
            written += created
        people.by_username[plan.username] = user
        roster.append((plan, user))
        if plan.role == Role.GRID_WORKER:
            people.grid_worker_of.update(dict.fromkeys(plan.units, user))
        elif plan.role == Role.INSPECTOR:
            people.inspector_of.update(dict.fromkeys(plan.units, user))
        elif plan.role == Role.DEPARTMENT_HANDLER:
            people.handlers_of.setdefault(organisations[plan.organisation].pk, []).append(user)
    people.intake_clerk = people.by_username["intake_clerk"]
    people.shift_lead = people.by_username["shift_lead"]
    people.dispatcher = people.by_username["dispatcher"]
    return people, roster, written
