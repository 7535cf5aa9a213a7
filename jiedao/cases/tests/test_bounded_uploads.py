"""Bounded work per request: photos per submission are capped (data), a photo is decoded within a
pixel budget (JPEG reduced on load, anything else refused from its header), a body over the limit
is refused from its Content-Length without being read, and the public rate limits run before
anything parses an upload. A refused submission leaves no case and no file."""

import io
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jiedao.api.services import api_token_issue
from jiedao.cases.models import Case, CasePhoto, CasePolicy
from jiedao.conftest import grid_centre, make_upload
from jiedao.open311.services import open311_client_issue
from jiedao.portal.models import PortalPolicy

pytestmark = pytest.mark.django_db


def media_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def portal_form(world, **fields) -> dict:
    lon, lat = grid_centre(0)
    return {"item": world.item.pk, "longitude": lon, "latitude": lat, "crs": "wgs84", "description": "小区门口垃圾",
            "address": "桃源路 12 号", "phone": "", "name": "", "client_key": "form-key-0001",
            "photos": make_upload(), **fields}


def pixel_bomb() -> SimpleUploadedFile:
    """The probe's photo: 7745 × 7745 pixels (60 MP) in a few KiB of PNG."""
    buffer = io.BytesIO()
    Image.new("1", (7745, 7745)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


def big_jpeg(size=(6000, 6000)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(buffer, format="JPEG", quality=60)
    return SimpleUploadedFile("big.jpg", buffer.getvalue(), content_type="image/jpeg")


class Untouchable(io.RawIOBase):
    """A request body that records whether anyone read it."""

    def __init__(self):
        self.touched = False

    def read(self, size=-1):
        self.touched = True
        return b""

    def readline(self, size=-1):
        self.touched = True
        return b""


# ---------------------------------------------------------------- photos per submission (data)

def test_the_portal_refuses_more_photos_than_the_policy_allows_and_writes_nothing(world, clock, client):
    CasePolicy.objects.update_or_create(pk=1, defaults={"photos_per_request": 3})

    response = client.post("/p/report/", portal_form(world, photos=[make_upload(f"p{i}.jpg") for i in range(4)]))

    assert response.status_code == 400
    assert "一次最多上传 3 张照片" in response.content.decode()
    assert not Case.objects.exists() and not CasePhoto.objects.exists() and media_files() == []


def test_the_rest_api_refuses_more_photos_than_the_default_allows(world, clock):
    _token, key = api_token_issue(user=world.people.grid_worker, name="tests")
    lon, lat = grid_centre(0)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")

    response = api.post("/api/v1/cases", {"item_code": "06010", "longitude": str(lon), "latitude": str(lat),
                                          "description": "x", "photos": [make_upload(f"p{i}.jpg") for i in range(7)]})

    assert response.status_code == 400, response.content
    assert "at most 6 photos" in response.content.decode()
    assert not Case.objects.exists() and media_files() == []


def test_a_bad_photo_among_good_ones_leaves_no_case_and_no_file(world, clock, client):
    photos = [make_upload("a.jpg"), make_upload("b.jpg"), pixel_bomb()]

    response = client.post("/p/report/", portal_form(world, photos=photos))

    assert response.status_code == 400
    assert not Case.objects.exists() and media_files() == []


# ---------------------------------------------------------------- the pixel budget

def test_a_pixel_bomb_is_refused_from_its_header_fast(world, clock, client):
    bomb = pixel_bomb()
    started = time.process_time()

    response = client.post("/p/report/", portal_form(world, photos=bomb), HTTP_ACCEPT_LANGUAGE="en")

    assert time.process_time() - started < 0.5  # was 2.5 s of CPU and 400 MiB
    assert response.status_code == 400
    assert "7745×7745" in response.content.decode()
    assert not Case.objects.exists() and media_files() == []


def test_a_huge_jpeg_is_decoded_reduced_within_the_budget(world, clock, client):
    response = client.post("/p/report/", portal_form(world, photos=big_jpeg((6000, 6000))))

    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    with Image.open(photo.image.path) as stored:
        assert stored.size == (3000, 3000)  # 36 MP decoded at 1/2: 9 MP ≤ the 16.8 MP budget
    assert stored.size[0] * stored.size[1] <= settings.JIEDAO_PHOTO_MAX_PIXELS


# ---------------------------------------------------------------- the body, before it is read

@pytest.mark.parametrize("path", ["/p/report/", "/api/v1/cases", "/open311/v2/requests.json", "/field/"])
def test_a_body_over_the_limit_is_refused_from_its_content_length_without_reading_it(world, path):
    body = Untouchable()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.generic("POST", path, b"", content_type="multipart/form-data; boundary=xyz",
                              CONTENT_LENGTH=str(300 * 1024 * 1024), **{"wsgi.input": body})

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert body.touched is False


def test_a_body_over_the_limit_is_refused_by_a_real_server_before_it_is_sent(live_server):
    import socket
    from urllib.parse import urlparse

    url = urlparse(live_server.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"POST /p/report/ HTTP/1.1\r\nHost: localhost\r\nAccept-Language: zh-hans\r\n"
                     b"Content-Type: multipart/form-data; boundary=xyz\r\n"
                     b"Content-Length: 314572800\r\n\r\n--xyz\r\n")
        answer = b""
        while "提交的内容太大".encode() not in answer:
            chunk = sock.recv(65536)  # the 5 s timeout fails the test if the answer never comes
            if not chunk:
                break
            answer += chunk
        answer = answer.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413")
    assert "提交的内容太大" in answer


# ---------------------------------------------------------------- rate limits before the body

def test_the_portal_rate_limit_refuses_before_csrf_or_the_view_reads_the_upload(world, clock):
    PortalPolicy.objects.update_or_create(pk=1, defaults={"reports_per_ip_per_hour": 1})
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "a" * 32
    browser.post("/p/report/", {"csrfmiddlewaretoken": "a" * 32, "description": "first"})
    body = Untouchable()

    response = browser.generic("POST", "/p/report/", b"", content_type="multipart/form-data; boundary=xyz",
                               CONTENT_LENGTH=str(10 * 1024 * 1024), **{"wsgi.input": body})

    assert response.status_code == 429
    assert body.touched is False


def test_the_open311_rate_limit_refuses_before_the_media_are_read(world, clock):
    _client, key = open311_client_issue(name="区 12345 平台", rate_limit_per_minute=1)
    caller = Client()
    caller.post(f"/open311/v2/requests.json?api_key={key}", {"service_code": "06010"})
    body = Untouchable()

    response = caller.generic("POST", f"/open311/v2/requests.json?api_key={key}", b"",
                              content_type="multipart/form-data; boundary=xyz",
                              CONTENT_LENGTH=str(10 * 1024 * 1024), **{"wsgi.input": body})

    assert response.status_code == 429
    assert body.touched is False
