"""The bell: unread count in the header, the list, mark as read (POST, own messages only)."""


from jiedao.supervision.models import Notification

from .conftest import TUESDAY_0900


def message(user, title="【提醒】案件 2026-000001 处置时限已用去 80%", read=False):
    return Notification.objects.create(recipient=user, kind="escalation", title=title, body="暴露垃圾",
                                       created_at=TUESDAY_0900, read_at=TUESDAY_0900 if read else None)


def test_the_bell_shows_the_unread_count(world, client):
    handler = world.people.handler
    message(handler), message(handler), message(handler, read=True), message(world.people.leader)
    client.force_login(handler)

    page = client.get("/notifications/")

    assert page.status_code == 200
    assert page.context["unread_notifications"] == 2
    assert '<span class="bell__count">2</span>' in page.content.decode()


def test_the_list_shows_only_my_messages(world, client):
    mine = message(world.people.handler, title="给处置人员的消息")
    message(world.people.leader, title="给领导的消息")
    client.force_login(world.people.handler)

    page = client.get("/notifications/").content.decode()

    assert mine.title in page
    assert "给领导的消息" not in page


def test_mark_as_read(world, client, clock):
    notification = message(world.people.handler)
    client.force_login(world.people.handler)

    response = client.post(f"/notifications/{notification.pk}/read/")

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at == TUESDAY_0900


def test_mark_all_as_read(world, client, clock):
    message(world.people.handler), message(world.people.handler)
    other = message(world.people.leader)
    client.force_login(world.people.handler)

    client.post("/notifications/read-all/")

    assert Notification.objects.filter(recipient=world.people.handler, read_at=None).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_someone_elses_message_is_not_changed(world, client):
    notification = message(world.people.leader)
    client.force_login(world.people.handler)

    client.post(f"/notifications/{notification.pk}/read/")

    notification.refresh_from_db()
    assert notification.read_at is None


def test_reading_needs_a_post(world, client):
    notification = message(world.people.handler)
    client.force_login(world.people.handler)

    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]
