"""GET requests and GET requests/{id}: what is published, every filter, the 90-day / 1000-record
defaults and the pagination extension, in both formats."""

import re
from datetime import timedelta

import pytest

from jiedao.cases import services as case_services
from jiedao.cases.models import Case, CaseSource, CaseState
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.open311.models import Open311Policy
from jiedao.portal.public import blurred_point

from .conftest import TUESDAY_0900, body, errors_of, make_upload, published_case, report

pytestmark = pytest.mark.django_db

SPEC_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
               "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
               "address", "address_id", "zipcode", "lat", "long", "media_url"]


def numbers(response) -> list[str]:
    document = body(response)
    if isinstance(document, list):
        return [record["service_request_id"] for record in document]
    return [request.findtext("service_request_id") for request in document.findall("request")]


def test_a_published_case_as_a_json_record(world, clock, caller):
    case = published_case(world)
    response = caller.get("requests.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [record] = body(response)
    assert record == {
        "service_request_id": case.number, "status": "open", "status_notes": "已受理，等待立案",
        "service_name": "暴露垃圾", "service_code": "06010", "description": "路口成堆垃圾",
        "agency_responsible": None, "service_notice": None,
        "requested_datetime": "2026-11-17T09:00:00+08:00", "updated_datetime": "2026-11-17T09:00:00+08:00",
        "expected_datetime": None, "address": "桃源路 12 号", "address_id": None, "zipcode": None,
        "lat": 30.205, "long": 120.105, "media_url": None,
    }


def test_a_published_case_as_an_xml_record(world, clock, caller):
    case = published_case(world)
    response = caller.get("requests.xml")
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = body(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == SPEC_FIELDS
    assert request.findtext("service_request_id") == case.number
    assert request.findtext("agency_responsible") == ""  # an empty optional field is an empty element
    assert request.findtext("lat") == "30.205"


def test_the_reporter_is_never_published(world, clock, caller):
    published_case(world)
    for fmt in ("json", "xml"):
        content = caller.get(f"requests.{fmt}").content.decode()
        assert "李四" not in content and "13912345678" not in content


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_report_waiting_for_intake_is_not_published(world, clock, caller, fmt):
    waiting = report(world, by=None, source=CaseSource.RESIDENT, photos=[])
    verifying = case_services.case_send_to_verify(case=report(world, by=None, source=CaseSource.RESIDENT, photos=[]),
                                                  by=world.people.intake_clerk, inspector=world.people.inspector)
    accepted = published_case(world)
    assert numbers(caller.get(f"requests.{fmt}")) == [accepted.number]
    for hidden in (waiting, verifying):
        response = caller.get(f"requests/{hidden.number}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response) == [(404, f"未找到该服务请求：{hidden.number}")]
        assert numbers(caller.get(f"requests.{fmt}", service_request_id=hidden.number)) == []


def test_internal_sources_are_not_published(world, clock, caller):
    leader_case = case_services.case_accept(
        case=report(world, by=world.people.shift_lead, source=CaseSource.LEADER), by=world.people.intake_clerk)
    patrol_case = case_services.case_accept(case=report(world), by=world.people.intake_clerk)
    assert numbers(caller.get("requests.json")) == [patrol_case.number]
    assert caller.get(f"requests/{leader_case.number}.json").status_code == 404
    # the office decides which sources are public
    Open311Policy.objects.update_or_create(pk=1, defaults={"public_sources": ["leader"]})
    assert numbers(caller.get("requests.json")) == [leader_case.number]


def test_a_dispatched_case_names_the_department_and_its_deadline(world, clock, caller):
    case = published_case(world, state="handling")
    [record] = body(caller.get(f"requests/{case.number}.json"))
    assert record["agency_responsible"] == "环卫所"
    assert record["status_notes"] == "处置单位正在处理"
    # 4 working hours from 09:00: 3 before the lunch break (12:00–13:30), 1 after
    assert record["expected_datetime"] == "2026-11-17T14:30:00+08:00"


def test_a_closed_case_is_closed_at_its_close_time(world, clock, caller):
    case = published_case(world, state="closed")
    clock.shift(timedelta(hours=2))
    record = body(caller.get(f"requests/{case.number}.json"))[0]
    assert (record["status"], record["status_notes"]) == ("closed", "已办结")
    assert record["updated_datetime"] == "2026-11-17T09:00:00+08:00"


def test_a_voided_report_is_closed_without_its_text(world, clock, caller):
    case = case_services.case_void(case=published_case(world), by=world.people.shift_lead,
                                   reason="内部意见：重复举报，举报人情绪激动")
    record = body(caller.get("requests.json", extensions="true"))[0]
    assert record["service_request_id"] == case.number
    assert (record["status"], record["description"]) == ("closed", None)
    assert record["extended_attributes"] == {"extended_status": "no_further_action"}
    assert "内部意见" not in caller.get("requests.json").content.decode()


def test_a_merged_duplicate_is_closed_as_a_duplicate(world, clock, caller):
    original = published_case(world)
    duplicate = case_services.case_merge(case=published_case(world), into=original, by=world.people.intake_clerk,
                                         reason="同一堆垃圾")
    record = body(caller.get(f"requests/{duplicate.number}.json", extensions="true"))[0]
    assert record["status"] == "closed"
    assert record["status_notes"] == "与已受理的案件重复，已合并处理"
    assert record["extended_attributes"] == {"extended_status": "duplicate"}


def test_extensions_add_the_extended_status_in_xml_too(world, clock, caller):
    published_case(world, state="filed")
    request = body(caller.get("requests.xml", extensions="true")).find("request")
    assert request.findtext("extended_attributes/extended_status") == "action_scheduled"
    assert caller.get("requests.xml", extensions="nope").status_code == 400


def test_a_sensitive_category_shows_an_approximate_point_and_no_address(world, clock, caller):
    item = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="09", major_name="街面秩序类",
                                        code="09006", name="占道经营", standard_ref="GB/T 47678.5-2026",
                                        is_sensitive=True)
    case = published_case(world, item=item)
    record = body(caller.get(f"requests/{case.number}.json"))[0]
    # the same ~200 m cell the portal's public pages show (two different blurs would narrow it down)
    longitude, latitude = blurred_point(case.longitude, case.latitude, cell_m=200)
    assert (record["lat"], record["long"], record["address"]) == (latitude, longitude, None)
    assert (record["lat"], record["long"]) != (case.latitude, case.longitude)
    assert abs(record["lat"] - case.latitude) < 0.002 and abs(record["long"] - case.longitude) < 0.002


# ---------------------------------------------------------------- filters and defaults

def test_service_request_id_overrides_every_other_filter(world, clock, caller):
    old = published_case(world, at=TUESDAY_0900 - timedelta(days=200))
    new = published_case(world)
    response = caller.get("requests.json", service_request_id=f"{old.number},{new.number},2026-999999",
                          status="closed", service_code="06036", start_date="2026-11-01", page="9")
    assert numbers(response) == [new.number, old.number]
    # the other arguments are not even read
    ignored = caller.get("requests.xml", service_request_id=old.number, start_date="whenever", service_code="nope")
    assert numbers(ignored) == [old.number]


def test_service_code_filter_is_a_comma_list(world, clock, caller):
    garbage = published_case(world)
    clutter = published_case(world, item=world.no_rule_item)
    assert numbers(caller.get("requests.json", service_code="06036")) == [clutter.number]
    assert numbers(caller.get("requests.xml", service_code="06036,06010")) == [clutter.number, garbage.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_in_the_filter_is_404(world, clock, caller, fmt):
    response = caller.get(f"requests.{fmt}", service_code="06010,77777")
    assert response.status_code == 404
    assert errors_of(response) == [(404, "未知的服务代码（service_code）：77777")]


def test_the_default_window_is_the_last_90_days(world, clock, caller):
    inside = published_case(world, at=TUESDAY_0900 - timedelta(days=89))
    published_case(world, at=TUESDAY_0900 - timedelta(days=91))
    assert numbers(caller.get("requests.json")) == [inside.number]


def test_start_and_end_date(world, clock, caller):
    october = published_case(world, at=TUESDAY_0900 - timedelta(days=40))  # 2026-10-08
    september = published_case(world, at=TUESDAY_0900 - timedelta(days=70))  # 2026-09-08
    november = published_case(world)
    assert numbers(caller.get("requests.json", start_date="2026-10-01T00:00:00+08:00",
                              end_date="2026-10-31T23:59:59+08:00")) == [october.number]
    # a lone start: 90 days from it
    assert numbers(caller.get("requests.json", start_date="2026-09-01T00:00:00Z")) == [
        november.number, october.number, september.number]
    # a lone end: the 90 days before it
    assert numbers(caller.get("requests.json", end_date="2026-10-01")) == [september.number]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("params", "message"), [
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "start_date 与 end_date 相隔不能超过 90 天"),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date 不能早于 start_date"),
    ({"start_date": "last week"}, "start_date 不是有效的日期时间（示例：2026-01-01T00:00:00+08:00）"),
    ({"status": "pending"}, "status 只能是 open、closed（可用逗号分隔）"),
    ({"page_size": "1001"}, "page_size 须为 1 到 1000 之间的整数"),
    ({"page": "0"}, "page 须为 1 到 100000 之间的整数"),
])
def test_bad_parameters_are_400_in_the_spec_body(world, clock, caller, fmt, params, message):
    response = caller.get(f"requests.{fmt}", **params)
    assert response.status_code == 400
    assert errors_of(response) == [(400, message)]


def test_status_filter(world, clock, caller):
    open_case = published_case(world)
    closed = published_case(world, state="closed")
    voided = case_services.case_void(case=published_case(world), by=world.people.shift_lead, reason="不属实")
    assert numbers(caller.get("requests.json", status="open")) == [open_case.number]
    assert numbers(caller.get("requests.json", status="closed")) == [voided.number, closed.number]
    assert len(numbers(caller.get("requests.json", status="OPEN,closed"))) == 3
    assert len(numbers(caller.get("requests.json", status=""))) == 3  # empty = absent


def _bulk_published(world, count: int) -> list[str]:
    """Many published cases at once, one minute apart, newest last (written directly: a thousand
    reports through the services would only slow the test down)."""
    grid = world.grids[0]
    cases = [Case(number=f"2026-{n:06d}", state=CaseState.ACCEPTED, source=CaseSource.RESIDENT, item=world.item,
                  longitude=120.105, latitude=30.205, grid=grid, territory_path=grid.path,
                  reported_at=TUESDAY_0900 - timedelta(minutes=count - n)) for n in range(1, count + 1)]
    Case.objects.bulk_create(cases)
    return [case.number for case in reversed(cases)]  # newest first


def test_at_most_1000_records_by_default(world, clock, caller):
    expected = _bulk_published(world, 1001)
    response = caller.get("requests.json")
    assert numbers(response) == expected[:1000]
    assert response["X-Page-Size"] == "1000"
    assert response["Link"] == f'<{response["X-Next-Page-URL"]}>; rel="next"'
    assert numbers(caller.get("requests.json", page="2")) == expected[1000:]


def test_pagination_pages_through_newest_first(world, clock, caller):
    expected = _bulk_published(world, 5)
    first = caller.get("requests.xml", page_size="2", status="open")
    assert numbers(first) == expected[:2]
    assert first["X-Next-Page-URL"] == "http://testserver/open311/v2/requests.xml?page=2&page_size=2&status=open"
    assert numbers(caller.get("requests.xml", page_size="2", page="2", status="open")) == expected[2:4]
    last = caller.get("requests.xml", page_size="2", page="3", status="open")
    assert numbers(last) == expected[4:]
    assert "Link" not in last and "X-Next-Page-URL" not in last
    assert numbers(caller.get("requests.xml", page_size="2", page="4")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_by_id(world, clock, caller, fmt):
    case = published_case(world)
    response = caller.get(f"requests/{case.number}.{fmt}")
    assert response.status_code == 200
    assert numbers(response) == [case.number]  # wrapped in service_requests, a list of one
    assert caller.get(f"requests/2026-999999.{fmt}").status_code == 404


def test_every_datetime_carries_its_offset(world, clock, caller):
    published_case(world, state="closed")
    published_case(world, state="handling")
    content = caller.get("requests.json").content.decode()
    stamps = re.findall(r'"(?:requested|updated|expected)_datetime":"([^"]+)"', content)
    assert len(stamps) == 6
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", stamp) for stamp in stamps)


def test_a_description_with_control_characters_is_still_well_formed_xml(world, clock, caller):
    published_case(world, description="垃圾\x0b堆<b>满</b> & 溢出\x01")
    request = body(caller.get("requests.xml")).find("request")
    assert request.findtext("description") == "垃圾堆<b>满</b> & 溢出"
    assert body(caller.get("requests.json"))[0]["description"] == "垃圾\x0b堆<b>满</b> & 溢出\x01"


def test_a_photo_is_published_only_once_staff_made_it_public(world, clock, caller):
    case = published_case(world, photos=[make_upload()])
    assert body(caller.get("requests.json"))[0]["media_url"] is None
    photo = case.photos.get()
    case_services.case_photo_publish(photo=photo, by=world.people.intake_clerk, public=True)
    url = f"http://testserver/p/photos/{photo.pk}/image/"
    assert body(caller.get("requests.json"))[0]["media_url"] == url
    assert body(caller.get(f"requests/{case.number}.xml")).find("request").findtext("media_url") == url
    assert caller.client.get(url).status_code == 200
