"""The portal publishes a report only once intake accepts it (个人信息保护): before that not even
the address the resident typed is shown anywhere public; the holder of the tracking code sees their
own report all along; public pages are addressed by an unguessable code, never the sequential number."""

import json

import pytest

from jiedao.cases import services
from jiedao.cases.models import Case
from jiedao.cases.services import TRACKING_ALPHABET

from .conftest import grid_centre, report_form, walk_to

pytestmark = pytest.mark.django_db

ADDRESS, DESCRIPTION = "桃源路 99 号 7 单元楼下", "楼下垃圾堆了三天"


@pytest.fixture
def submitted(world, clock, resident):
    response = resident.post("/p/report/", report_form(world, address=ADDRESS, description=DESCRIPTION))
    assert response.status_code == 302
    return Case.objects.get()


def public_texts(world, client, case) -> dict[str, str]:
    lon, lat = grid_centre(0)
    return {
        "public page by code": client.get(f"/p/c/{case.public_code}/").content.decode(),
        "map data": client.get("/p/map/data.json").content.decode(),
        "atom feed": client.get(f"/p/feeds/area/{world.taoyuan.code}/atom/").content.decode(),
        "rss feed": client.get(f"/p/feeds/area/{world.subdistrict.code}/rss/").content.decode(),
        "nearby": client.get("/p/report/nearby/", {"item": world.item.pk, "longitude": lon,
                                                   "latitude": lat}).content.decode(),
    }


def test_a_report_not_yet_accepted_is_published_nowhere(world, submitted, client):
    texts = public_texts(world, client, submitted)

    assert client.get(f"/p/c/{submitted.public_code}/").status_code == 404
    assert json.loads(texts["map data"])["points"] == []
    for where, text in texts.items():
        for secret in (ADDRESS, DESCRIPTION, submitted.number):
            assert secret not in text, (where, secret)


def test_the_holder_of_the_tracking_code_sees_their_own_report_all_along(world, submitted, client):
    page = client.get(f"/p/t/{submitted.tracking_code}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert DESCRIPTION in text and "收到问题反映" in text


def test_once_intake_accepts_it_the_public_page_and_the_map_show_it(world, submitted, client):
    services.case_accept(case=submitted, by=world.people.intake_clerk)

    page = client.get(f"/p/c/{submitted.public_code}/")
    points = json.loads(client.get("/p/map/data.json").content)["points"]

    assert page.status_code == 200
    assert "已受理" in page.content.decode()
    assert [(point["number"], point["url"]) for point in points] == [
        (submitted.number, f"/p/c/{submitted.public_code}/")]


def test_a_report_voided_at_intake_is_never_published(world, submitted, client):
    services.case_void(case=submitted, by=world.people.shift_lead, reason="误报")

    assert client.get(f"/p/c/{submitted.public_code}/").status_code == 404
    assert json.loads(client.get("/p/map/data.json").content)["points"] == []


def test_public_pages_cannot_be_walked_by_sequential_number(world, submitted, client):
    walk_to(world, submitted, "closed")
    case = Case.objects.get()

    by_number = client.get(f"/p/c/{case.number}/")
    by_neighbour = client.get("/p/c/2026-000002/")

    assert (by_number.status_code, by_neighbour.status_code) == (404, 404)
    assert len(case.public_code) == 10 and set(case.public_code) <= set(TRACKING_ALPHABET)
    assert case.public_code != case.tracking_code
    assert case.tracking_code not in client.get(f"/p/c/{case.public_code}/").content.decode()
