"""The pages through HTTP, and who reads and enters what."""

from datetime import date

import pytest

from jiedao.soil import services
from jiedao.soil.models import SampleValue, SoilSample


def sign_in(client, user):
    client.force_login(user)
    return client


def seed_sample(world):
    services.sample_record(by=world.people.system_admin, point_code="TR-01", sampled_on=date(2026, 11, 1),
                           sampled_by="区监测站", ph="6.0", today=date(2026, 11, 17),
                           values=[services.MeasuredValue("Cd", "0.45", "mg/kg")])


@pytest.mark.parametrize(("person", "status"), [
    ("system_admin", 200), ("leader", 200), ("area_leader", 200), ("secretary", 200),
    ("grid_worker", 403), ("handler", 403), ("dispatcher", 403),
])
def test_the_list_by_role(client, soil, person, status):
    assert sign_in(client, getattr(soil.people, person)).get("/soil/").status_code == status


def test_anonymous_is_sent_to_sign_in(client, soil):
    assert client.get("/soil/").status_code == 302


def test_the_list_shows_the_latest_assessment_within_reach(client, soil):
    seed_sample(soil)
    page = sign_in(client, soil.people.secretary).get("/soil/").content.decode()
    assert "TR-01" in page and "超过筛选值" in page
    assert "LA-01" not in page  # 柳岸社区, not the 桃源 secretary's


@pytest.mark.parametrize(("person", "point", "status"), [
    ("secretary", "farm", 200), ("secretary", "site", 404), ("other_secretary", "farm", 404),
    ("other_secretary", "site", 200), ("leader", "site", 200), ("grid_worker", "farm", 403),
])
def test_a_points_page_per_object(client, soil, person, point, status):
    point = getattr(soil, point)
    assert sign_in(client, getattr(soil.people, person)).get(f"/soil/points/{point.pk}/").status_code == status


def test_a_points_page_shows_values_against_limits(client, soil):
    seed_sample(soil)
    page = sign_in(client, soil.people.leader).get(f"/soil/points/{soil.farm.pk}/").content.decode()
    assert "0.45" in page and "超过筛选值" in page and "pH 6.00" in page


FORM = {"point": "TR-01", "sampled_on": "2026-11-01", "sampled_by": "区监测站", "ph": "6.0",
        "value_Cd": "0.45", "unit_Cd": "mg/kg"}


def test_the_form_records_a_sample(client, soil):
    response = sign_in(client, soil.people.system_admin).post("/soil/samples/new/", FORM)
    assert response.status_code == 302
    assert SampleValue.objects.get().level == "above_screening"


@pytest.mark.parametrize(("change", "message"), [
    ({"value_Cd": "-1"}, "测定值不能为负数"),
    ({"unit_Cd": "mg/L"}, "未知的单位"),
    ({"point": "XX-99"}, "未知的监测点位"),
    ({"ph": "15"}, "pH 应在 0 到 14 之间"),
])
def test_the_form_refuses_bad_input_with_400_and_writes_nothing(client, soil, change, message):
    response = sign_in(client, soil.people.system_admin).post("/soil/samples/new/", {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="区监测站"' in response.content.decode()  # the form as sent
    assert SoilSample.objects.count() == 0


def test_the_refusal_is_translated(client, soil):
    client = sign_in(client, soil.people.system_admin)
    response = client.post("/soil/samples/new/", {**FORM, "value_Cd": "-1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot be negative" in response.content.decode()


def test_a_secretary_may_not_open_the_form(client, soil):
    assert sign_in(client, soil.people.secretary).post("/soil/samples/new/", FORM).status_code == 403
    assert SoilSample.objects.count() == 0


def test_a_leader_enters_samples(client, soil):
    assert sign_in(client, soil.people.leader).post("/soil/samples/new/", FORM).status_code == 302


def test_no_value_at_all_is_said_beside_the_values(client, soil):
    response = sign_in(client, soil.people.leader).post("/soil/samples/new/", {**{k: v for k, v in FORM.items()
                                                                                   if k != "value_Cd"}})
    assert response.status_code == 400
    page = response.content.decode()
    fieldset = page[page.index('class="field soil-values-set'):page.index("</fieldset>")]
    assert "请至少填写一项测定值" in fieldset
    assert SoilSample.objects.count() == 0
