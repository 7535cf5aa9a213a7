"""POST requests: a report from an outside system becomes a case through the case service; the
answer is a token; refusals are the spec's errors and write nothing."""

from pathlib import Path

import pytest
from django.conf import settings

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseSource, CaseState
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.open311.models import Open311Client, Open311Report
from jiedao.open311.services import open311_attributes_seed_default, open311_client_issue
from jiedao.territory.coordinates import wgs84_to_gcj02

from .conftest import body, errors_of, grid_centre, make_upload, report_form

pytestmark = pytest.mark.django_db


def written() -> tuple:
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), Open311Report.objects.count(),
            tuple(files))


def test_a_report_becomes_a_case_and_the_answer_is_a_token(world, clock, caller, api_client):
    response = caller.post("requests.json", report_form(api_client.key, account_id="fms-77"))
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [answer] = body(response)
    case = Case.objects.get()
    assert answer == {"token": case.tracking_code, "service_notice": "已收到，待受理；受理后可凭 token 查询案件编号",
                      "account_id": "fms-77"}
    assert "service_request_id" not in answer  # the spec: a token or an id, never both
    assert (case.state, case.source, case.reporter) == (CaseState.REPORTED, CaseSource.OPEN311, None)
    assert (case.reporter_name, case.reporter_phone, case.reporter_email) == ("张三", "13800001111", "zhang@example.com")
    assert (case.item, case.description, case.address) == (world.item, "路口成堆垃圾", "桃源路 12 号")
    assert (case.longitude, case.latitude) == pytest.approx(grid_centre(0), abs=1e-6)  # sent with 6 decimals
    assert case.grid == world.grids[0]
    extra = Open311Report.objects.get()
    # the resident's email is kept encrypted on the case, not in the client's record
    assert (extra.case, extra.client, extra.email, extra.account_id) == (case, api_client.client, "", "fms-77")
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.actor, event.data["source"]) == ("report", None, "open311")
    assert event.data["channel"] == {"open311_client": api_client.client.pk, "name": api_client.client.name}


def test_the_xml_answer(world, clock, caller, api_client):
    response = caller.post("requests.xml", report_form(api_client.key))
    assert response.status_code == 201
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = body(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == ["token", "service_notice", "account_id"]
    assert request.findtext("token") == Case.objects.get().tracking_code
    assert request.findtext("account_id") == ""


def test_the_api_key_may_come_in_the_query_string(world, clock, caller, api_client):
    form = report_form(api_client.key)
    key = form.pop("api_key")
    response = caller.client.post(f"/open311/v2/requests.json?api_key={key}", form)
    assert response.status_code == 201


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "o311_not-a-key", "jd_an-api-v1-key"])
def test_no_valid_api_key_is_403_and_nothing_written(world, clock, caller, api_client, fmt, key):
    form = report_form(api_client.key)
    if key is None:
        del form["api_key"]
    else:
        form["api_key"] = key
    before = written()
    response = caller.post(f"requests.{fmt}", form)
    assert response.status_code == 403
    assert errors_of(response) == [(403, "缺少 api_key，或 api_key 无效、已停用")]
    assert written() == before


def test_a_switched_off_client_is_refused(world, clock, caller, api_client):
    Open311Client.objects.filter(pk=api_client.client.pk).update(is_active=False)
    assert caller.post("requests.json", report_form(api_client.key)).status_code == 403
    assert Case.objects.count() == 0


def test_the_key_is_stored_only_as_a_hash(world, api_client):
    client = Open311Client.objects.get()
    assert api_client.key not in (client.key_hash, client.prefix)
    assert api_client.key.startswith(client.prefix)
    assert len(client.key_hash) == 64


# ---------------------------------------------------------------- idempotency

def test_a_retry_with_the_same_idempotency_key_returns_the_same_report(world, clock, caller, api_client):
    first = caller.post("requests.json", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY="app-42")
    again = caller.post("requests.json", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY="app-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(first)[0]["token"] == body(again)[0]["token"]
    assert Case.objects.count() == 1
    assert Open311Report.objects.count() == 1


def test_the_client_key_field_works_like_the_header(world, clock, caller, api_client):
    first = caller.post("requests.xml", report_form(api_client.key, client_key="offline-1"))
    again = caller.post("requests.xml", report_form(api_client.key, client_key="offline-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(first).findtext("request/token") == body(again).findtext("request/token")
    assert Case.objects.count() == 1


def test_keys_are_per_client(world, clock, caller, api_client):
    _other, other_key = open311_client_issue(name="城市 App")
    mine = caller.post("requests.json", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY="1")
    theirs = caller.post("requests.json", report_form(other_key), HTTP_IDEMPOTENCY_KEY="1")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert body(mine)[0]["token"] != body(theirs)[0]["token"]
    assert Case.objects.count() == 2


def test_a_long_key_is_kept_as_a_digest(world, clock, caller, api_client):
    key = "设备-" + "x" * 150
    first = caller.post("requests.json", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))
    again = caller.post("requests.json", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(Case.objects.get().client_key) <= 64
    too_long = caller.post("requests.json", report_form(api_client.key, client_key="k" * 201))
    assert too_long.status_code == 400
    assert Case.objects.count() == 1


# ---------------------------------------------------------------- location

def test_gcj02_coordinates_are_converted_to_wgs84(world, clock, caller, api_client):
    lon, lat = grid_centre(1)
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    response = caller.post("requests.json", report_form(api_client.key, lat=f"{gcj_lat:.9f}", long=f"{gcj_lon:.9f}",
                                                        crs="gcj02"))
    assert response.status_code == 201
    case = Case.objects.get()
    assert abs(case.longitude - lon) < 1e-6 and abs(case.latitude - lat) < 1e-6
    assert case.grid == world.grids[1]


def test_an_address_alone_is_located_by_the_photos_gps(world, clock, caller, api_client):
    form = report_form(api_client.key, media=make_upload(data=_jpeg_with_gps(*grid_centre(2))))
    del form["lat"], form["long"]
    response = caller.post("requests.json", form)
    assert response.status_code == 201, response.content
    assert Case.objects.get().grid == world.grids[2]


def _jpeg_with_gps(lon: float, lat: float) -> bytes:
    import io

    from PIL import Image

    def dms(value):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = round(((value - degrees) * 60 - minutes) * 60 * 1000) / 1000
        return (degrees, minutes, seconds)

    image = Image.new("RGB", (32, 32), (10, 200, 10))
    exif = Image.Exif()
    gps = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("overrides", "drop", "message"), [
    ({}, ("lat", "long", "address_string"), "缺少位置：请提供 lat 和 long，或 address_string，或 address_id"),
    ({}, ("lat", "long"), "地址“桃源路 12 号”不在标准地址库中：请提供 lat 和 long，或标准地址中的门牌（如 桃源路88号）"),
    ({}, ("long",), "lat 与 long 须同时提供"),
    ({"lat": "north"}, (), "坐标格式不正确"),
    ({"lat": "31.5", "long": "121.5"}, (), "该位置不在本街道的任何网格内"),
    ({"lat": "95", "long": "120.1"}, (), "纬度 95.0 超出范围（-90 至 90）"),
    ({"crs": "utm"}, (), "crs 须为 wgs84、gcj02 或 bd09"),
    ({"service_code": ""}, (), "缺少 service_code"),
    ({"description": "脏" * 4001}, (), "description 不能超过 4000 个字符"),
    ({"phone": "call me maybe"}, (), "phone 不是有效的电话号码"),
    ({"email": "not-an-email"}, (), "email 不是有效的电子邮箱"),
])
def test_bad_reports_are_400_and_nothing_written(world, clock, caller, api_client, fmt, overrides, drop, message):
    form = report_form(api_client.key, **overrides)
    for name in drop:
        del form[name]
    before = written()
    response = caller.post(f"requests.{fmt}", form)
    assert response.status_code == 400
    assert errors_of(response) == [(400, message)]
    assert written() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404(world, clock, caller, api_client, fmt):
    response = caller.post(f"requests.{fmt}", report_form(api_client.key, service_code="12345"))
    assert response.status_code == 404
    assert errors_of(response) == [(404, "未知的服务代码（service_code）：12345")]
    assert Case.objects.count() == 0


def test_a_switched_off_category_is_not_a_service(world, clock, caller, api_client):
    CatalogueItem.objects.filter(pk=world.item.pk).update(is_active=False)
    assert caller.post("requests.json", report_form(api_client.key)).status_code == 404


# ---------------------------------------------------------------- media

def test_a_photo_is_checked_and_kept_without_exif(world, clock, caller, api_client):
    response = caller.post("requests.json", report_form(api_client.key, media=make_upload()))
    assert response.status_code == 201
    photo = CasePhoto.objects.get()
    assert (photo.case, photo.stage, photo.is_public) == (Case.objects.get(), "before", False)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_file_that_is_not_a_photo_is_415_and_nothing_written(world, clock, caller, api_client, fmt):
    fake = make_upload(name="photo.jpg", data=b"MZ\x90\x00 this is a program, not a photo")
    before = written()
    response = caller.post(f"requests.{fmt}", report_form(api_client.key, media=fake))
    assert response.status_code == 415
    assert errors_of(response) == [(415, "文件“photo.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）")]
    assert written() == before


def test_one_bad_photo_among_good_ones_refuses_all(world, clock, caller, api_client):
    before = written()
    response = caller.post("requests.json", report_form(api_client.key, media=[
        make_upload(), make_upload(name="b.png", data=b"not a png")]))
    assert response.status_code == 415
    assert written() == before


def test_a_photo_over_the_limit_is_413_and_nothing_written(world, clock, caller, api_client, settings):
    settings.JIEDAO_PHOTO_MAX_BYTES = 1000
    before = written()
    response = caller.post("requests.json", report_form(api_client.key, media=make_upload(data=b"\xff" * 2000)))
    assert response.status_code == 413
    assert errors_of(response)[0][0] == 413
    assert written() == before


def test_a_request_body_over_the_limit_is_413(world, clock, caller, api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = caller.post("requests.json", report_form(api_client.key, description="满" * 200))
    assert response.status_code == 413
    assert errors_of(response) == [(413, "请求内容太大")]
    assert Case.objects.count() == 0


def test_too_many_photos_is_400(world, clock, caller, api_client):
    response = caller.post("requests.json", report_form(api_client.key, media=[make_upload() for _ in range(6)]))
    assert response.status_code == 400
    assert errors_of(response) == [(400, "最多上传 5 张照片")]
    assert written()[0] == 0


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/xml"])
def test_a_body_that_is_not_a_form_is_415(world, clock, caller, api_client, content_type):
    response = caller.client.post("/open311/v2/requests.json", data='{"service_code": "06010"}',
                                  content_type=content_type)
    assert response.status_code == 415
    assert errors_of(response)[0][0] == 415


@pytest.mark.parametrize(("data", "content_type", "status"), [
    (b"abc", "multipart/form-data", 400),  # no boundary: unreadable
    (b"--x\r\nbroken", "multipart/form-data; boundary=x", 403),  # readable as empty: no key in it
])
def test_a_broken_multipart_body_is_never_a_500(world, clock, caller, api_client, data, content_type, status):
    response = caller.client.post("/open311/v2/requests.json", data=data, content_type=content_type)
    assert response.status_code == status
    assert errors_of(response)[0][0] == status
    assert Case.objects.count() == 0


# ---------------------------------------------------------------- attributes

@pytest.fixture
def stalls(world):
    item = CatalogueItem.objects.create(kind=CatalogueKind.MATTER, major_code="09", major_name="街面秩序类",
                                        code="09006", name="占道经营", standard_ref="GB/T 47678.5-2026")
    open311_attributes_seed_default()
    return item


def test_attributes_are_checked_and_written_into_the_description(world, clock, caller, api_client, stalls):
    response = caller.post("requests.json", report_form(
        api_client.key, service_code="09006", description="早市摊位占满人行道",
        **{"attribute[stall_kind]": "shopfront", "attribute[occupied_area]": "6.5", "attribute[privacy_note]": "x",
           "attribute[fixmystreet_id]": "123"}))
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.item == stalls
    assert case.description == "早市摊位占满人行道\n\n【经营形式】店外经营（出店经营）\n【占用面积（平方米，估计）】6.5"
    assert Open311Report.objects.get().attributes == {"stall_kind": "shopfront", "occupied_area": 6.5}


@pytest.mark.parametrize(("attributes", "message"), [
    ({}, "缺少必填的附加信息“经营形式”（attribute[stall_kind]）"),
    ({"attribute[stall_kind]": "tank"}, "附加信息“经营形式”（attribute[stall_kind]）：不是可选的值：tank"),
    ({"attribute[stall_kind]": "mobile", "attribute[occupied_area]": "a lot"},
     "附加信息“占用面积（平方米，估计）”（attribute[occupied_area]）：须为数字"),
    ({"attribute[stall_kind]": "mobile", "attribute[occupied_area]": "nan"},
     "附加信息“占用面积（平方米，估计）”（attribute[occupied_area]）：须为数字"),
    ({"attribute[stall_kind][]": ["mobile", "fixed"]}, "附加信息“经营形式”（attribute[stall_kind]）：只能有一个值"),
])
def test_bad_attributes_are_400_and_nothing_written(world, clock, caller, api_client, stalls, attributes, message):
    before = written()
    response = caller.post("requests.xml", report_form(api_client.key, service_code="09006", **attributes))
    assert response.status_code == 400
    assert errors_of(response) == [(400, message)]
    assert written() == before


def test_a_multivaluelist_takes_repeated_values(world, clock, caller, api_client, stalls):
    from jiedao.open311.models import ServiceAttribute

    ServiceAttribute.objects.create(item=stalls, code="goods", datatype="multivaluelist", order=9, description="经营品类",
                                    values=[{"key": "fruit", "name": "水果"}, {"key": "food", "name": "熟食"}])
    response = caller.post("requests.json", report_form(
        api_client.key, service_code="09006", **{"attribute[stall_kind]": "mobile",
                                                 "attribute[goods][]": ["food", "fruit", "food"]}))
    assert response.status_code == 201
    assert Open311Report.objects.get().attributes == {"stall_kind": "mobile", "goods": ["food", "fruit"]}
    assert Case.objects.get().description.endswith("【经营品类】熟食、水果")


# ---------------------------------------------------------------- limits

def test_a_client_over_its_rate_limit_is_429(world, clock, caller):
    _client, key = open311_client_issue(name="限速测试", rate_limit_per_minute=2)
    statuses = [caller.post("requests.json", report_form(key)).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    refused = caller.post("requests.json", report_form(key))
    assert refused["Retry-After"] == "60"
    assert errors_of(refused) == [(429, "提交过于频繁：每分钟最多 2 次，请稍后再试")]
    assert Case.objects.count() == 2
    clock.shift(60)
    assert caller.post("requests.json", report_form(key)).status_code == 201


def test_no_csrf_token_is_needed(world, clock, caller, api_client):
    assert caller.client.handler.enforce_csrf_checks is True
    assert caller.post("requests.json", report_form(api_client.key)).status_code == 201


def test_a_retry_is_answered_even_after_the_category_was_switched_off(world, clock, caller, api_client):
    first = caller.post("requests.json", report_form(api_client.key, client_key="late-retry"))
    CatalogueItem.objects.filter(pk=world.item.pk).update(is_active=False)
    again = caller.post("requests.json", report_form(api_client.key, client_key="late-retry"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(first) == body(again)
