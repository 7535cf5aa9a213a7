"""Merged cases point to each other on the staff pages (issue 10, point 4): the duplicate names the
case it went into, the kept case lists what was merged into it — each only as far as the reader
may open it."""

import pytest

from jiedao.cases import services
from jiedao.conftest import report, walk_to

pytestmark = pytest.mark.django_db


def _page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_duplicate_and_the_kept_case_link_to_each_other(world, clock, client):
    original = walk_to(world, report(world), "handling")
    duplicate = report(world, photos=[])
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="同一堆垃圾")

    duplicate_page = _page(client, world.people.intake_clerk, duplicate)
    assert f'data-merged-into="{original.number}"' in duplicate_page
    assert f'href="/cases/{original.number}/"' in duplicate_page

    original_page = _page(client, world.people.intake_clerk, original)
    assert 'data-merged-duplicates="1"' in original_page
    assert f'href="/cases/{duplicate.number}/"' in original_page


def test_a_case_out_of_the_readers_reach_is_counted_not_linked(world, clock, client):
    # 赵网格 (grid 2) reported the duplicate; the case it went into lies in grid 0, outside his reach.
    original = walk_to(world, report(world), "handling")
    duplicate = report(world, by=world.people.other_grid_worker, column=2, photos=[])
    services.case_merge(case=duplicate, into=original, by=world.people.intake_clerk, reason="同一处")

    page = _page(client, world.people.other_grid_worker, duplicate)

    assert "已并入另一案件（不在您的范围内）" in page
    assert original.number not in page
