"""Deliveries on the outside channels: sent once, retried with backoff, never twice."""

import base64
import hashlib
import hmac
import urllib.parse
from datetime import timedelta

import pytest
from django.core import mail

from jiedao.supervision import services, transport
from jiedao.supervision.models import Channel, Delivery, DeliveryState, NotificationChannel
from jiedao.supervision.services import deliveries_due, delivery_send, escalations_sweep

from .conftest import TUESDAY_0900, Answer, report, walk_to

PAST_DEADLINE = TUESDAY_0900 + timedelta(hours=6)  # remind and urge reached (4 工作时 end at 14:30)


def robot_delivery(world, clock, channel: str, url: str, secret: str = "") -> Delivery:
    field = {Channel.WECOM: "wecom_webhook_url", Channel.DINGTALK: "dingtalk_webhook_url"}[channel]
    NotificationChannel.objects.create(organisation=world.cleaning, **{field: url}, dingtalk_secret=secret)
    walk_to(world, report(world), "handling")
    clock.move_to(PAST_DEADLINE)
    escalations_sweep(now=PAST_DEADLINE)
    # remind lists no robots; urge does: one message for the department's group
    return Delivery.objects.get(channel=channel)


def test_wecom_robot_gets_the_text_message(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer())
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT

    path, body = receiver.requests[0]
    assert len(receiver.requests) == 1
    assert path == "/robot/send?access_token=abc"
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("【催办】案件 ")
    number = delivery.escalation.case.number
    assert body["text"]["content"].endswith(f"\n查看案件：http://127.0.0.1:8000/cases/{number}/")
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.sent_at, delivery.last_error) == (
        DeliveryState.SENT, 1, PAST_DEADLINE, "")


def test_dingtalk_robot_gets_a_signed_request(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer())
    secret = "SEC0123456789abcdef"
    delivery = robot_delivery(world, clock, Channel.DINGTALK, receiver.url(), secret=secret)

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT

    path, body = receiver.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(PAST_DEADLINE.timestamp() * 1000))
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]  # parse_qs undoes the URL encoding
    assert body == {"msgtype": "text", "text": {"content": delivery.payload["text"]["content"]}}


def test_a_500_is_retried_after_the_backoff_and_sent_once(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer(status=500, body={}), Answer())
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.PENDING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error, delivery.next_attempt_at) == (
        1, "HTTP 500", PAST_DEADLINE + timedelta(minutes=1))
    # not due yet: neither the worker's retry nor the retry job sends it
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert deliveries_due(now=PAST_DEADLINE) == []

    clock.shift(timedelta(minutes=1))
    assert deliveries_due(now=PAST_DEADLINE + timedelta(minutes=1)) == [delivery.pk]
    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT
    assert delivery_send(delivery_id=delivery.pk) == "skipped"

    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 2)


def test_a_timeout_leaves_the_delivery_pending_with_backoff(world, ladder, clock, receiver_factory, monkeypatch):
    monkeypatch.setattr(transport, "WEBHOOK_TIMEOUT_SECONDS", 0.2)
    receiver = receiver_factory(Answer(delay=1.0))
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.PENDING

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        DeliveryState.PENDING, 1, "timeout after 0.2 s")
    assert delivery.next_attempt_at == PAST_DEADLINE + timedelta(minutes=1)


def test_an_errcode_is_a_failure_with_its_message(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer(body={"errcode": 310000, "errmsg": "sign not match"}))
    delivery = robot_delivery(world, clock, Channel.DINGTALK, receiver.url(), secret="SECx")

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.PENDING

    delivery.refresh_from_db()
    assert delivery.last_error == "errcode 310000: sign not match"


def test_failed_after_the_last_attempt(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer(status=503, body={}))
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())
    states = []
    for _attempt in range(services.MAX_DELIVERY_ATTEMPTS):
        states.append(delivery_send(delivery_id=delivery.pk))
        clock.shift(services.RETRY_CAP)

    assert states == [DeliveryState.PENDING] * (services.MAX_DELIVERY_ATTEMPTS - 1) + [DeliveryState.FAILED]
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.requests) == services.MAX_DELIVERY_ATTEMPTS
    assert [services.retry_delay(attempts=n) for n in (1, 2, 3, 4, 10)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8), timedelta(hours=1)]


def test_a_second_worker_cannot_send_a_claimed_delivery(world, ladder, clock, receiver_factory, monkeypatch):
    receiver = receiver_factory(Answer())
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())
    real_post, second_worker = transport.robot_post, []

    def post_while_another_worker_tries(**kwargs):
        # while the first worker is sending, a second worker (or huey's retry) gets the same id
        second_worker.append(delivery_send(delivery_id=delivery.pk))
        real_post(**kwargs)

    monkeypatch.setattr(transport, "robot_post", post_while_another_worker_tries)

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT

    assert second_worker == ["skipped"]
    assert len(receiver.requests) == 1


def test_a_worker_killed_mid_send_is_recovered_after_the_lease(world, ladder, clock, receiver_factory):
    receiver = receiver_factory(Answer())
    delivery = robot_delivery(world, clock, Channel.WECOM, receiver.url())
    # the claim happened, then the process died before the answer was recorded
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.SENDING, claimed_at=PAST_DEADLINE, attempts=1)
    assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert deliveries_due(now=PAST_DEADLINE + timedelta(minutes=1)) == []

    clock.shift(services.sending_lease() + timedelta(seconds=1))
    assert deliveries_due(now=PAST_DEADLINE + services.sending_lease() + timedelta(seconds=1)) == [delivery.pk]
    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(receiver.requests)) == (DeliveryState.SENT, 2, 1)


def test_email_through_the_mail_backend(world, ladder, clock, settings):
    settings.JIEDAO_PUBLIC_URL = "https://jiedao.example.gov.cn/"
    world.people.handler.email = "sun@example.org"
    world.people.handler.save(update_fields=["email"])
    case = walk_to(world, report(world), "handling")
    clock.shift(timedelta(hours=5))
    escalations_sweep(now=TUESDAY_0900 + timedelta(hours=5))  # 210 of 240 working minutes: remind only
    delivery = Delivery.objects.get()

    assert delivery_send(delivery_id=delivery.pk) == DeliveryState.SENT

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sun@example.org"]
    assert message.subject == f"【提醒】案件 {case.number} 处置时限已用去 87%"
    assert message.body == ("暴露垃圾，桃源路 12 号；处置单位：环卫所；处置期限：2026-11-17 14:30。\n"
                            f"查看案件：https://jiedao.example.gov.cn/cases/{case.number}/")


def test_email_switched_off_for_the_department_creates_no_delivery(world, ladder, clock):
    world.people.handler.email = "sun@example.org"
    world.people.handler.save(update_fields=["email"])
    NotificationChannel.objects.create(organisation=world.cleaning, email_enabled=False)
    walk_to(world, report(world), "handling")

    result = escalations_sweep(now=TUESDAY_0900 + timedelta(hours=5))

    assert (result.notifications_created, result.deliveries_created) == (1, 0)


@pytest.mark.django_db(transaction=False)
def test_the_worker_sends_what_the_sweep_enqueued_on_commit(world, ladder, clock, django_capture_on_commit_callbacks):
    from jiedao.supervision.tasks import escalations_sweep_task

    world.people.handler.email = "sun@example.org"
    world.people.handler.save(update_fields=["email"])
    walk_to(world, report(world), "handling")
    clock.shift(timedelta(hours=5))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        escalations_sweep_task()  # huey runs immediately in tests

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT
