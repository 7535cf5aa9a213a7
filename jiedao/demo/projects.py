"""The demo's project library: thirteen projects at every stage — done, on time, behind (a milestone
a few days late: 提醒 to the department; past the policy's days: 督办 to the leaders), planned —
along the demo's roads (lines) and over parts of its grids (polygons), with spending, progress
reports with photos, and the demo cases that led to them: checked cases the shift lead closes as
纳入项目库 (each at a moment after the case's last step, so the timelines stay in order) and
closed ones linked. Written through the services with the clock set to each day, as the office would."""

import io
import json
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw
from shapely import affinity
from shapely.geometry import mapping, shape

from jiedao import clock
from jiedao.addresses.models import Road
from jiedao.cases.models import Case, CaseState
from jiedao.projects import services
from jiedao.projects.escalation import milestones_overdue_sweep
from jiedao.projects.models import Project, ProjectCase, ProjectKind, ProjectStage
from jiedao.projects.seeds import project_kinds_seed
from jiedao.territory.models import Organisation

from .replay import CLIENT_KEY_PREFIX

DEMO_NOTE = "（演示数据）"
CLOSED_INTO = 3
LINKED = 4

# what is done (the name follows the road or the community it lies in), kind code, department code, shape ("line" on a road / "area" on a grid), budget (元),
# start (days from today), end (days from today), stage,
# milestones: (name, planned days from today, actual days from today or None)
PLANS = [
    ("路面修缮", "road_repair", "D03", "line", 860_000, -200, -40, ProjectStage.DONE,
     [("施工图设计", -170, -172), ("招标完成", -130, -131), ("路面铣刨重铺", -70, -72), ("竣工验收", -42, -41)]),
    ("拓宽改造", "road_widening", "D03", "line", 4_200_000, -150, 160, ProjectStage.BUILDING,
     [("征迁完成", -90, -84), ("管线迁改", -20, None), ("路基施工", 40, None), ("竣工验收", 150, None)]),
    ("标线标识更新", "markings", "D09", "line", 320_000, -90, -10, ProjectStage.DONE,
     [("方案审定", -80, -80), ("标线施划", -30, -31), ("交通标志安装", -15, -14)]),
    ("断头路打通", "dead_end_road", "D03", "line", 2_600_000, -60, 240, ProjectStage.BUILDING,
     [("立项批复", -50, -52), ("招标完成", 10, None), ("主体贯通", 180, None)]),
    ("供水管网改造", "water_supply", "D03", "line", 1_150_000, -100, 90, ProjectStage.BUILDING,
     [("勘察设计", -70, -69), ("主管铺设", -3, None), ("入户改造", 60, None)]),
    ("电力线路改造", "power_supply", "D03", "line", 980_000, -20, 200, ProjectStage.APPROVED,
     [("线路设计", 20, None), ("杆线迁移", 120, None)]),
    ("燃气管道进老旧小区", "gas_supply", "D04", "area", 1_500_000, 30, 300, ProjectStage.PLANNED,
     [("可研批复", 60, None), ("开工", 120, None)]),
    ("小学扩建", "school", "D04", "area", 12_000_000, -240, 200, ProjectStage.BUILDING,
     [("主体结构封顶", -60, -63), ("装修工程", 60, None), ("竣工交付", 190, None)]),
    ("卫生服务站新建", "health", "D04", "area", 2_300_000, -15, 330, ProjectStage.APPROVED,
     [("选址确定", 15, None), ("开工", 90, None)]),
    ("文体活动中心改造", "culture_sports", "D04", "area", 1_800_000, -300, -60, ProjectStage.DONE,
     [("设计完成", -260, -250), ("主体改造", -120, -100), ("验收开放", -62, -60)]),
    ("居家养老服务驿站", "elderly_care", "D04", "area", 900_000, -120, 30, ProjectStage.BUILDING,
     [("场地装修", -40, -38), ("设备进场", -14, None), ("开放运营", 25, None)]),
    ("滨河生态修复", "ecological_restoration", "D05", "area", 3_400_000, -180, 180, ProjectStage.BUILDING,
     [("清淤完成", -120, -121), ("驳岸生态化改造", -10, -11), ("水生植物种植", 90, None)]),
    ("背街小巷环境整治", "environment_remediation", "D01", "area", 650_000, -45, 75, ProjectStage.BUILDING,
     [("问题点位排查", -30, -30), ("立面与路面整治", 45, None)]),
]
REPORTS = ["完成现场踏勘，施工围挡已设置。", "主体施工按计划推进，现场文明施工检查合格。",
           "受连续降雨影响，工期有所滞后，已增加作业班组。", "已完成阶段性验收，正在整改验收意见。"]


def _photo(text_seed: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (640, 420), (140 + text_seed * 13 % 90, 150, 120 + text_seed * 7 % 100))
    draw = ImageDraw.Draw(image)
    for n in range(6):
        draw.rectangle([40 + n * 95, 260 - n * 20, 110 + n * 95, 380], fill=(90, 90 + n * 20, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"progress-{text_seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _shapes(territory) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """(place name, geometry): the demo's roads as lines, a third of each grid as an area."""
    lines = [(road.name, road.line) for road in Road.objects.exclude(line=None).order_by("name") if road.line]
    areas = []
    for grid in sorted((g for g in territory.grids.values() if g.boundary), key=lambda g: g.code):
        polygon = shape(grid.boundary)
        area = affinity.scale(polygon.convex_hull if polygon.geom_type != "Polygon" else polygon,
                              xfact=0.35, yfact=0.35, origin=polygon.representative_point())
        areas.append((grid.parent.name, json.loads(json.dumps(mapping(area)))))
    return lines, areas


def demo_projects_wipe() -> int:
    links = ProjectCase.objects.filter(case__client_key__startswith=CLIENT_KEY_PREFIX).delete()[0]
    return links + Project.objects.filter(description__endswith=DEMO_NOTE).delete()[0]


def demo_projects_seed(*, territory, people) -> str:
    if Project.objects.filter(description__endswith=DEMO_NOTE).exists():
        return "projects: already there, nothing to do"
    leader = people.by_username.get("leader")
    shift_lead = people.by_username.get("shift_lead")
    if leader is None:
        return "projects: no leader, nothing done"
    lines, areas = _shapes(territory)
    if not lines or not areas:
        return "projects: no roads or grids, nothing done"
    project_kinds_seed()
    kinds = {kind.code: kind for kind in ProjectKind.objects.all()}
    departments = {org.code: org for org in Organisation.objects.filter(code__in={plan[2] for plan in PLANS})}
    today = timezone.localdate(clock.now())
    made = []
    for number, (works, kind, department, form, budget, start, end, stage, milestones) in enumerate(PLANS):
        if kind not in kinds or department not in departments:
            continue
        place, geometry = lines[(number * 5) % len(lines)] if form == "line" else areas[(number * 7) % len(areas)]
        name = f"{place}{works}"
        start_on = today + timedelta(days=start)
        with clock.frozen(_at(min(start_on, today) - timedelta(days=10))):
            project = services.project_create(
                by=leader, name=name, kind_id=str(kinds[kind].pk), description=f"{name}，详见立项批复。{DEMO_NOTE}",
                geometry=json.dumps(geometry), department_id=str(departments[department].pk), budget=str(budget),
                start_on=start_on, end_on=today + timedelta(days=end), stage=ProjectStage.PLANNED,
                milestones=[(title, today + timedelta(days=planned)) for title, planned, _actual in milestones],
                today=today)
        staff = _department_admin(people, department) or leader
        for milestone, (_title, _planned, actual) in zip(project.milestones.order_by("planned_on", "pk"), milestones,
                                                         strict=True):
            if actual is not None:
                day = today + timedelta(days=actual)
                with clock.frozen(_at(day, 16)):
                    services.milestone_finish(by=staff, milestone_id=milestone.pk, actual_on=day, note="", today=day)
        if start < 0:
            days = max(1, min(-start, 300))
            share = 1.0 if stage == ProjectStage.DONE else 0.25 + (number % 4) * 0.12
            for part in range(3):
                day = start_on + timedelta(days=days * (part + 1) // 4)
                if day > today:
                    break
                amount = round(budget * share / 3, 2)
                with clock.frozen(_at(day, 11)):
                    services.spending_record(by=staff, project_id=project.pk, spent_on=day, amount=f"{amount:.2f}",
                                             note=("预付款", "进度款", "结算款")[part], today=day)
            for part in range(2):
                day = start_on + timedelta(days=days * (part + 1) // 3)
                if day > today:
                    break
                with clock.frozen(_at(day, 15)):
                    services.progress_report(by=staff, project_id=project.pk, reported_on=day,
                                             percent=str(min(100, 30 * (part + 1) + number % 3 * 10)),
                                             text=REPORTS[(number + part) % len(REPORTS)],
                                             photos=[_photo(number * 2 + part)], today=day)
        if stage != ProjectStage.PLANNED:
            services.project_stage_change(by=leader, project_id=project.pk, stage=stage)
        made.append(project)
    closed = _close_checked_cases_into(made, shift_lead=shift_lead)
    linked = _link_closed_cases(made, leader=leader)
    sweep = milestones_overdue_sweep(today=today)
    return (f"projects: {len(made)} made, {closed} checked cases closed as 纳入项目库, {linked} closed cases linked, "
            f"{sweep.escalations} milestone escalations ({sweep.notifications} messages)")


def _department_admin(people, code: str):
    from .territory import DEPARTMENT_SLUGS

    slug = DEPARTMENT_SLUGS.get(code, ("", 0))[0]
    return people.by_username.get(f"{slug}_admin")


def _close_checked_cases_into(projects: list[Project], *, shift_lead) -> int:
    """The shift lead closes checked demo cases whose lasting fix is a project (纳入项目库), each a
    little after the case's last step and never after now."""
    if shift_lead is None or not projects:
        return 0
    target = next((p for p in projects if p.kind.code == "environment_remediation"), projects[0])
    now = clock.now()
    closed = 0
    checked = (Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX, state=CaseState.CHECKED)
               .annotate(last=Max("events__at")).order_by("last"))
    for case in checked[:CLOSED_INTO]:
        at = min(case.last + timedelta(minutes=40), now)
        if at <= case.last:
            continue
        with clock.frozen(at):
            services.project_case_close_into(by=shift_lead, project_id=target.pk, case_number=case.number,
                                             reason="临时处置已完成，根治须实施背街小巷整治项目")
        closed += 1
    return closed


def _link_closed_cases(projects: list[Project], *, leader) -> int:
    """Closed demo cases in a project's community named as ones that led to it (no case is touched)."""
    linked = 0
    for project in projects:
        if linked >= LINKED:
            break
        case = (Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX, state=CaseState.CLOSED,
                                    territory_path__startswith=project.community.path, project_link__isnull=True)
                .order_by("-closed_at").first())
        if case is None:
            continue
        services.project_case_link(by=leader, project_id=project.pk, case_number=case.number)
        linked += 1
    return linked
