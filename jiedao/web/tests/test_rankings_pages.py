"""红黑榜: leaders see the ranking and publish it; the published board is public, frozen."""

from datetime import timedelta

import pytest

from jiedao.conftest import report, walk_to
from jiedao.evaluation.models import RankingPublication

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(world, clock):
    from jiedao.evaluation.services import evaluation_seed_defaults

    evaluation_seed_defaults()
    walk_to(world, report(world), "closed")  # 桃源: closed on time
    walk_to(world, report(world, column=2, by=world.people.other_grid_worker), "handling")  # 柳岸: open
    clock.shift(timedelta(days=2))


def test_the_leader_sees_the_ranking(world, ranked, client):
    client.force_login(world.people.leader)

    response = client.get("/rankings/")

    assert response.status_code == 200
    assert [item.row.name for item in response.context["rows"]][:1] == ["桃源社区"]
    assert response.context["may_publish"] is True


def test_publishing_freezes_the_board_and_shows_it_to_everyone(world, ranked, client):
    client.force_login(world.people.leader)
    client.post("/rankings/", {"period": "month"})
    again = client.post("/rankings/", {"period": "month"}, follow=True)

    publication = RankingPublication.objects.get()
    assert publication.is_published and publication.published_by == world.people.leader
    assert [str(m) for m in again.context["messages"]][-1] == "该期排名已发布，不能重新计算"

    client.logout()
    public = client.get("/public/rankings/")
    assert public.status_code == 200
    assert "桃源社区" in public.content.decode()


def test_an_area_leader_may_read_but_not_publish(world, ranked, client):
    client.force_login(world.people.area_leader)

    assert client.get("/rankings/").status_code == 200
    assert client.post("/rankings/", {"period": "month"}).status_code == 403
    assert RankingPublication.objects.count() == 0


def test_the_public_page_shows_nothing_unpublished(world, ranked, client):
    assert "桃源社区" not in client.get("/public/rankings/").content.decode()
