"""The installable app: manifest, service worker and icons served as a browser expects them;
the pages for grid workers and inspectors, 403 for everybody else."""

import json
import re
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from jiedao.cases import services
from jiedao.conftest import make_upload, report, walk_to
from jiedao.field.selectors import case_stage

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "jiedao" / "static"


def test_the_manifest_is_served_as_a_manifest_with_the_apps_name_scope_and_icons(client):
    response = client.get("/field/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json; charset=utf-8"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "街道巡查", "/field/", "/field/", "standalone")
    sizes = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(sizes) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (size, _purpose), src in sizes.items():
        path = STATIC / src.removeprefix(settings.STATIC_URL)
        with Image.open(path) as image:
            assert (image.format, f"{image.width}x{image.height}") == ("PNG", size)


def test_the_service_worker_is_javascript_scoped_to_the_field_app_and_lists_the_shell(client):
    response = client.get("/field/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/field/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'var SCOPE = "/field/";' in body
    for asset in ("/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css",
                  "/static/css/jiedao.css", "/static/field/field.js", "/static/field/field.css"):
        assert f'"{asset}"' in body
    assert '["/field/", "/field/report/", "/field/queue/", "/field/inspections/", "/field/rivers/"]' in body
    assert "{{" not in body and "{%" not in body


def test_the_service_workers_version_follows_the_shells_content(client, settings, tmp_path):
    from jiedao.field import views

    before = views._shell_version(views.SHELL_ASSETS)
    extra = tmp_path / "static"
    (extra / "field").mkdir(parents=True)
    (extra / "field" / "field.js").write_text("/* changed */")
    settings.STATICFILES_DIRS = [extra, *settings.STATICFILES_DIRS]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert views._shell_version(views.SHELL_ASSETS) != before
    finally:
        settings.STATICFILES_DIRS = settings.STATICFILES_DIRS[1:]
        finders.get_finder.cache_clear()


@pytest.mark.parametrize("path", ["/field/", "/field/report/", "/field/queue/"])
def test_field_pages_open_for_grid_workers_and_inspectors(world, clock, device, path):
    for person in ("grid_worker", "inspector"):
        response = device(person).client.get(path)
        assert response.status_code == 200, person
        page = response.content.decode()
        assert '<link rel="manifest" href="/field/manifest.webmanifest">' in page
        assert 'id="field-config"' in page


FIELD_ENDPOINTS = [
    ("get", "/field/"), ("get", "/field/report/"), ("get", "/field/queue/"),
    ("post", "/field/api/reports/"), ("post", "/field/api/cases/2026-000001/verify/"),
    ("post", "/field/api/cases/2026-000001/check/"), ("post", "/field/api/patrols/"),
    ("post", f"/field/api/patrols/{uuid.UUID(int=1)}/points/"), ("post", f"/field/api/patrols/{uuid.UUID(int=1)}/stop/"),
]


@pytest.mark.parametrize("person", ["intake_clerk", "shift_lead", "dispatcher", "handler", "department_admin",
                                    "leader", "area_leader", "secretary"])
@pytest.mark.parametrize(("method", "path"), FIELD_ENDPOINTS)
def test_people_without_a_field_role_get_403(world, clock, device, person, method, path):
    report(world)
    response = getattr(device(person).client, method)(path)

    assert response.status_code == 403
    if path.startswith("/field/api/"):
        assert response.json() == {"detail": "外业巡查仅供网格员和监督员使用", "field": None, "code": "not_field_user"}


@pytest.mark.parametrize(("method", "path"), FIELD_ENDPOINTS)
def test_signed_out_pages_go_to_sign_in_and_endpoints_answer_401(db, method, path):
    response = getattr(Client(), method)(path)

    if path.startswith("/field/api/"):
        assert response.status_code == 401
        assert response.json()["code"] == "signed_out"
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={path}"


def test_the_endpoints_need_the_csrf_token_like_every_form(world, clock):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.people.grid_worker)
    browser.get("/field/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    refused = browser.post("/field/api/patrols/", "{}", content_type="application/json")
    accepted = browser.post("/field/api/patrols/", json.dumps({"client_id": str(uuid.uuid4())}),
                            content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert accepted.status_code == 201


def test_the_queue_shows_my_cases_to_verify_and_to_check_with_their_photos_and_stage(world, clock, device):
    people = world.people
    to_verify = services.case_send_to_verify(case=report(world, by=people.intake_clerk), by=people.intake_clerk,
                                             inspector=people.grid_worker)
    to_check = walk_to(world, report(world, by=people.inspector), "fixed")
    not_mine = services.case_send_to_verify(case=report(world, by=people.intake_clerk), by=people.intake_clerk,
                                            inspector=people.inspector)

    page = device("grid_worker").client.get("/field/queue/")

    assert [e.case.number for e in page.context["to_verify"]] == [to_verify.number]
    assert [e.case.number for e in page.context["to_check"]] == [to_check.number]
    html = page.content.decode()
    assert not_mine.number not in html
    assert f'data-stage="{case_stage(to_check)}"' in html
    after = page.context["to_check"][0].photos_after
    assert len(after) == 1 and f"/cases/{to_check.number}/photos/{after[0].pk}/thumbnail/" in html
    assert "已清运" in html  # the fix being checked


def test_the_report_screen_offers_recent_categories_first_and_the_catalogue_for_offline_search(world, clock, device):
    report(world, item=world.no_rule_item)

    page = device("grid_worker").client.get("/field/report/")

    picks = [item.name for item in page.context["categories"]]
    assert picks[0] == "乱堆杂物"
    assert "暴露垃圾" in picks
    assert {row["name"] for row in page.context["catalogue"]} >= {"暴露垃圾", "乱堆杂物"}
    assert 'capture="environment"' in page.content.decode()


def test_the_report_screen_chooses_no_category_for_the_worker(world, clock, device):
    report(world, item=world.no_rule_item)

    html = device("grid_worker").client.get("/field/report/").content.decode()

    assert html.count('name="item" value=') >= 2  # recent categories are offered…
    assert not re.search(r'name="item" value="\d+" data-name="[^"]*" checked', html)  # …none is chosen


def test_the_navigation_links_field_workers_to_the_app_and_supervisors_to_patrols(world, clock, device):
    assert '<a href="/field/" class="nav__link">外业巡查</a>' in device("grid_worker").client.get("/").content.decode()
    assert '<a href="/field/patrols/" class="nav__link">巡查轨迹</a>' in device("secretary").client.get("/").content.decode()
    assert "/field/" not in device("handler").client.get("/").content.decode()


def test_bad_photo_on_a_check_changes_nothing(world, clock, device, settings):
    fixed = walk_to(world, report(world, by=world.people.inspector), "fixed")
    before = list(Path(settings.MEDIA_ROOT).rglob("*.*"))
    fake = make_upload("核查.jpg", b"%PDF-1.4 not a photo", "image/jpeg")

    response = device("grid_worker").act("check", fixed, passed="true", photos=fake)

    assert response.status_code == 400
    assert "核查.jpg" in response.json()["detail"]
    assert fixed.__class__.objects.get(pk=fixed.pk).version == fixed.version
    assert list(Path(settings.MEDIA_ROOT).rglob("*.*")) == before
