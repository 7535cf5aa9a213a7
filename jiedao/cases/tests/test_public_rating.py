"""回访满意度 (`case_rate`), its counts for the evaluation, and staff publishing photos."""

import pytest

from jiedao.cases import services
from jiedao.cases.errors import InvalidInput, NotAllowed, WrongState
from jiedao.cases.models import Case, CaseEvent, CasePhoto, CasePolicy, CaseRating, RatingSource
from jiedao.cases.selectors import satisfaction_counts

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db


def test_the_holder_of_the_tracking_code_rates_a_closed_case_once(world, clock):
    case = walk_to(world, report(world), "closed")

    rating = services.case_rate(case=case, score=5, comment="很快", tracking_code=case.tracking_code.lower())

    rating = CaseRating.objects.get(pk=rating.pk)
    assert (rating.case, rating.score, rating.comment, rating.source, rating.recorded_by) == (
        case, 5, "很快", RatingSource.PORTAL, None)
    event = CaseEvent.objects.get(case=case, action="rate")
    assert (event.data, event.actor) == ({"score": 5, "source": "portal"}, None)
    with pytest.raises(WrongState) as again:
        services.case_rate(case=case, score=1, tracking_code=case.tracking_code)
    assert str(again.value.message) == "该案件已经评价过了"
    assert CaseRating.objects.get(case=case).score == 5


def test_a_case_not_yet_closed_is_not_rated(world, clock):
    case = walk_to(world, report(world), "checked")

    with pytest.raises(WrongState) as refused:
        services.case_rate(case=case, score=4, tracking_code=case.tracking_code)

    assert str(refused.value.message) == "案件办结后才能评价"
    assert (CaseRating.objects.count(), CaseEvent.objects.filter(action="rate").count()) == (0, 0)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"score": 4, "tracking_code": "WRONGCODE2"}, NotAllowed),
    ({"score": 4, "tracking_code": None}, NotAllowed),
    ({"score": 0}, InvalidInput),
    ({"score": 6}, InvalidInput),
    ({"score": "五"}, InvalidInput),
    ({"score": 4, "comment": "长" * 1001}, InvalidInput),
], ids=["wrong-code", "no-code", "zero", "six", "not-a-number", "long-comment"])
def test_a_bad_rating_is_refused_and_writes_nothing(world, clock, kwargs, error):
    case = walk_to(world, report(world), "closed")
    kwargs.setdefault("tracking_code", case.tracking_code)

    with pytest.raises(error):
        services.case_rate(case=case, **kwargs)

    assert (CaseRating.objects.count(), CaseEvent.objects.filter(action="rate").count()) == (0, 0)


def test_a_phone_rating_is_recorded_by_the_command_centre_only(world, clock):
    case = walk_to(world, report(world), "closed")

    with pytest.raises(NotAllowed):
        services.case_rate(case=case, score=3, source=RatingSource.PHONE, by=world.people.handler)
    rating = services.case_rate(case=case, score=3, source=RatingSource.PHONE, by=world.people.intake_clerk)

    assert (rating.source, rating.recorded_by) == (RatingSource.PHONE, world.people.intake_clerk)


def test_satisfaction_counts_rated_satisfied_and_the_sum(world, clock):
    scores = [5, 4, 3, 1]
    cases = [walk_to(world, report(world), "closed") for _ in scores]
    walk_to(world, report(world), "closed")  # closed, never rated
    for case, score in zip(cases, scores, strict=True):
        services.case_rate(case=case, score=score, tracking_code=case.tracking_code)

    assert satisfaction_counts(Case.objects.all()) == (4, 2, 13)
    assert satisfaction_counts(Case.objects.filter(pk__in=[cases[2].pk, cases[3].pk])) == (2, 0, 4)
    assert satisfaction_counts(Case.objects.none()) == (0, 0, 0)
    policy = CasePolicy.current()
    policy.satisfied_min_score = 3
    policy.save()
    assert satisfaction_counts(Case.objects.all()) == (4, 3, 13)


def test_staff_of_the_command_centre_publish_and_unpublish_a_photo(world, clock):
    case = walk_to(world, report(world), "fixed")
    after = CasePhoto.objects.get(case=case, stage="after")

    services.case_photo_publish(photo=after, by=world.people.dispatcher, public=True)
    services.case_photo_publish(photo=after, by=world.people.dispatcher, public=True)  # already: no event
    assert CasePhoto.objects.get(pk=after.pk).is_public is True
    services.case_photo_publish(photo=after, by=world.people.shift_lead, public=False)

    assert CasePhoto.objects.get(pk=after.pk).is_public is False
    assert list(CaseEvent.objects.filter(case=case, action__startswith="photo_")
                .values_list("action", "actor_role", "data")) == [
        ("photo_publish", "dispatcher", {"photo": after.pk, "stage": "after"}),
        ("photo_unpublish", "shift_lead", {"photo": after.pk, "stage": "after"})]


@pytest.mark.parametrize("persona", ["handler", "grid_worker", "leader", "other_secretary"])
def test_others_may_not_publish_a_photo(world, clock, persona):
    case = walk_to(world, report(world), "fixed")
    photo = CasePhoto.objects.get(case=case, stage="after")
    events = CaseEvent.objects.count()

    with pytest.raises(NotAllowed):
        services.case_photo_publish(photo=photo, by=getattr(world.people, persona), public=True)

    assert CasePhoto.objects.get(pk=photo.pk).is_public is False
    assert CaseEvent.objects.count() == events
