"""专题: the index lists the theme pages a reader may open, each linking to its page."""

from django.urls import reverse

from jiedao.web.themes import themes_for


def test_a_leader_sees_the_themes_and_each_opens(client, world):
    leader = world.people.leader
    client.force_login(leader)
    response = client.get(reverse("web:themes"))
    assert response.status_code == 200
    keys = [theme.key for theme in themes_for(user=leader)]
    assert {"greening", "soil"} <= set(keys)
    for theme in themes_for(user=leader):
        assert theme.url in response.content.decode()
        assert client.get(theme.url).status_code == 200


def test_someone_with_no_theme_is_refused(client, world):
    grid_worker = world.people.grid_worker
    assert themes_for(user=grid_worker) == []
    client.force_login(grid_worker)
    assert client.get(reverse("web:themes")).status_code == 403
