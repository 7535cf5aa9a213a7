"""A retry with the same idempotency key (Idempotency-Key, client_key, or an update's update_id)
and the same body gets the first answer; the same key with a different body is refused with 422
naming the key, and nothing is written."""

import pytest

from jiedao.cases.models import Case, CaseEvent
from jiedao.open311.models import Open311Report, Open311Update

from .conftest import body, errors_of, make_upload, published_case, report_form
from .test_updates import update_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_report_key_replayed_with_another_description_is_refused(world, clock, caller, api_client, fmt):
    first = caller.post(f"requests.{fmt}", report_form(api_client.key), HTTP_IDEMPOTENCY_KEY="app-42")

    again = caller.post(f"requests.{fmt}", report_form(api_client.key, description="另一处垃圾"),
                        HTTP_IDEMPOTENCY_KEY="app-42")

    assert (first.status_code, again.status_code) == (201, 422)
    assert errors_of(again) == [(422, "幂等键“app-42”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键")]
    assert (Case.objects.count(), Open311Report.objects.count()) == (1, 1)
    assert Case.objects.get().description == "路口成堆垃圾"


def test_the_refusal_speaks_the_callers_language(world, clock, api_client):
    from .conftest import Open311Caller

    english = Open311Caller(language="en")
    english.post("requests.json", report_form(api_client.key, client_key="offline-1"))

    again = english.post("requests.json", report_form(api_client.key, client_key="offline-1", lat="30.2"))

    assert errors_of(again) == [(422, "The idempotency key “offline-1” was used for a different submission; "
                                      "send a retry unchanged, and a new submission with a new key")]


def test_a_report_key_replayed_with_another_photo_is_refused(world, clock, caller, api_client):
    from jiedao.conftest import jpeg_bytes

    caller.post("requests.json", report_form(api_client.key, media=make_upload()), HTTP_IDEMPOTENCY_KEY="p-1")

    again = caller.post("requests.json", report_form(api_client.key, media=make_upload(data=jpeg_bytes((0, 0, 255)))),
                        HTTP_IDEMPOTENCY_KEY="p-1")
    same = caller.post("requests.json", report_form(api_client.key, media=make_upload(name="other-name.jpg")),
                       HTTP_IDEMPOTENCY_KEY="p-1")

    assert (again.status_code, same.status_code) == (422, 200)
    assert Case.objects.get().photos.count() == 1


def test_the_same_body_in_another_field_order_and_a_new_api_key_is_a_retry(world, clock, caller, api_client):
    from jiedao.open311.services import open311_client_set_new_key

    form = report_form(api_client.key)
    first = caller.post("requests.json", form, HTTP_IDEMPOTENCY_KEY="app-7")
    new_key = open311_client_set_new_key(client=api_client.client)

    again = caller.post("requests.json", dict(reversed(list({**form, "api_key": new_key}.items()))),
                        HTTP_IDEMPOTENCY_KEY="app-7")

    assert again.status_code == 200
    assert body(again) == body(first)


def test_an_update_id_replayed_with_another_description_is_refused(world, clock, caller, api_client):
    case = published_case(world, state="closed")
    first = caller.post("servicerequestupdates.json", update_form(api_client.key, case))

    again = caller.post("servicerequestupdates.json", update_form(api_client.key, case, description="又脏了"))

    assert (first.status_code, again.status_code) == (201, 422)
    assert errors_of(again) == [(422, "幂等键“fms-1001”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键")]
    assert CaseEvent.objects.filter(action="public_not_fixed").count() == 1
    assert Open311Update.objects.count() == 1
