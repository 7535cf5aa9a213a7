"""Words, not codes, in English too (issue 10, point 9): an escalation in the case timeline and in
the message list is said in the reader's language; the sweep is no role."""

from datetime import timedelta

import pytest
from django.conf import settings

from jiedao.supervision.services import escalations_sweep

from .conftest import TUESDAY_0900, report, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(world, ladder, clock):
    case = walk_to(world, report(world), "handling")
    escalations_sweep(now=TUESDAY_0900 + timedelta(hours=6))  # remind and urge, one message (urge's)
    return case


def in_english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_timeline_says_an_escalation_in_english_and_names_no_system_role(world, escalated, client):
    page = in_english(client, world.people.dispatcher).get(f"/cases/{escalated.number}/")

    entries = [entry for entry in page.context["timeline"] if entry.event.action == "escalate"]
    assert entries[0].opinion.startswith(f"[Reminder] Case {escalated.number}: ")
    assert entries[1].opinion.startswith(f"[Urging] Case {escalated.number}: ")
    assert entries[1].opinion.endswith("% of the time limit used")
    assert (entries[0].actor, entries[0].role_label) == ("System", "")
    html = page.content.decode()
    assert "处置时限已用去" not in html
    assert "（system）" not in html and "(system)" not in html


def test_the_message_list_says_an_escalation_in_english_and_as_sent_in_chinese(world, escalated, client):
    english = in_english(client, world.people.handler).get("/notifications/")
    title, body = english.context["rows"][0][1].title, english.context["rows"][0][1].body

    assert title.startswith(f"[Urging] Case {escalated.number}: ")
    assert body == "暴露垃圾, 桃源路 12 号; handled by 环卫所; deadline 2026-11-17 14:30."
    assert "处置单位" not in english.content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/notifications/")
    notification, words = chinese.context["rows"][0]
    assert (words.title, words.body) == (notification.title, notification.body)
    assert notification.title.startswith(f"【催办】案件 {escalated.number} 处置时限已用去")
