"""The staff timeline in words, not codes (issue 10, points 3 and 9): a resident's rating shows
its stars and 居民, a closure and rating a later "not fixed" sent back are marked as superseded."""

import pytest
from django.test import Client

from jiedao.cases import services
from jiedao.cases.models import CaseSource
from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.django_db


def closed_and_rated(world):
    case = walk_to(world, report(world, by=None, source=CaseSource.RESIDENT, reporter_phone="13900001111"), "closed")
    services.case_rate(case=case, score=4, comment="还行", tracking_code=case.tracking_code)
    return case


def test_a_portal_rating_shows_its_stars_and_the_resident(world, clock, as_user):
    case = closed_and_rated(world)

    response = as_user(world.people.shift_lead).get(f"/cases/{case.number}/")

    rate = next(entry for entry in response.context["timeline"] if entry.event.action == "rate")
    assert rate.actor == "居民"
    assert rate.facts == [("评分", "★★★★☆"), ("评价方式", "群众网页评价")]
    html = response.content.decode()
    assert "★★★★☆" in html
    assert ">portal<" not in html and "来源：</dt><dd>portal" not in html


def test_the_staff_timeline_marks_the_superseded_closure_and_rating(world, clock, as_user):
    case = closed_and_rated(world)
    Client().post(f"/p/t/{case.tracking_code}/update/", {"not_fixed": "yes", "text": "又堆起来了"})

    response = as_user(world.people.shift_lead).get(f"/cases/{case.number}/")

    entries = {entry.event.action: entry for entry in response.context["timeline"]}
    assert entries["close"].superseded_note == "已被后续反映取代"
    assert entries["rate"].superseded_note == "此前的评价，已被后续反映取代"
    assert entries["public_not_fixed"].superseded_note == ""
    assert entries["public_not_fixed"].actor == "居民"
    assert response.content.decode().count("已被后续反映取代") == 2


def test_in_english_the_rating_says_resident_and_its_method_in_words(world, clock, as_user, settings):
    case = closed_and_rated(world)
    client = as_user(world.people.shift_lead)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(f"/cases/{case.number}/")

    rate = next(entry for entry in response.context["timeline"] if entry.event.action == "rate")
    assert rate.actor == "Resident"
    assert rate.facts[0][1] == "★★★★☆"
    html = response.content.decode()
    assert "portal" not in html.split('class="timeline"')[1]
    assert "居民" not in html
