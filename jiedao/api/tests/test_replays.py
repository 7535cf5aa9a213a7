"""A report through the REST API with a `client_key`: the same body again returns the first case
(200); the same key with a different body is refused with 422 naming the key."""

import pytest

from jiedao.cases.models import Case, CasePhoto
from jiedao.conftest import jpeg_bytes, make_upload

from .conftest import report_fields

pytestmark = pytest.mark.django_db


def test_a_retry_with_the_same_body_returns_the_first_case(world, clock, as_person):
    api = as_person("grid_worker")
    first = api.post("/cases", report_fields(client_key="phone-1"))

    again = api.post("/cases", report_fields(client_key="phone-1"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (Case.objects.count(), CasePhoto.objects.count()) == (1, 1)


def test_the_same_key_with_another_description_is_refused_naming_the_key(world, clock, as_person):
    api = as_person("grid_worker")
    api.post("/cases", report_fields(client_key="phone-1"))

    again = api.post("/cases", report_fields(client_key="phone-1", description="另一处垃圾"))

    assert again.status_code == 422
    assert again.json() == {"detail": "幂等键“phone-1”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键",
                            "field": "client_key"}
    assert Case.objects.get().description == "路口成堆垃圾"


def test_the_same_key_with_another_photo_is_refused(world, clock, as_person):
    api = as_person("grid_worker")
    api.post("/cases", report_fields(client_key="phone-1"))

    again = api.post("/cases", report_fields(client_key="phone-1", photos=make_upload(data=jpeg_bytes((0, 0, 255)))))

    assert again.status_code == 422
    assert CasePhoto.objects.count() == 1


def test_the_refusal_is_in_english_for_an_english_caller(world, clock, as_person):
    as_person("grid_worker").post("/cases", report_fields(client_key="phone-1"))

    again = as_person("grid_worker", language="en").post("/cases", report_fields(client_key="phone-1", address="x"))

    assert again.json()["detail"] == ("The idempotency key “phone-1” was used for a different submission; "
                                      "send a retry unchanged, and a new submission with a new key")
