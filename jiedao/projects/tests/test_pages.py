"""The pages through the test client: who opens what, forms refusing bad input with nothing written."""

import json
from datetime import date, timedelta

import pytest

from jiedao.conftest import make_upload, report, walk_to
from jiedao.projects.models import Milestone, ProgressPhoto, ProjectCase, Spending

from .test_projects import LINE_IN_TAOYUAN, TODAY, new_project


@pytest.fixture
def project(world, clock):
    return new_project(world, milestones=[("设计完成", TODAY - timedelta(days=5)), ("竣工", date(2027, 6, 1))])


@pytest.mark.parametrize(("who", "status"), [("leader", 200), ("area_leader", 200), ("secretary", 200),
                                             ("handler", 200), ("shift_lead", 200), ("other_secretary", 404),
                                             ("other_handler", 404), ("grid_worker", 404), ("intake_clerk", 404)])
def test_who_opens_the_project_page(world, project, client, who, status):
    client.force_login(getattr(world.people, who))
    assert client.get(f"/projects/{project.pk}/").status_code == status
    listed = client.get("/projects/")
    if status == 200:
        assert f'data-project="{project.pk}"' in listed.content.decode()
    else:
        assert listed.status_code == 404 or f'data-project="{project.pk}"' not in listed.content.decode()


def test_anonymous_is_sent_to_sign_in(db, client):
    assert client.get("/projects/").status_code == 302


def test_the_list_filters_late_projects(world, project, client):
    new_project(world, name="柳岸供水管网", milestones=[("开工", date(2027, 1, 5))])
    client.force_login(world.people.leader)
    late = client.get("/projects/?state=late").content.decode()
    on_time = client.get("/projects/?state=on_time").content.decode()
    assert "桃源路拓宽" in late and "柳岸供水管网" not in late
    assert "柳岸供水管网" in on_time and "桃源路拓宽" not in on_time


def test_the_overview_counts(world, project, client):
    client.force_login(world.people.leader)
    page = client.get("/projects/overview/")
    assert page.status_code == 200
    assert page.context["summary"].late_milestones == 1
    assert page.context["summary"].standing_counts == {"on_time": 0, "late": 1, "done": 0}
    assert [line.projects for line in page.context["units"]] == [1]


def test_a_bad_spending_shows_the_page_again_and_writes_nothing(world, project, client):
    client.force_login(world.people.department_admin)
    page = client.post(f"/projects/{project.pk}/spending/", {"spent_on": TODAY.isoformat(), "amount": "-100"})
    assert page.status_code == 400
    assert "金额不能为负数" in page.content.decode()
    assert Spending.objects.count() == 0
    done = client.post(f"/projects/{project.pk}/spending/", {"spent_on": TODAY.isoformat(), "amount": "30000.50",
                                                              "note": "设计费"})
    assert done.status_code == 302
    assert Spending.objects.get().amount == 30000.50


def test_a_milestone_before_the_start_is_refused_on_the_page(world, project, client):
    client.force_login(world.people.leader)
    page = client.post(f"/projects/{project.pk}/milestones/", {"name": "招标", "planned_on": "2026-08-01"})
    assert page.status_code == 400
    assert "不能早于项目开工日期" in page.content.decode()
    assert Milestone.objects.count() == 2


def test_a_handler_may_not_add_milestones(world, project, client):
    client.force_login(world.people.handler)
    page = client.post(f"/projects/{project.pk}/milestones/", {"name": "招标", "planned_on": "2026-10-01"})
    assert page.status_code == 400
    assert Milestone.objects.count() == 2


def test_progress_photos_are_served_to_readers_only(world, project, client):
    client.force_login(world.people.handler)
    done = client.post(f"/projects/{project.pk}/reports/", {"reported_on": TODAY.isoformat(), "percent": "40",
                                                             "text": "管线迁改完成", "photos": [make_upload()]})
    assert done.status_code == 302
    photo = ProgressPhoto.objects.get()
    assert client.get(f"/projects/photos/{photo.pk}/thumb/").status_code == 200
    client.force_login(world.people.other_handler)
    assert client.get(f"/projects/photos/{photo.pk}/thumb/").status_code == 404


def test_the_shift_lead_closes_a_case_into_the_project_from_its_page(world, project, client):
    case = walk_to(world, report(world), "checked")
    client.force_login(world.people.shift_lead)
    done = client.post(f"/projects/{project.pk}/cases/close/", {"case": case.number, "reason": "须拓宽道路"})
    assert done.status_code == 302
    assert ProjectCase.objects.get().closed_into is True
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert case.number in page and "结案纳入项目库" in page


def test_the_project_page_counts_cases_out_of_reach(world, project, client):
    case = walk_to(world, report(world), "handling")
    client.force_login(world.people.leader)
    client.post(f"/projects/{project.pk}/cases/link/", {"case": case.number})
    client.force_login(world.people.handler)  # 环卫所 handles the case: sees it
    assert case.number in client.get(f"/projects/{project.pk}/").content.decode()


def test_creating_a_project_from_the_form(world, clock, client):
    from jiedao.projects.models import Project, ProjectKind

    client.force_login(world.people.leader)
    form = {"name": "桃源路标线", "kind": ProjectKind.objects.get(code="markings").pk, "stage": "approved",
            "department": world.cleaning.pk, "budget": "80000", "start_on": "2026-11-01", "end_on": "2026-12-31",
            "geometry": json.dumps(LINE_IN_TAOYUAN), "milestone_name": ["施划", ""],
            "milestone_planned_on": ["2026-10-01", ""]}
    refused = client.post("/projects/new/", form)
    assert refused.status_code == 400 and Project.objects.count() == 0
    assert "里程碑计划日期（2026-10-01）不能早于项目开工日期（2026-11-01）" in refused.content.decode()
    form["milestone_planned_on"] = ["2026-12-01", ""]
    assert client.post("/projects/new/", form).status_code == 302
    assert Project.objects.get().milestones.get().name == "施划"
