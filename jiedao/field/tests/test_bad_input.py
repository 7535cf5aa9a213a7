"""Bad input from a device: a clear message, and nothing written — no case, no event, no photo
file, no submission (so the worker can correct it and send again)."""

from pathlib import Path

import pytest

from jiedao.cases.models import Case, CaseEvent, CasePhoto
from jiedao.conftest import ORIGIN_LAT, ORIGIN_LON, make_upload
from jiedao.field.models import Submission

pytestmark = pytest.mark.django_db


def _nothing_written(settings):
    assert (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count()) == (0, 0, 0)
    assert Submission.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


@pytest.mark.parametrize(("longitude", "latitude", "message"), [
    ("abc", "30.2", "坐标格式不正确"),
    ("200", "30.2", "经度 200.0 超出范围（-180 至 180）"),
    ("120.1", "-95", "纬度 -95.0 超出范围（-90 至 90）"),
    ("nan", "30.2", "坐标必须是有限的数字"),
    (str(ORIGIN_LON - 1), str(ORIGIN_LAT), "该位置不在本街道的任何网格内"),
])
def test_bad_coordinates(world, clock, device, settings, longitude, latitude, message):
    response = device("grid_worker").report(longitude=longitude, latitude=latitude)

    assert response.status_code == 400
    assert response.json() == {"detail": message, "field": "location", "code": ""}
    _nothing_written(settings)


def test_an_unknown_coordinate_system(world, clock, device, settings):
    response = device("grid_worker").report(crs="epsg:3857")

    assert response.status_code == 400
    assert response.json()["field"] == "location"
    _nothing_written(settings)


def test_a_file_that_is_not_an_image(world, clock, device, settings):
    fake = make_upload("现场.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "image/jpeg")

    response = device("grid_worker").report(photos=[make_upload(), fake])

    assert response.status_code == 400
    assert response.json()["field"] == "photos"
    assert "现场.jpg" in response.json()["detail"]
    _nothing_written(settings)


def test_self_handled_without_an_after_photo(world, clock, device, settings):
    response = device("grid_worker").report(self_handled="true")

    assert response.status_code == 400
    assert response.json() == {"detail": "自处置案件须上传处置后照片", "field": "after_photos", "code": ""}
    _nothing_written(settings)


def test_self_handled_with_an_after_photo_goes_to_review(world, clock, device):
    response = device("grid_worker").report(self_handled="true", after_photos=make_upload())

    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.state, case.is_self_handled) == ("self_handled", True)
    assert sorted(CasePhoto.objects.values_list("stage", flat=True)) == ["after", "before"]


@pytest.mark.parametrize("item", ["", "abc", "999999"])
def test_no_or_an_unknown_category(world, clock, device, settings, item):
    response = device("grid_worker").report(item=item)

    assert response.status_code == 400
    assert response.json() == {"detail": "请选择问题分类", "field": "item", "code": ""}
    _nothing_written(settings)


def test_a_malformed_patrol_id_on_a_report(world, clock, device, settings):
    response = device("grid_worker").report(patrol="not-a-uuid")

    assert response.status_code == 400
    assert response.json()["field"] == "patrol"
    _nothing_written(settings)


def test_a_body_that_is_not_json(world, clock, device):
    response = device("grid_worker").client.post("/field/api/patrols/", "{oops", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容不是有效的 JSON"


def test_get_on_an_endpoint_is_405(world, clock, device):
    assert device("grid_worker").client.get("/field/api/reports/").status_code == 405


def test_an_unknown_case_is_404_as_is_one_i_may_not_see(world, clock, device):
    from jiedao.conftest import report

    liuan = report(world, by=world.people.other_grid_worker, column=2)
    phone = device("grid_worker")

    unknown = phone.client.post("/field/api/cases/2099-999999/verify/", {"key": "k" * 36, "confirmed": "true"})
    not_mine = phone.act("verify", liuan, confirmed="true")

    for response in (unknown, not_mine):
        assert response.status_code == 404
        assert response.json()["detail"] == "未找到，或您无权访问"
