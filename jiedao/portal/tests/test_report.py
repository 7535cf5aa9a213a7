"""A resident reports a problem without signing in: a case from the public, a tracking code and a
link; a double submit makes one case; bad input writes nothing; a nearby duplicate can be added to."""

import pytest

from jiedao.cases.models import Case, CaseEvent, CasePhoto, CaseSource, CaseState, PhotoStage

from .conftest import grid_centre, make_upload, media_files, report, report_form, walk_to

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400


def written() -> tuple:
    return Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(), media_files()


def test_the_report_page_needs_no_sign_in_and_carries_a_fresh_form_key(world, resident):
    first = resident.get("/p/report/")
    second = resident.get("/p/report/")

    assert first.status_code == 200
    assert first.context["values"]["client_key"] != second.context["values"]["client_key"]
    assert b'name="client_key"' in first.content
    assert first.context["map_data"]["grids"]["features"][0]["properties"]["code"] == world.grids[0].code


def test_a_report_makes_a_residents_case_and_answers_with_the_tracking_link(world, clock, resident):
    response = resident.post("/p/report/", report_form(world))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/p/t/{case.tracking_code}/?new=1"
    assert (case.source, case.reporter, case.state, case.item, case.grid) == (
        CaseSource.RESIDENT, None, CaseState.REPORTED, world.item, world.grids[0])
    assert (case.reporter_name, case.reporter_phone, case.description) == ("张阿姨", "13800138000", "小区门口垃圾三天没人清")
    assert case.client_key == "portal:report:form-key-0001"
    assert CasePhoto.objects.get(case=case).stage == PhotoStage.BEFORE
    receipt = resident.get(response["Location"])
    assert receipt.status_code == 200
    assert case.tracking_code in receipt.content.decode()
    assert f"/p/t/{case.tracking_code}/" in receipt.content.decode()


def test_a_double_submit_of_the_same_form_makes_one_case(world, clock, resident):
    first = resident.post("/p/report/", report_form(world))
    second = resident.post("/p/report/", report_form(world))

    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert CasePhoto.objects.count() == 1


def test_a_gcj02_point_from_a_chinese_map_is_stored_as_wgs84(world, clock, resident):
    from jiedao.territory.coordinates import wgs84_to_gcj02

    lon, lat = grid_centre(1)
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)

    resident.post("/p/report/", report_form(world, longitude=gcj_lon, latitude=gcj_lat, crs="gcj02"))

    case = Case.objects.get()
    assert case.grid == world.grids[1]
    assert (round(case.longitude, 5), round(case.latitude, 5)) == (round(lon, 5), round(lat, 5))


@pytest.mark.parametrize(("fields", "errors"), [
    ({"photos": "exe"}, {"photos": "文件“photo.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）"}),
    ({"item": ""}, {"item": "请选择问题类型"}),
    ({"longitude": "121.5", "latitude": "31.2"}, {"location": "该位置不在本街道的任何网格内"}),
    ({"longitude": "", "latitude": "", "photos": "plain"}, {"location": "请在地图上选择位置，或上传带定位的照片"}),
    ({"phone": "call me"}, {"phone": "手机号格式不正确"}),
    ({"description": "脏" * 4001}, {"description": "问题描述不能超过 4000 字"}),
    ({"client_key": "<script>"}, {"form": "表单已失效，请刷新页面后重试"}),
], ids=["not-an-image", "no-category", "outside-the-grids", "no-location", "bad-phone", "too-long", "bad-key"])
def test_a_bad_report_is_refused_with_a_message_and_writes_nothing(world, clock, resident, fields, errors):
    photos = {"exe": make_upload(data=EXE), "plain": make_upload()}
    data = report_form(world, **{name: photos.get(value, value) if name == "photos" else value
                                 for name, value in fields.items()})

    response = resident.post("/p/report/", data)

    assert (response.status_code, response.context["errors"]) == (400, errors)
    assert next(iter(errors.values())) in response.content.decode()
    assert written() == (0, 0, 0, [])


def test_a_refused_form_keeps_what_was_typed(world, clock, resident):
    response = resident.post("/p/report/", report_form(world, item=""))

    page = response.content.decode()
    assert "小区门口垃圾三天没人清" in page
    assert 'value="form-key-0001"' in page  # the same key: a corrected resubmit is still one case


def test_the_category_search_takes_pinyin_initials(world, resident):
    response = resident.get("/p/catalogue/search/", {"item_query": "bllj"})

    assert [item.name for item in response.context["items"]] == ["暴露垃圾"]


def test_nearby_suggests_the_same_problem_reported_close_by_recently(world, clock, resident):
    lon, lat = grid_centre(0)
    near = walk_to(world, report(world, longitude=lon + 0.0003, latitude=lat), "accepted")  # ~29 m
    report(world, longitude=lon + 0.0001, latitude=lat)  # ~10 m, but not accepted yet: not published
    walk_to(world, report(world, longitude=lon + 0.002, latitude=lat), "accepted")  # ~190 m: too far
    report(world, item=world.no_rule_item, longitude=lon, latitude=lat)  # another category

    response = resident.get("/p/report/nearby/", {"item": world.item.pk, "longitude": lon, "latitude": lat})

    assert [(entry.case.pk, round(entry.distance_m)) for entry, _status in response.context["nearby"]] == [
        (near.pk, 29)]
    page = response.content.decode()
    assert f'data-add-to="{near.public_code}"' in page
    assert "约 29 米外有人反映了“暴露垃圾”" in page


@pytest.mark.parametrize("query", [{"item": "x", "longitude": "1", "latitude": "2"},
                                   {"item": "1", "longitude": "abc", "latitude": "30"}, {}])
def test_nearby_with_garbled_input_suggests_nothing(world, resident, query):
    response = resident.get("/p/report/nearby/", query)

    assert (response.status_code, response.content.strip()) == (200, b"")


def test_adding_to_a_suggested_case_appends_an_update_instead_of_a_new_case(world, clock, resident):
    original = walk_to(world, report(world), "accepted")
    before = Case.objects.count()

    response = resident.post("/p/report/", report_form(world, add_to=original.public_code, description="又多了几袋"))

    assert response.status_code == 302
    assert response["Location"] == f"/p/c/{original.public_code}/"
    assert Case.objects.count() == before
    event = CaseEvent.objects.get(case=original, action="public_update")
    assert (event.opinion, event.personal_data["contact"], event.client_key) == ("又多了几袋", "13800138000",
                                                                       "portal:add:form-key-0001")
    assert CasePhoto.objects.get(event=event).stage == PhotoStage.PUBLIC


def test_adding_to_a_closed_case_is_refused(world, clock, resident):
    from .conftest import walk_to

    closed = walk_to(world, report(world), "closed")
    events = CaseEvent.objects.count()

    response = resident.post("/p/report/", report_form(world, add_to=closed.public_code))

    assert response.status_code == 400
    assert response.context["errors"] == {"add_to": "该问题已办结或不存在，请直接提交新的反映"}
    assert CaseEvent.objects.count() == events


def test_nearby_never_suggests_a_sensitive_category(world, clock, resident):
    world.item.is_sensitive = True
    world.item.save()
    lon, lat = grid_centre(0)
    report(world, longitude=lon + 0.0001, latitude=lat)

    response = resident.get("/p/report/nearby/", {"item": world.item.pk, "longitude": lon, "latitude": lat})

    assert response.content.strip() == b""
