"""What the public pages, the map data and the feeds never show: the reporter, a private photo,
the exact place of a sensitive problem."""

import json
import math

import pytest

from jiedao.cases import services
from jiedao.cases.models import CasePhoto, CaseSource
from jiedao.conftest import grid_centre
from jiedao.portal.models import PortalPolicy
from jiedao.portal.public import blurred_point

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db

PHONE, NAME, UPDATER_PHONE = "13911112222", "王秘密", "13633334444"


@pytest.fixture
def reported(world, clock):
    """A resident's case with their phone and name, an update with a contact, closed by staff."""
    case = report(world, by=None, source=CaseSource.RESIDENT, reporter_phone=PHONE, reporter_name=NAME,
                   description=f"我是{NAME}，电话 {PHONE}")
    services.case_resident_update(case=case, text="补充", name="路人甲", contact=UPDATER_PHONE)
    return walk_to(world, case, "closed")


def public_texts(resident, world, case) -> dict[str, str]:
    return {
        "public case page": resident.get(f"/p/c/{case.public_code}/").content.decode(),
        "map data": resident.get("/p/map/data.json").content.decode(),
        "atom feed": resident.get(f"/p/feeds/area/{world.taoyuan.code}/atom/").content.decode(),
        "rss feed": resident.get(f"/p/feeds/area/{world.subdistrict.code}/rss/").content.decode(),
        "map page": resident.get("/p/map/").content.decode(),
        "areas page": resident.get("/p/areas/").content.decode(),
    }


def test_no_reporter_phone_or_name_anywhere_in_public_html_json_or_feeds(world, reported, resident):
    texts = public_texts(resident, world, reported)

    assert reported.number in texts["public case page"]
    assert reported.number in texts["map data"]
    assert reported.number in texts["atom feed"]
    for where, text in texts.items():
        for secret in (PHONE, NAME, UPDATER_PHONE, "路人甲"):
            assert secret not in text, (where, secret)


def test_the_description_is_for_the_holder_of_the_code_only(world, reported, resident):
    holder = resident.get(f"/p/t/{reported.tracking_code}/").content.decode()
    public = resident.get(f"/p/c/{reported.public_code}/").content.decode()

    assert f"我是{NAME}" in holder
    assert f"我是{NAME}" not in public
    assert reported.tracking_code not in public
    assert f"/p/t/{reported.tracking_code}/rate/" not in public


def test_the_public_page_offers_no_rating_or_not_fixed_form(world, reported, resident):
    response = resident.get(f"/p/c/{reported.public_code}/")

    assert (response.context["may_rate"], response.context["may_say_not_fixed"]) == (False, False)
    assert response.context["holder"] is False


def test_a_sensitive_category_is_shown_about_200_m_off_the_same_way_every_time(world, clock, resident):
    world.item.is_sensitive = True
    world.item.save()
    lon, lat = grid_centre(0)
    case = walk_to(world, report(world, longitude=lon + 0.00123, latitude=lat + 0.00077, address="桃源路 12 号 3 单元"),
                   "accepted")

    first = json.loads(resident.get("/p/map/data.json").content)["points"][0]
    second = json.loads(resident.get("/p/map/data.json").content)["points"][0]
    page = resident.get(f"/p/c/{case.public_code}/")

    assert first == second
    assert first["approximate"] is True
    shift_m = math.hypot((first["lon"] - case.longitude) * 111_320 * math.cos(math.radians(case.latitude)),
                         (first["lat"] - case.latitude) * 111_320)
    assert 0 < shift_m <= 200 / math.sqrt(2) + 1
    assert (first["lon"], first["lat"]) == blurred_point(case.longitude, case.latitude, cell_m=200)
    text = page.content.decode()
    assert f"{case.longitude:.6f}"[:9] not in text  # not even the first decimals of the true point
    assert "桃源路 12 号 3 单元" not in text
    assert page.context["location"].is_approximate is True


def test_a_category_that_is_not_sensitive_keeps_its_point(world, clock, resident):
    case = walk_to(world, report(world), "accepted")

    point = json.loads(resident.get("/p/map/data.json").content)["points"][0]

    assert (point["lon"], point["lat"], point["approximate"]) == (round(case.longitude, 6), round(case.latitude, 6),
                                                                  False)


def test_blurring_snaps_every_point_of_a_cell_to_its_centre():
    a = blurred_point(120.10501, 30.20501, cell_m=200)
    b = blurred_point(120.10502, 30.20502, cell_m=200)
    far = blurred_point(120.11, 30.21, cell_m=200)

    assert a == b
    assert a != far
    assert blurred_point(120.10501, 30.20501, cell_m=400) != a


def test_the_map_shows_a_thumbnail_only_of_a_public_photo(world, clock, resident):
    case = walk_to(world, report(world), "fixed")
    after = CasePhoto.objects.get(case=case, stage="after")

    hidden = json.loads(resident.get("/p/map/data.json").content)["points"][0]
    services.case_photo_publish(photo=after, by=world.people.dispatcher, public=True)
    shown = json.loads(resident.get("/p/map/data.json").content)["points"][0]

    assert hidden["photo"] is None
    assert shown["photo"] == f"/p/photos/{after.pk}/thumbnail/"
    assert set(shown) == {"number", "category", "status", "status_label", "reported", "closed", "lon", "lat",
                          "approximate", "url", "photo"}


def test_the_map_covers_the_days_the_office_set_and_leaves_out_voided_cases(world, clock, resident):
    from datetime import timedelta

    old = walk_to(world, report(world), "accepted")
    clock.shift(timedelta(days=10))
    recent = walk_to(world, report(world), "accepted")
    voided = services.case_void(case=walk_to(world, report(world), "accepted"), by=world.people.shift_lead,
                                reason="误报")
    policy = PortalPolicy.current()
    policy.map_days = 7
    policy.save()

    numbers = [p["number"] for p in json.loads(resident.get("/p/map/data.json", {"days": 90}).content)["points"]]

    assert numbers == [recent.number]
    assert old.number not in numbers and voided.number not in numbers
