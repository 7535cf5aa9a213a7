"""A phone that lost its signal sends its submission again with the same key: one inspection, one
set of cases, the first answer; the same key with another body is refused (422)."""

import pytest

from jiedao.cases.idempotency import KeyReused
from jiedao.cases.models import Case
from jiedao.inspections import services
from jiedao.inspections.models import Inspection, InspectionState, InspectionSubmission

from .conftest import item, score, start

pytestmark = pytest.mark.usefixtures("clock")
KEY = "0d6f7b4e-1c2a-4b8e-9f00-7a1b2c3d4e5f"


def test_the_same_submission_twice_makes_one_inspection_and_one_set_of_cases(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "1", 2)
    seen = [[item(sheet, "1").pk, 2, False]]
    first = services.inspection_submit_once(key=KEY, by=world.people.inspector, inspection=inspection,
                                            results_seen=seen, fingerprint="a" * 64)
    again = services.inspection_submit_once(key=KEY, by=world.people.inspector, inspection=inspection,
                                            results_seen=seen, fingerprint="a" * 64)
    assert (first.status, first.replayed, again.replayed, again.body) == (200, False, True, first.body)
    assert first.body["message"] == "检查已提交：16.00 分，扣分 1 项，立案 1 件"
    assert Case.objects.count() == 1
    assert Inspection.objects.get().state == InspectionState.SUBMITTED

    with pytest.raises(KeyReused):
        services.inspection_submit_once(key=KEY, by=world.people.inspector, inspection=inspection,
                                        results_seen=[], fingerprint="b" * 64)
    assert (Case.objects.count(), InspectionSubmission.objects.count()) == (1, 1)


def test_a_submission_that_differs_from_the_servers_record_is_refused_and_keeps_the_key_free(world, sheet):
    inspection = start(world, sheet)
    score(inspection, "1", 2)
    with pytest.raises(services.WrongState) as refused:
        services.inspection_submit_once(key=KEY, by=world.people.inspector, inspection=inspection,
                                        results_seen=[[item(sheet, "1").pk, 3, False]], fingerprint="a" * 64)
    assert str(refused.value.message) == "以下条目本机记录与服务器不一致，请重新记录后再提交：1 垃圾"
    assert (InspectionSubmission.objects.count(), Case.objects.count()) == (0, 0)
    assert Inspection.objects.get().state == InspectionState.DRAFT
