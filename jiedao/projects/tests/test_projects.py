"""The project library: a case closed into a project, the milestone and money rules, the ladder."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiedao.cases.models import CaseEvent, CaseState, ClosureType
from jiedao.conftest import ORIGIN_LAT, ORIGIN_LON, make_upload, report, walk_to
from jiedao.projects import services
from jiedao.projects.escalation import milestones_overdue_sweep
from jiedao.projects.models import (
    Milestone,
    MilestoneEscalation,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectCase,
    ProjectKind,
    ProjectPolicy,
    Spending,
)
from jiedao.supervision.models import Notification

TODAY = date(2026, 11, 17)  # the conftest clock's Tuesday
LINE_IN_TAOYUAN = {"type": "LineString", "coordinates": [[ORIGIN_LON + 0.002, ORIGIN_LAT + 0.005],
                                                         [ORIGIN_LON + 0.008, ORIGIN_LAT + 0.005]]}


def new_project(world, by=None, **changes):
    params = dict(by=by or world.people.leader, name="桃源路拓宽", kind_id=str(ProjectKind.objects.get(code="road_widening").pk),
                  description="拓宽至双向四车道", geometry=json.dumps(LINE_IN_TAOYUAN),
                  department_id=str(world.cleaning.pk), budget="1200000.00", start_on=date(2026, 9, 1),
                  end_on=date(2027, 6, 30), milestones=[("设计完成", date(2026, 10, 15))], today=TODAY)
    params.update(changes)
    return services.project_create(**params)


def test_kinds_are_seeded_rows(db):
    names = set(ProjectKind.objects.values_list("name", flat=True))
    assert {"道路修缮", "道路拓宽", "标线标识", "断头路打通", "供水", "供电", "供气", "学校", "卫生", "文体",
            "养老", "生态修复"} <= names


def test_a_project_is_located_in_its_community(world, clock):
    project = new_project(world)
    assert project.community_id == world.taoyuan.pk
    assert project.territory_path == world.grids[0].path
    assert project.budget == Decimal("1200000.00")
    assert list(project.milestones.values_list("name", "planned_on")) == [("设计完成", date(2026, 10, 15))]


# ---------------------------------------------------------------- a case closed as 纳入项目库

def test_a_checked_case_closes_into_the_project(world, clock):
    project = new_project(world)
    case = walk_to(world, report(world), "checked")
    link = services.project_case_close_into(by=world.people.shift_lead, project_id=project.pk,
                                            case_number=case.number, reason="需拓宽道路方能根治")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.closure_type == ClosureType.SPECIAL
    assert link.closed_into is True and link.project_id == project.pk and link.case_id == case.pk
    event = CaseEvent.objects.get(case=case, action="close")
    assert event.data == {"closure_type": "special", "project": project.pk, "project_name": "桃源路拓宽"}
    assert event.opinion == "纳入项目库“桃源路拓宽”：需拓宽道路方能根治"


def test_a_case_in_handling_is_refused_and_nothing_written(world, clock):
    project = new_project(world)
    case = walk_to(world, report(world), "handling")
    with pytest.raises(ValidationError) as refused:
        services.project_case_close_into(by=world.people.shift_lead, project_id=project.pk,
                                         case_number=case.number, reason="需拓宽")
    assert "不能“结案”" in refused.value.message_dict["case"][0]
    case.refresh_from_db()
    assert case.state == CaseState.HANDLING
    assert ProjectCase.objects.count() == 0


def test_a_leader_cannot_close_the_case_and_nothing_is_written(world, clock):
    project = new_project(world)
    case = walk_to(world, report(world), "checked")
    with pytest.raises(ValidationError) as refused:
        services.project_case_close_into(by=world.people.leader, project_id=project.pk, case_number=case.number,
                                         reason="需拓宽")
    assert refused.value.message_dict["case"] == ["您无权对该案件执行“结案”"]
    case.refresh_from_db()
    assert case.state == CaseState.CHECKED and ProjectCase.objects.count() == 0


def test_a_case_the_person_may_not_see_is_answered_as_missing(world, clock):
    project = new_project(world)
    case = walk_to(world, report(world, column=2, by=world.people.other_grid_worker), "handling")
    with pytest.raises(ValidationError) as refused:
        services.project_case_link(by=world.people.secretary, project_id=project.pk, case_number=case.number)
    # the secretary of 桃源 is no manager: the project refuses first; a leader of another scope
    assert refused.value.message_dict == {"form": ["您无权为该项目关联案件"]}
    with pytest.raises(ValidationError) as refused:
        services.project_case_close_into(by=world.people.handler, project_id=project.pk, case_number="2026-999999",
                                         reason="x")
    assert refused.value.message_dict == {"case": ["没有编号为“2026-999999”的案件"]}
    assert ProjectCase.objects.count() == 0


def test_a_case_links_to_one_project_only(world, clock):
    first, second = new_project(world), new_project(world, name="桃源路修缮")
    case = walk_to(world, report(world), "handling")
    services.project_case_link(by=world.people.leader, project_id=first.pk, case_number=case.number)
    with pytest.raises(ValidationError) as refused:
        services.project_case_link(by=world.people.leader, project_id=second.pk, case_number=case.number)
    assert refused.value.message_dict["case"] == [f"案件 {case.number} 已关联项目“桃源路拓宽”"]


# ---------------------------------------------------------------- milestones, money, photos

def test_a_milestone_before_the_start_is_refused_and_no_project_written(world, clock):
    with pytest.raises(ValidationError) as refused:
        new_project(world, milestones=[("设计完成", date(2026, 8, 31))])
    assert refused.value.message_dict["milestone_0"] == ["里程碑计划日期（2026-08-31）不能早于项目开工日期（2026-09-01）"]
    assert Project.objects.count() == 0 and Milestone.objects.count() == 0


def test_a_milestone_added_before_the_start_is_refused(world, clock):
    project = new_project(world)
    with pytest.raises(ValidationError):
        services.milestone_add(by=world.people.leader, project_id=project.pk, name="招标", planned_on=date(2026, 1, 1))
    added = services.milestone_add(by=world.people.leader, project_id=project.pk, name="招标",
                                   planned_on=date(2026, 9, 1))
    assert added.planned_on == date(2026, 9, 1)
    assert project.milestones.count() == 2


def test_an_actual_date_in_the_future_is_refused(world, clock):
    project = new_project(world)
    milestone = project.milestones.get()
    with pytest.raises(ValidationError) as refused:
        services.milestone_finish(by=world.people.handler, milestone_id=milestone.pk, actual_on=TODAY + timedelta(days=1),
                                  note="", today=TODAY)
    assert refused.value.message_dict == {"actual_on": ["实际完成日期不能晚于今天"]}
    milestone.refresh_from_db()
    assert milestone.actual_on is None
    services.milestone_finish(by=world.people.handler, milestone_id=milestone.pk, actual_on=TODAY, note="",
                              today=TODAY)
    milestone.refresh_from_db()
    assert milestone.actual_on == TODAY


def test_the_end_before_the_start_is_refused(world, clock):
    with pytest.raises(ValidationError) as refused:
        new_project(world, end_on=date(2026, 8, 1))
    assert refused.value.message_dict["end_on"] == ["计划完工日期不能早于开工日期"]


@pytest.mark.parametrize(("amount", "message"), [("-5", "金额不能为负数"), ("0", "金额须大于零"),
                                                 ("abc", "请输入数字"), ("1.005", "金额最多两位小数"),
                                                 ("NaN", "请输入数字")])
def test_bad_spending_is_refused(world, clock, amount, message):
    project = new_project(world)
    with pytest.raises(ValidationError) as refused:
        services.spending_record(by=world.people.department_admin, project_id=project.pk, spent_on=TODAY,
                                 amount=amount, note="", today=TODAY)
    assert refused.value.message_dict == {"amount": [message]}
    assert Spending.objects.count() == 0


def test_a_handler_may_not_record_spending(world, clock):
    project = new_project(world)
    with pytest.raises(ValidationError) as refused:
        services.spending_record(by=world.people.handler, project_id=project.pk, spent_on=TODAY, amount="10",
                                 note="", today=TODAY)
    assert refused.value.message_dict == {"form": ["您无权录入该项目的资金投入"]}


def test_another_department_does_not_see_the_project(world, clock):
    project = new_project(world)
    with pytest.raises(ValidationError) as refused:
        services.spending_record(by=world.people.other_handler, project_id=project.pk, spent_on=TODAY, amount="10",
                                 note="", today=TODAY)
    assert refused.value.message_dict == {"project": ["没有这个项目"]}


def test_a_progress_report_with_a_bad_photo_writes_nothing(world, clock):
    project = new_project(world)
    with pytest.raises(ValidationError) as refused:
        services.progress_report(by=world.people.handler, project_id=project.pk, reported_on=TODAY, percent="30",
                                 text="路基完成", photos=[make_upload(), make_upload("x.jpg", b"not a photo")],
                                 today=TODAY)
    assert "不是可识别的照片" in refused.value.message_dict["photos"][0]
    assert ProgressReport.objects.count() == 0 and ProgressPhoto.objects.count() == 0
    report_ = services.progress_report(by=world.people.handler, project_id=project.pk, reported_on=TODAY,
                                       percent="30", text="路基完成", photos=[make_upload()], today=TODAY)
    assert report_.photos.count() == 1 and report_.percent == 30


# ---------------------------------------------------------------- overdue milestones on the ladder

def test_overdue_milestones_go_up_the_ladder_once(world, clock):
    ProjectPolicy.objects.update_or_create(pk=1, defaults={"department_after_days": 1, "leader_after_days": 7})
    project = new_project(world, milestones=[("设计完成", TODAY - timedelta(days=3)),
                                             ("招标完成", TODAY - timedelta(days=10)),
                                             ("开工", TODAY)])
    first = milestones_overdue_sweep(today=TODAY)
    # 设计完成 3 days late: 提醒 to 环卫所's two staff; 招标完成 10 days late: 提醒 and 督办 to the
    # leader and the area leader over 桃源; 开工 is due today, not overdue
    assert first.escalations == 3
    assert first.notifications == 2 + 2 + 2
    assert sorted(MilestoneEscalation.objects.values_list("milestone__name", "step", "days_late")) == [
        ("招标完成", "remind", 10), ("招标完成", "supervise", 10), ("设计完成", "remind", 3)]
    leader_note = Notification.objects.get(recipient=world.people.leader)
    assert leader_note.title == "督办：项目“桃源路拓宽”的里程碑“招标完成”已逾期 10 天"
    again = milestones_overdue_sweep(today=TODAY)
    assert (again.escalations, again.notifications) == (0, 0)
    assert project.milestones.count() == 3
    # four days on: 设计完成 is 7 days late (督办 to the two leaders), 开工 4 days (提醒 to the two staff)
    later = milestones_overdue_sweep(today=TODAY + timedelta(days=4))
    assert (later.escalations, later.notifications) == (2, 4)


def test_a_finished_milestone_is_not_escalated(world, clock):
    project = new_project(world, milestones=[("设计完成", TODAY - timedelta(days=30))])
    services.milestone_finish(by=world.people.leader, milestone_id=project.milestones.get().pk,
                              actual_on=TODAY - timedelta(days=2), note="", today=TODAY)
    assert milestones_overdue_sweep(today=TODAY).escalations == 0


@pytest.mark.parametrize("percent", ["²", "101", "-1", "9" * 25, "abc"])
def test_a_bad_progress_percent_is_refused(world, clock, percent):
    project = new_project(world)
    with pytest.raises(ValidationError) as refused:
        services.progress_report(by=world.people.handler, project_id=project.pk, reported_on=TODAY, percent=percent,
                                 text="路基完成", today=TODAY)
    assert refused.value.message_dict == {"percent": ["形象进度应为 0 到 100 的整数"]}


@pytest.mark.parametrize("hostile", ["9" * 25, "-1", "²", "abc", ""])
def test_hostile_ids_are_answered_as_missing(world, clock, hostile):
    with pytest.raises(ValidationError) as refused:
        services.spending_record(by=world.people.leader, project_id=hostile, spent_on=TODAY, amount="1", note="",
                                 today=TODAY)
    assert refused.value.message_dict == {"project": ["没有这个项目"]}
    with pytest.raises(ValidationError):
        services.milestone_finish(by=world.people.leader, milestone_id=hostile, actual_on=TODAY, note="", today=TODAY)
