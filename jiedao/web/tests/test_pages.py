"""Sign-in, the inbox, the case page and who sees what."""

import pytest
from django.urls import reverse

from jiedao.cases.models import Case
from jiedao.conftest import walk_to


def test_sign_in_with_the_login_form_lands_on_the_inbox(world, client):
    response = client.post(reverse("web:login"), {"username": "intake_clerk", "password": "pass-1234"})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:inbox")


def test_anonymous_visitor_is_sent_to_sign_in(db, client):
    response = client.get(reverse("web:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_login_page_renders_in_chinese(db, client):
    response = client.get(reverse("web:login"))

    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_intake_clerk_inbox_opens_on_cases_to_accept_with_their_count(world, fresh_case, as_user):
    response = as_user(world.people.intake_clerk).get(reverse("web:inbox"))

    assert response.status_code == 200
    assert [tab.box.code for tab in response.context["tabs"]] == ["to_accept", "overdue_all", "reported_by_me", "all"]
    assert {tab.box.code: tab.count for tab in response.context["tabs"]}["to_accept"] == 1
    assert [case.number for case, _light in response.context["rows"]] == [fresh_case.number]


def test_handler_inbox_has_the_handling_box_and_sees_a_dispatched_case_there(world, fresh_case, as_user):
    case = walk_to(world, fresh_case, "handling")

    response = as_user(world.people.handler).get(reverse("web:inbox"))

    assert [tab.box.code for tab in response.context["tabs"]] == ["to_handle", "overdue", "reported_by_me", "all"]
    assert {tab.box.code: tab.count for tab in response.context["tabs"]}["to_handle"] == 1
    assert [c.number for c, _light in response.context["rows"]] == [case.number]
    assert "剩余" in response.content.decode()


def test_inbox_search_filters_by_number(world, fresh_case, as_user):
    client = as_user(world.people.intake_clerk)

    found = client.get(reverse("web:inbox"), {"box": "all", "q": fresh_case.number})
    missing = client.get(reverse("web:inbox"), {"box": "all", "q": "1999-"})

    assert len(found.context["rows"]) == 1
    assert len(missing.context["rows"]) == 0


def test_case_page_shows_facts_timeline_and_only_the_allowed_forms(world, fresh_case, as_user):
    response = as_user(world.people.intake_clerk).get(reverse("web:case-detail", args=[fresh_case.number]))

    assert response.status_code == 200
    assert [form["action"].code for form in response.context["forms"]] == [
        "accept", "send_to_verify", "merge", "reject"]
    html = response.content.decode()
    assert "桃源路 12 号" in html
    assert 'name="expected_version" value="1"' in html
    assert "上报" in html


@pytest.mark.parametrize("number", ["2026-999999", "9999-000001", "not-a-number"])
def test_case_page_is_404_for_guessed_numbers(world, fresh_case, as_user, number):
    response = as_user(world.people.intake_clerk).get(reverse("web:case-detail", args=[number]))

    assert response.status_code == 404


def test_case_page_is_404_for_a_secretary_of_another_community(world, fresh_case, as_user):
    client = as_user(world.people.other_secretary)

    page = client.get(reverse("web:case-detail", args=[fresh_case.number]))
    act = client.post(reverse("web:case-act", args=[fresh_case.number, "accept"]), {"expected_version": 1})

    assert page.status_code == 404
    assert act.status_code == 404
    assert Case.objects.get(pk=fresh_case.pk).state == "reported"


def test_reporter_phone_is_shown_masked_to_the_intake_clerk_but_not_to_the_handler(world, clock, as_user):
    from jiedao.conftest import report

    case = walk_to(world, report(world, by=world.people.intake_clerk, source="hotline", reporter_name="张先生",
                                 reporter_phone="13800001234"), "handling")

    clerk = as_user(world.people.intake_clerk).get(reverse("web:case-detail", args=[case.number]))
    handler = as_user(world.people.handler).get(reverse("web:case-detail", args=[case.number]))

    # in full only through the logged "show in full" (cases/tests/test_contact_rule.py)
    assert "138****1234" in clerk.content.decode() and "13800001234" not in clerk.content.decode()
    assert "138****1234" not in handler.content.decode() and "张先生" not in handler.content.decode()


def test_org_tree_is_for_leaders_and_refused_to_others(world, fresh_case, as_user):
    leader = as_user(world.people.leader).get(reverse("web:org-tree"))
    handler = as_user(world.people.handler).get(reverse("web:org-tree"))

    assert leader.status_code == 200
    assert "桃源社区第1网格" in leader.content.decode()
    assert handler.status_code == 403


def test_catalogue_search_understands_pinyin_initials(world, as_user):
    response = as_user(world.people.grid_worker).get(reverse("web:catalogue-search"), {"item_query": "bllj"})

    assert response.status_code == 200
    assert [item.name for item in response.context["items"]] == ["暴露垃圾"]


def test_org_import_of_a_bad_geojson_shows_the_row_errors_and_writes_nothing(world, as_user):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiedao.territory.models import Duty, Role, Unit

    admin = get_user_model().objects.create_user(username="sysadmin", password="pass-1234")
    Duty.objects.create(user=admin, role=Role.SYSTEM_ADMIN, unit=world.subdistrict)
    units_before = Unit.objects.count()
    bad = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "X"}, "geometry": null}]}'

    response = as_user(admin).post(reverse("web:org-tree"), {
        "kind": "units", "file": SimpleUploadedFile("units.geojson", bad, content_type="application/geo+json")})

    assert response.status_code == 400
    assert len(response.context["import_errors"]) >= 1
    assert "导入错误" in response.content.decode()
    assert Unit.objects.count() == units_before


def test_a_leader_may_read_the_org_tree_but_not_import(world, as_user):
    response = as_user(world.people.leader).post(reverse("web:org-tree"), {"kind": "units"})

    assert response.status_code == 403


def test_the_inbox_exports_what_it_shows_as_excel(world, clock, client):
    import io

    from openpyxl import load_workbook

    from jiedao.conftest import report

    mine = report(world)
    report(world, column=2, by=world.people.other_grid_worker)  # 柳岸: not the secretary's
    client.force_login(world.people.secretary)

    response = client.get("/cases/export.xlsx", {"box": "all"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A4"].value == "案件编号"
    assert [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)] == [mine.number]


def test_case_photos_go_through_the_case_check(world, clock, client):
    from jiedao.conftest import report

    case = report(world)
    photo = case.photos.get()
    url = f"/cases/{case.number}/photos/{photo.pk}/image/"

    client.force_login(world.people.other_secretary)
    assert client.get(url).status_code == 404
    client.force_login(world.people.secretary)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response["Cache-Control"] == "private, max-age=3600"
    assert client.get(f"/media/{photo.image.name}").status_code == 404  # never straight from MEDIA_ROOT
