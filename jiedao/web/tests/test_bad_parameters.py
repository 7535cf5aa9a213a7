"""A parameter the server cannot use is the client's mistake: a 400 that says which parameter and
why, in the reader's language — the site's 400 page for a page, a JSON error for the API — never a
500 (issue 8, point 7)."""

import json

import pytest
from django.conf import settings
from django.test import Client

from jiedao.audit.models import EventKind, SecurityEvent

HUGE = "9" * 25  # beyond any 64-bit integer the database holds
NOT_ASCII_BOUNDARY = "multipart/form-data; boundary=分界"


@pytest.fixture
def staff(world):
    client = Client()
    client.force_login(world.people.leader)
    return client


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(("path", "chinese", "english"), [
    ("/?page=99999999999999999999", "参数 page 应为 1 到 100000 之间的整数",
     "Parameter page must be a whole number from 1 to 100000"),
    (f"/?item={HUGE}", "参数 item 应为 1 到 9223372036854775807 之间的整数",
     "Parameter item must be a whole number from 1 to 9223372036854775807"),
    (f"/cases/export.xlsx?item={HUGE}", "参数 item 应为 1 到 9223372036854775807 之间的整数",
     "Parameter item must be a whole number from 1 to 9223372036854775807"),
    ("/?item=%C2%B2", "参数 item 应为", "Parameter item must be a whole number"),  # "²" passes isdigit()
    ("/?state=nonsense", "参数 state 的取值无效", "Parameter state has a value that is not one of the choices"),
    ("/?q=a%00b", "请求地址或参数中含有不允许的字符", "holds a character that is not allowed"),
    (f"/dashboard/?unit={HUGE}", "参数 unit 应为", "Parameter unit must be"),
])
def test_a_bad_page_parameter_is_the_400_page_with_the_reason(world, staff, clock, path, chinese, english):
    response = staff.get(path)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<p class=\"error-page__code\">400</p>" in page
    assert chinese in page

    in_english = _english(staff).get(path)
    assert in_english.status_code == 400
    assert english in in_english.content.decode()


def test_the_export_refused_for_a_bad_parameter_writes_nothing_to_the_log(world, staff, clock):
    staff.get(f"/cases/export.xlsx?item={HUGE}")

    assert not SecurityEvent.objects.filter(kind=EventKind.EXPORT).exists()


@pytest.mark.parametrize(("query", "field", "chinese", "english"), [
    ("since=0001-01-01T00:00:00", "since", "参数 since 应在 1900-01-01 到 2999-12-31 之间",
     "Parameter since must be between 1900-01-01 and 2999-12-31"),
    ("until=9999-12-31T23:59:59-12:00", "until", "参数 until 应在 1900-01-01 到 2999-12-31 之间",
     "Parameter until must be between 1900-01-01 and 2999-12-31"),
])
def test_a_date_beyond_the_calendar_is_a_json_400_from_the_api(world, staff, clock, query, field, chinese, english):
    response = staff.get(f"/api/v1/cases?{query}")

    assert response.status_code == 400
    assert response.json() == {"detail": chinese, "field": field}
    assert _english(staff).get(f"/api/v1/cases?{query}").json() == {"detail": english, "field": field}


def test_a_cursor_naming_a_row_beyond_64_bits_is_a_400(world, staff, clock):
    import base64

    cursor = base64.urlsafe_b64encode(json.dumps(["2026-11-17T09:00:00+08:00", 2**70]).encode()).decode()

    response = staff.get(f"/api/v1/cases?cursor={cursor}")

    assert response.status_code == 400
    assert response.json()["field"] == "cursor"


def test_a_nul_in_an_api_parameter_is_a_json_400(world, staff, clock):
    response = staff.get("/api/v1/cases?q=a%00b")

    assert response.status_code == 400
    assert response.json() == {"detail": "请求地址或参数中含有不允许的字符", "field": None}


def test_a_custom_period_beyond_the_calendar_says_why_and_shows_this_month(world, clock, as_user):
    client = as_user(world.people.leader)

    response = client.get("/evaluation/?period=custom&from=9999-12-01&to=9999-12-31")

    assert response.status_code == 200
    assert "自定义周期无效：参数 from 应在 1900-01-01 到 2999-12-31 之间" in response.content.decode()


def test_the_security_log_ignores_a_day_beyond_the_calendar(world, clock, django_user_model):
    auditor = django_user_model.objects.create_superuser(username="root", password="x-Long-pass-1")
    client = Client()
    client.force_login(auditor)

    assert client.get("/audit/?until=9999-12-31&since=0001-01-01").status_code == 200


def test_a_multipart_body_with_a_boundary_not_in_ascii_is_the_400_page(world, staff, clock):
    response = staff.post("/cases/new/", data=b"--\xe5\x88\x86\r\n", content_type=NOT_ASCII_BOUNDARY)

    assert response.status_code == 400
    assert "请求格式有误" in response.content.decode()
    english = _english(staff).post("/cases/new/", data=b"--\xe5\x88\x86\r\n", content_type=NOT_ASCII_BOUNDARY)
    assert english.status_code == 400
    assert "The request is malformed" in english.content.decode()


def test_a_multipart_body_with_a_boundary_not_in_ascii_is_a_json_400_from_the_api(world, staff, clock):
    response = staff.post("/api/v1/cases", data=b"--\xe5\x88\x86\r\n", content_type=NOT_ASCII_BOUNDARY)

    assert response.status_code == 400
    assert response.json() == {"detail": "请求格式有误", "field": None}


def test_a_resident_posting_a_boundary_not_in_ascii_gets_the_400_page(world, clock):
    response = Client().post("/p/report/", data=b"--\xe5\x88\x86\r\n", content_type=NOT_ASCII_BOUNDARY)

    assert response.status_code == 400
    assert "请求格式有误" in response.content.decode()


def test_a_nul_in_a_form_field_is_the_400_page_and_writes_nothing(world, clock, as_user):
    from jiedao.cases.models import Case

    client = as_user(world.people.grid_worker)

    response = client.post("/cases/new/", {"item": str(world.item.pk), "description": "垃圾\x00", "address": "桃源路"})

    assert response.status_code == 400
    assert "请求地址或参数中含有不允许的字符" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_nul_in_an_api_body_is_a_json_400(world, clock, as_user, fresh_case):
    response = as_user(world.people.intake_clerk).post(f"/api/v1/cases/{fresh_case.number}/actions/accept",
                          {"expected_version": str(fresh_case.version), "opinion": "好\x00"})

    assert response.status_code == 400
    assert response.json() == {"detail": "请求地址或参数中含有不允许的字符", "field": None}
    fresh_case.refresh_from_db()
    assert fresh_case.state == "reported"


def test_a_nul_in_an_open311_parameter_is_the_specs_400(world, clock):
    response = Client().get("/open311/v2/requests.json?service_request_id=2026-000001%00")

    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "请求地址或参数中含有不允许的字符"}]


@pytest.mark.parametrize("path", ["/api/v1/cases?since=2000-01-01T00:00:00-21:40",
                                  "/open311/v2/servicerequestupdates.json?end_date=2000-01-01T00:00:00-21:40"])
def test_an_offset_postgresql_refuses_is_read_in_our_zone(world, staff, clock, path):
    # Python takes offsets up to ±23:59, PostgreSQL only up to ±15:59.
    assert staff.get(path).status_code == 200
