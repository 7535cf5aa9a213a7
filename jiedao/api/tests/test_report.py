"""Reporting through the API: multipart with photos, idempotent on `client_key`, and every bad
input refused with a message and nothing written."""

import pytest

from jiedao.cases.models import Case, CasePhoto
from jiedao.catalogue.models import CatalogueItem, CatalogueKind
from jiedao.conftest import grid_centre, make_upload

from .conftest import report_fields

pytestmark = pytest.mark.django_db


def test_a_report_with_a_photo_makes_a_case(world, clock, as_person):
    response = as_person("grid_worker").post("/cases", report_fields(client_key="phone-1-0001"))

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["state"], body["grid_code"]) == ("2026-000001", "reported", "330199001001001")
    assert body["photo_count"] == 1
    assert list(CasePhoto.objects.values_list("stage", flat=True)) == ["before"]
    case = Case.objects.get()
    assert (case.reporter, case.source, case.client_key) == (world.people.grid_worker, "patrol", "phone-1-0001")


def test_a_replay_with_the_same_client_key_returns_the_same_case_with_200(world, clock, as_person):
    client = as_person("grid_worker")
    first = client.post("/cases", report_fields(client_key="phone-1-0001"))

    replay = client.post("/cases", report_fields(client_key="phone-1-0001"))

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1
    assert CasePhoto.objects.count() == 1


def test_someone_elses_client_key_does_not_reveal_their_case(world, clock, as_person):
    as_person("grid_worker").post("/cases", report_fields(client_key="shared-key"))

    response = as_person("other_grid_worker").post("/cases", report_fields(column=2, client_key="shared-key"))

    assert response.status_code == 400
    assert response.json() == {"detail": "该幂等键已被使用，请换一个", "field": "client_key"}
    assert Case.objects.count() == 1


def test_gcj02_coordinates_are_stored_in_wgs84(world, clock, as_person):
    from jiedao.territory.coordinates import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(*grid_centre(0))

    body = as_person("grid_worker").post("/cases", report_fields(longitude=lon, latitude=lat, crs="gcj02")).json()

    assert body["longitude"] == pytest.approx(grid_centre(0)[0], abs=1e-7)
    assert body["latitude"] == pytest.approx(grid_centre(0)[1], abs=1e-7)


def test_photos_may_come_as_photos_brackets(world, clock, as_person):
    fields = report_fields()
    fields["photos[]"] = fields.pop("photos")

    response = as_person("grid_worker").post("/cases", fields)

    assert response.status_code == 201
    assert CasePhoto.objects.count() == 1


def test_a_self_handled_report_with_after_photos(world, clock, as_person):
    response = as_person("grid_worker").post("/cases", report_fields(self_handled="true",
                                                                     after_photos=make_upload("after.jpg")))

    assert response.status_code == 201
    assert response.json()["state"] == "self_handled"
    assert sorted(CasePhoto.objects.values_list("stage", flat=True)) == ["after", "before"]


def test_the_code_picks_the_matter_when_a_component_shares_it(world, clock, as_person):
    CatalogueItem.objects.create(kind=CatalogueKind.COMPONENT, major_code="06", major_name="市容环境类",
                                 code="06010", name="同码部件", standard_ref="GB/T 47678.5-2026")

    response = as_person("grid_worker").post("/cases", report_fields())

    assert response.status_code == 201
    assert Case.objects.get().item == world.item


@pytest.mark.parametrize(("overrides", "field", "detail"), [
    ({"longitude": "east", "latitude": "30.2"}, "location", "坐标格式不正确"),
    ({"longitude": "200", "latitude": "30.2"}, "location", "经度 200.0 超出范围（-180 至 180）"),
    ({"longitude": "nan", "latitude": "30.2"}, "location", "坐标必须是有限的数字"),
    ({"longitude": "116.39", "latitude": "39.91"}, "location", "该位置不在本街道的任何网格内"),
    ({"crs": "mars"}, "location", "不支持的坐标系“mars”，应为 wgs84、gcj02 或 bd09"),
    ({"item_code": "99999"}, "item_code", "未知的问题分类：99999"),
    ({"photos": make_upload("notes.jpg", data=b"%PDF-1.4 not a photo")}, "photos",
     "文件“notes.jpg”不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）"),
    ({"source": "rumour"}, "source", "未知的案件来源"),
])
def test_bad_input_is_a_400_with_a_message_and_no_case(world, clock, as_person, overrides, field, detail):
    response = as_person("grid_worker").post("/cases", report_fields(**overrides))

    assert response.status_code == 400
    assert response.json() == {"detail": detail, "field": field}
    assert Case.objects.count() == 0
    assert CasePhoto.objects.count() == 0


def test_an_unknown_category_is_explained_in_english_when_asked(world, clock, as_person):
    response = as_person("grid_worker", "en").post("/cases", report_fields(item_code="99999"))

    assert response.status_code == 400
    assert response.json() == {"detail": "Unknown category: 99999", "field": "item_code"}


def test_a_report_without_the_category_is_a_422(world, clock, as_person):
    fields = report_fields()
    del fields["item_code"]

    response = as_person("grid_worker").post("/cases", fields)

    assert response.status_code == 422
    assert response.json() == {"detail": "参数 item_code 缺失或格式无效", "field": "item_code"}
    assert Case.objects.count() == 0


def test_a_department_handler_may_not_report(world, clock, as_person):
    response = as_person("handler").post("/cases", report_fields())

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有上报案件的权限", "field": None}
    assert Case.objects.count() == 0


def test_a_code_shared_by_two_kinds_without_a_matter_needs_the_kind(world, clock, as_person):
    for kind in (CatalogueKind.COMPONENT, CatalogueKind.EVENT):
        CatalogueItem.objects.create(kind=kind, major_code="01", major_name="公用设施类", code="01001",
                                     name="上水井盖", standard_ref="GB/T 47678.5-2026")
    client = as_person("grid_worker")

    ambiguous = client.post("/cases", report_fields(item_code="01001"))
    chosen = client.post("/cases", report_fields(item_code="01001", item_kind="component"))

    assert ambiguous.status_code == 400
    assert ambiguous.json()["field"] == "item_kind"
    assert chosen.status_code == 201
    assert Case.objects.get().item.kind == "component"
