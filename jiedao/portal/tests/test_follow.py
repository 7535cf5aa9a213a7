"""Following a case, an area or a category: confirmed by a link, told of changes by email once,
undone in one click; an area's Atom and RSS feeds."""

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail

from jiedao import clock as jiedao_clock
from jiedao.cases import services
from jiedao.portal import services as portal_services
from jiedao.portal.models import Follow, FollowNotice
from jiedao.portal.tasks import follow_notices_task

from .conftest import report, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_by_email(resident, django_capture_on_commit_callbacks):
    """Ask to follow on the portal; the confirmation is sent when the request's transaction commits."""
    def ask(kind, target, email="resident@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            return resident.post("/p/follow/", {"kind": kind, f"target_{kind}": target, "email": email,
                                                "next": "/p/areas/"})
    return ask


def confirm_link(message) -> str:
    return re.search(r"http://[^\s]+/p/follow/confirm/[^\s/]+/", message.body).group(0)


def sweep(clock) -> int:
    """The worker's minute job, a little later than the events it reads."""
    clock.shift(timedelta(seconds=30))
    return follow_notices_task.call_local()


def test_an_email_follow_waits_for_the_confirm_link(world, clock, resident, follow_by_email):
    case = report(world)

    response = follow_by_email("case", case.public_code)

    follow = Follow.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/p/areas/#follow")
    assert (follow.kind, follow.case, follow.email, follow.confirmed_at) == ("case", case, "resident@example.com", None)
    assert [m.to for m in mail.outbox] == [["resident@example.com"]]
    assert f"/p/follow/confirm/{follow.token}/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000/p/follow/unsubscribe/{follow.token}/>")
    services.case_accept(case=case, by=world.people.intake_clerk)
    sweep(clock)
    assert len(mail.outbox) == 1  # nothing before confirming

    confirmed = resident.get(confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""))

    assert confirmed.status_code == 200
    assert Follow.objects.get().is_active


def test_asking_twice_sends_one_confirmation_and_makes_one_follow(world, clock, resident, follow_by_email):
    case = report(world)

    follow_by_email("case", case.public_code)
    follow_by_email("case", case.public_code, email="Resident@Example.com")

    assert Follow.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_case_follower_is_told_each_public_step_once_in_one_message(world, clock, resident, follow_by_email):
    case = report(world)
    clock.shift(timedelta(minutes=1))
    follow_by_email("case", case.public_code)
    resident.get(confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""))
    mail.outbox.clear()
    p = world.people
    services.case_accept(case=case, by=p.intake_clerk, opinion="内部意见")
    services.case_file(case=case, by=p.shift_lead)
    services.case_dispatch(case=case, by=p.dispatcher, department=world.cleaning)
    services.case_request(case=case, by=p.handler, kind="return", reason="内部申请")  # not public

    sent = sweep(clock)
    again = sweep(clock)

    assert (sent, again) == (1, 0)
    message = mail.outbox[0]
    assert message.subject == "【街道人居环境整治平台】您关注的问题有 3 条新进展"
    assert "已受理" in message.body and "已立案，等待派遣" in message.body and "已交由环卫所处理" in message.body
    assert "内部" not in message.body
    assert f"http://127.0.0.1:8000/p/c/{case.public_code}/" in message.body
    assert FollowNotice.objects.filter(sent_at__isnull=True).count() == 0


def test_an_area_follower_hears_of_new_problems_and_closings_only(world, clock, resident, follow_by_email):
    follow_by_email("area", world.taoyuan.code)
    resident.get(confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""))
    mail.outbox.clear()

    inside = walk_to(world, report(world, column=0), "closed")
    report(world, column=2)  # 柳岸社区: not followed
    sweep(clock)

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count(f"{inside.number} 暴露垃圾：") == 2
    # the new problem is news once intake accepts it (before, it is not published)
    assert "已受理" in body and "已办结" in body and "收到问题反映" not in body


def test_a_category_follower_hears_of_that_category_only(world, clock, resident, follow_by_email):
    follow_by_email("category", world.no_rule_item.pk)
    resident.get(confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""))
    mail.outbox.clear()

    walk_to(world, report(world), "accepted")  # 暴露垃圾
    other = walk_to(world, report(world, item=world.no_rule_item), "accepted")
    report(world, item=world.no_rule_item)  # not accepted yet: not published, not news
    sweep(clock)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"【街道人居环境整治平台】{other.number} 乱堆杂物：已受理"


def test_one_click_unsubscribe_stops_the_messages(world, clock, resident, follow_by_email):
    case = report(world)
    follow_by_email("case", case.public_code)
    resident.get(confirm_link(mail.outbox[0]).replace("http://127.0.0.1:8000", ""))
    follow = Follow.objects.get()

    page = resident.get(f"/p/follow/unsubscribe/{follow.token}/")
    assert page.status_code == 200 and Follow.objects.get().unsubscribed_at is None  # a GET only asks
    response = resident.post(f"/p/follow/unsubscribe/{follow.token}/", {"List-Unsubscribe": "One-Click"})
    mail.outbox.clear()
    services.case_accept(case=case, by=world.people.intake_clerk)
    sweep(clock)

    assert response.status_code == 200
    assert Follow.objects.get().unsubscribed_at == jiedao_clock.now() - timedelta(seconds=30)
    assert mail.outbox == []


def test_the_mail_clients_one_click_post_needs_no_csrf_token(world, clock):
    from django.test import Client

    case = report(world)
    follow = portal_services.follow_start(kind="case", target=case, email="x@example.com", now=jiedao_clock.now())

    response = Client(enforce_csrf_checks=True).post(f"/p/follow/unsubscribe/{follow.token}/",
                                                     "List-Unsubscribe=One-Click",
                                                     content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert Follow.objects.get().unsubscribed_at is not None


def test_staff_signed_in_follow_at_once_with_their_accounts_address(world, clock, resident):
    clerk = world.people.intake_clerk
    clerk.email = "clerk@jiedao.example"
    clerk.save()
    resident.force_login(clerk)
    case = report(world)

    resident.post("/p/follow/", {"kind": "case", "target": case.public_code, "next": f"/p/c/{case.public_code}/"})

    follow = Follow.objects.get()
    assert (follow.email, follow.user, follow.is_active) == ("clerk@jiedao.example", clerk, True)
    assert mail.outbox == []


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "case", "target": "2026-999999", "email": "a@example.com"}, "请选择要关注的内容"),
    ({"kind": "planet", "target": "x", "email": "a@example.com"}, "请选择要关注的内容"),
    ({"kind": "case", "target": "CASE", "email": "not-an-email"}, "请填写正确的邮箱地址"),
])
def test_a_bad_follow_is_refused_with_a_message_and_writes_nothing(world, clock, resident, data, message):
    case = report(world)
    data = {**data, "target": case.public_code if data["target"] == "CASE" else data["target"]}

    response = resident.post("/p/follow/", data, follow=True)

    assert message in response.content.decode()
    assert (Follow.objects.count(), len(mail.outbox)) == (0, 0)


def test_a_merged_duplicates_followers_move_to_the_original(world, clock, resident):
    original, duplicate = report(world), report(world)
    clock.shift(timedelta(minutes=1))  # followed after the reports: their "reported" steps are not news
    for email, target in [("a@example.com", duplicate), ("b@example.com", duplicate), ("b@example.com", original)]:
        follow = portal_services.follow_start(kind="case", target=target, email=email, now=jiedao_clock.now())
        portal_services.follow_confirm(token=follow.token, now=jiedao_clock.now())
    mail.outbox.clear()
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="重复")

    sweep(clock)
    services.case_accept(case=original, by=world.people.intake_clerk)
    sweep(clock)

    live = Follow.objects.filter(unsubscribed_at__isnull=True)
    assert sorted(live.values_list("email", "case_id")) == [("a@example.com", original.pk),
                                                             ("b@example.com", original.pk)]
    told = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert told == [("a@example.com", f"【街道人居环境整治平台】{original.number} 暴露垃圾：已受理"),
                    ("a@example.com", f"【街道人居环境整治平台】{duplicate.number} 暴露垃圾：与同一问题的其他反映合并处理"),
                    ("b@example.com", f"【街道人居环境整治平台】{original.number} 暴露垃圾：已受理")]


def test_a_failed_send_is_tried_again_at_the_next_sweep(world, clock, settings):
    case = report(world)
    follow = portal_services.follow_start(kind="case", target=case, email="x@example.com", now=jiedao_clock.now())
    portal_services.follow_confirm(token=follow.token, now=jiedao_clock.now())
    mail.outbox.clear()
    services.case_accept(case=case, by=world.people.intake_clerk)
    settings.EMAIL_BACKEND = "jiedao.portal.tests.failing_mail.Backend"

    first = sweep(clock)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    second = sweep(clock)

    assert (first, second) == (0, 1)
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- feeds

def test_an_areas_atom_feed_lists_its_public_steps(world, clock, resident):
    inside = walk_to(world, report(world, column=0), "closed")
    outside = report(world, column=2)

    response = resident.get(f"/p/feeds/area/{world.taoyuan.code}/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [entry.find("a:title", ns).text for entry in feed.findall("a:entry", ns)]
    assert titles[0] == f"{inside.number} 暴露垃圾：已办结"
    assert f"{inside.number} 暴露垃圾：收到问题反映" in titles
    assert not any(outside.number in title for title in titles)
    assert len(titles) == 7  # report, accept, file, dispatch, fix, check, close


def test_an_rss_feed_and_an_unknown_area(world, clock, resident):
    walk_to(world, report(world), "accepted")

    rss = resident.get(f"/p/feeds/area/{world.subdistrict.code}/rss/")
    missing = resident.get("/p/feeds/area/000000/rss/")

    assert rss["Content-Type"].startswith("application/rss+xml")
    assert len(ElementTree.fromstring(rss.content).findall("channel/item")) == 2  # report, accept
    assert missing.status_code == 404
