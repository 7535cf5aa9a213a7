"""The phone's endpoints through HTTP: start, score an item (the running total), submit once per
key; and bad input — a count of −1 or 10⁹, an unknown item, an item of another version, a photo
too large, a re-inspection of an item not failed — each a translated 400 with nothing written."""

import json
import uuid
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.test import Client

from jiedao.cases.models import Case, CasePhoto
from jiedao.checklists.services import checklist_create, version_fill, version_publish
from jiedao.conftest import grid_centre, jpeg_bytes, make_upload
from jiedao.inspections.models import (
    Inspection,
    InspectionPhoto,
    InspectionResult,
    InspectionSubmission,
    Reinspection,
)

from .conftest import item, sheet_sections

pytestmark = pytest.mark.usefixtures("clock")


class Phone:
    def __init__(self, user, language="zh-hans"):
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.client.force_login(user)
        self.inspection = str(uuid.uuid4())

    def json(self, path, body):
        return self.client.post(path, json.dumps(body), content_type="application/json")

    def start(self, sheet, unit, **extra):
        return self.json("/field/inspections/api/", {"client_id": self.inspection, "version": sheet.pk,
                                                     "unit": unit.pk, "kind": "notified", **extra})

    def score(self, item_id, occurrences, key=None, **fields):
        lon, lat = grid_centre(0)
        body = {"key": key or str(uuid.uuid4()), "item": str(item_id), "occurrences": str(occurrences),
                "longitude": str(lon), "latitude": str(lat), "crs": "wgs84", **fields}
        return self.client.post(f"/field/inspections/api/{self.inspection}/items/", body)

    def submit(self, results, key=None):
        return self.json(f"/field/inspections/api/{self.inspection}/submit/",
                         {"key": key or str(uuid.uuid4()), "results": results})


def _nothing_scored(settings):
    assert (InspectionResult.objects.count(), InspectionPhoto.objects.count(),
            InspectionSubmission.objects.count()) == (0, 0, 0)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_phone_scores_and_submits_once(world, sheet):
    phone = Phone(world.people.inspector)
    assert phone.start(sheet, world.taoyuan).status_code == 201
    assert phone.start(sheet, world.taoyuan).status_code == 200  # sent twice: the same inspection
    answer = phone.score(item(sheet, "1").pk, 2, photos=make_upload())
    assert answer.status_code == 200
    assert (answer.json()["total"], answer.json()["item"]["lost"]) == ("16.00", "4.00")

    key, results = str(uuid.uuid4()), [[item(sheet, "1").pk, 2, False]]
    first = phone.submit(results, key=key)
    again = phone.submit(results, key=key)
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (200, 200, "true")
    assert first.json() == again.json()
    assert first.json()["cases"] == [Case.objects.get().number]
    assert Inspection.objects.get().total == D(16)

    refused = phone.submit([], key=key)
    assert refused.status_code == 422
    assert refused.json()["detail"] == f"幂等键“{key}”已用于另一份内容不同的提交；重试请原样发送，新的提交请使用新的幂等键"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("occurrences", "message"), [
    ("-1", "第 1 垃圾 项：次数不能为负数"), ("1000000000", "第 1 垃圾 项：次数不能超过 9999"),
    ("三", "次数须为整数"),
])
def test_a_bad_count_is_a_400(world, sheet, settings, occurrences, message):
    phone = Phone(world.people.inspector)
    phone.start(sheet, world.taoyuan)
    response = phone.score(item(sheet, "1").pk, occurrences, photos=make_upload())
    assert response.status_code == 400
    assert response.json()["detail"] == message
    _nothing_scored(settings)


def test_an_unknown_item_and_an_item_of_another_version_are_400(world, sheet, settings):
    leader = world.people.leader
    other = checklist_create(code="other", name="另一细则", by=leader)
    version_fill(version=other, sections=sheet_sections(world), by=leader)
    version_publish(version=other, by=leader)
    phone = Phone(world.people.inspector)
    phone.start(sheet, world.taoyuan)
    unknown = phone.score(999999, 1)
    foreign = phone.score(item(other, "1").pk, 1)
    assert (unknown.status_code, unknown.json()["detail"]) == (400, "没有该细则条目")
    assert (foreign.status_code, foreign.json()["detail"]) == (400, "条目“1 垃圾”不属于本次检查所用的细则版本")
    _nothing_scored(settings)


def test_a_photo_too_large_is_a_400(world, sheet, settings):
    settings.JIEDAO_PHOTO_MAX_BYTES = 1000
    phone = Phone(world.people.inspector)
    phone.start(sheet, world.taoyuan)
    response = phone.score(item(sheet, "1").pk, 1, photos=make_upload("现场.jpg", jpeg_bytes(size=(800, 600))))
    assert response.status_code == 400
    assert response.json()["detail"] == "照片“现场.jpg”太大（上限 0 MB）"
    _nothing_scored(settings)


def test_messages_are_translated(world, sheet, settings):
    phone = Phone(world.people.inspector, language="en")
    phone.start(sheet, world.taoyuan)
    response = phone.score(item(sheet, "1").pk, "-1")
    assert response.status_code == 400
    assert response.json()["detail"] == "Item 1 垃圾: the count cannot be negative"
    _nothing_scored(settings)


def test_a_reinspection_of_an_item_not_failed_is_a_400(world, sheet):
    phone = Phone(world.people.inspector)
    phone.start(sheet, world.taoyuan)
    phone.score(item(sheet, "2").pk, 1)
    phone.submit(None)
    inspection = Inspection.objects.get()
    response = phone.client.post(f"/inspections/{inspection.pk}/reinspect/", {
        f"outcome-{item(sheet, '2').pk}": "rectified", f"outcome-{item(sheet, '1').pk}": "rectified"})
    assert response.status_code == 400
    assert [str(message) for message in response.context["messages"]] == ["第 1 垃圾 项在本次检查中未扣分，无需复查"]
    assert Reinspection.objects.count() == 0
    unknown = phone.client.post(f"/inspections/{inspection.pk}/reinspect/", {"outcome-999999": "rectified"})
    assert [str(message) for message in unknown.context["messages"]] == ["该条目不属于本次检查"]
    done = phone.client.post(f"/inspections/{inspection.pk}/reinspect/", {f"outcome-{item(sheet, '2').pk}": "rectified"})
    assert done.status_code == 302
    assert Reinspection.objects.get().items.get().result.item == item(sheet, "2")


def test_others_and_strangers(world, sheet):
    phone = Phone(world.people.inspector)
    phone.start(sheet, world.taoyuan)
    other = Phone(world.people.supervisor)
    other.inspection = phone.inspection
    # Another person's inspection answers like one that does not exist.
    assert other.score(item(sheet, "1").pk, 1).status_code == 404
    handler = Phone(world.people.handler)
    assert handler.start(sheet, world.taoyuan).status_code == 403
    anonymous = Client()
    assert anonymous.post("/field/inspections/api/", "{}", content_type="application/json").status_code == 401
    assert Inspection.objects.count() == 1
    assert CasePhoto.objects.count() == 0


def test_a_plan_one_may_not_read_is_not_named(world, sheet):
    from datetime import date

    from jiedao.inspections.services import plan_create

    plan = plan_create(by=world.people.leader, name="柳岸暗访计划", checklist=sheet.checklist,
                       inspector=world.people.leader, kind="unannounced", targets=[(world.liuan, "")],
                       starts_on=date(2026, 11, 1))
    phone = Phone(world.people.supervisor)
    response = phone.start(sheet, world.taoyuan, plan=plan.pk)
    assert (response.status_code, response.json()["detail"]) == (400, "没有该检查计划")
    assert "柳岸暗访计划" not in phone.client.get(
        f"/field/inspections/sheet/{sheet.pk}/", {"plan": plan.pk}).content.decode()
    assert Inspection.objects.count() == 0
