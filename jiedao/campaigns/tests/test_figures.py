"""Evidence figures: quantities no case carries, counted once with the cases."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiedao.campaigns.models import EvidenceFigure, EvidencePhoto, TargetMeasure
from jiedao.campaigns.selectors import campaign_progress
from jiedao.campaigns.services import figure_record
from jiedao.conftest import make_upload

from .conftest import at, closed, reported, target

pytestmark = pytest.mark.django_db


def _record(campaign_world, world, **overrides):
    values = {"campaign": campaign_world.campaign, "by": world.people.secretary,
              "line_id": campaign_world.buildings.pk, "community_id": world.taoyuan.pk, "on_date": date(2026, 11, 14),
              "count": 2, "quantity": "120", "note": "拆除违章搭建两处", "photos": [make_upload()]}
    values.update(overrides)
    return figure_record(**values)


def _buildings(campaign_world, world):
    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))
    return next(row for row in progress.communities if row.unit == world.taoyuan).cells[campaign_world.buildings.pk]


def test_a_figure_adds_its_count_and_quantity_to_the_community(world, clock, campaign_world):
    target(campaign_world, campaign_world.buildings, world.taoyuan, 4)
    target(campaign_world, campaign_world.buildings, world.taoyuan, 200, measure=TargetMeasure.QUANTITY)

    figure = _record(campaign_world, world)

    cell = _buildings(campaign_world, world)
    assert (cell.tally.done, cell.tally.quantity) == (2, Decimal("120.00"))
    assert (cell.count_completion, cell.quantity_completion) == (Decimal("50.0"), Decimal("60.0"))
    assert figure.entered_by == world.people.secretary and figure.photos.count() == 1
    assert EvidencePhoto.objects.get().image.name.endswith(".jpg")


def test_a_figure_linked_to_a_case_adds_quantity_but_never_a_second_count(world, clock, campaign_world):
    case = reported(world, clock, at(11, 10), lon=120.115, lat=30.205, item=world.no_rule_item)
    case = closed(world, clock, case, at(11, 12), inspector=campaign_world.inspector)
    clock.move_to(at(11, 17, 9))

    _record(campaign_world, world, case_number=case.number, count=0, quantity="35.5")
    with pytest.raises(ValidationError) as refused:
        _record(campaign_world, world, case_number=case.number, count=1, quantity="10")

    assert "count" in refused.value.message_dict
    cell = _buildings(campaign_world, world)
    assert (cell.tally.done, cell.tally.done_cases, cell.tally.quantity) == (1, 1, Decimal("35.50"))
    assert EvidenceFigure.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"photos": []}, "photos"),  # no evidence at all
    ({"on_date": date(2026, 10, 31)}, "on_date"),  # before the campaign
    ({"on_date": date(2026, 11, 18)}, "on_date"),  # after today
    ({"count": 0, "quantity": 0}, "count"),  # nothing done
    ({"count": "-1"}, "count"),
    ({"count": "1.5"}, "count"),
    ({"quantity": "abc"}, "quantity"),
    ({"quantity": "1e12"}, "quantity"),
    ({"note": "  "}, "note"),
    ({"case_number": "2026-999999"}, "case"),
    ({"line_id": 999_999}, "line"),
    ({"community_id": "x"}, "community"),
    ({"photos": [SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg")]}, "photos"),
    ({"photos": [], "document": SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")}, "document"),
])
def test_a_bad_figure_is_refused_naming_the_field_and_nothing_is_saved(world, clock, campaign_world, overrides,
                                                                       field):
    with pytest.raises(ValidationError) as refused:
        _record(campaign_world, world, **overrides)

    assert field in refused.value.message_dict
    assert EvidenceFigure.objects.count() == 0 and EvidencePhoto.objects.count() == 0


def test_quantity_on_a_line_that_only_counts_is_refused(world, clock, campaign_world):
    with pytest.raises(ValidationError) as refused:
        _record(campaign_world, world, line_id=campaign_world.garbage.pk)

    assert refused.value.message_dict["quantity"] == ["分项“清积存垃圾”不计工程量"]


def test_a_pdf_is_evidence_enough(world, clock, campaign_world):
    document = SimpleUploadedFile("拆除记录.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", content_type="application/pdf")

    figure = _record(campaign_world, world, photos=[], document=document)

    assert figure.document.name.endswith(".pdf") and figure.photos.count() == 0


def test_a_figure_for_a_key_place_counts_for_the_place_and_its_community(world, clock, campaign_world):
    _record(campaign_world, world, key_place_id=campaign_world.street.pk, community_id="")

    progress = campaign_progress(campaign=campaign_world.campaign, level=world.subdistrict, until=at(11, 17, 9))
    street = next(row for row in progress.key_places if row.place == campaign_world.street)
    assert street.cells[campaign_world.buildings.pk].tally.done == 2
    assert _buildings(campaign_world, world).tally.done == 2
    assert EvidenceFigure.objects.get().community == world.taoyuan


@pytest.mark.parametrize(("person", "community", "allowed"), [
    ("secretary", "taoyuan", True), ("secretary", "liuan", False), ("area_leader", "liuan", True),
    ("leader", "liuan", True), ("other_handler", "taoyuan", False), ("grid_worker", "taoyuan", False),
])
def test_who_may_enter_figures(world, clock, campaign_world, person, community, allowed):
    def attempt():
        return _record(campaign_world, world, by=getattr(world.people, person),
                       community_id=getattr(world, community).pk)

    if allowed:
        assert attempt().pk
    else:
        with pytest.raises(PermissionDenied):
            attempt()
        assert EvidenceFigure.objects.count() == 0
