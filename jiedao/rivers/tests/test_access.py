"""Who reads what: a 村级河长 reads their own segments and the patrols on them, another village's
chief does not; the cases near a segment are cut by cases_in_reach."""

import uuid

import pytest
from django.urls import reverse

from jiedao.cases.models import CaseSource
from jiedao.conftest import ORIGIN_LON, make_upload
from jiedao.rivers import services
from jiedao.rivers.models import ProblemHandling
from jiedao.rivers.selectors import segment_cases

from .conftest import LAT, patrol_walk


@pytest.fixture
def walked(river, clock):
    return patrol_walk(by=river.people.chief, segment=river.segment, minutes=35, clock=clock)


def test_a_village_chief_reads_their_segment_and_its_patrols(river, walked, client):
    client.force_login(river.people.chief)
    assert client.get(reverse("rivers:segment-detail", args=[river.segment.pk])).status_code == 200
    response = client.get(reverse("rivers:patrol-detail", args=[walked.client_id]))
    assert response.status_code == 200
    assert 'data-validity="valid"' in response.content.decode()


def test_another_villages_chief_gets_a_404(river, walked, client):
    client.force_login(river.people.other_chief)
    assert client.get(reverse("rivers:segment-detail", args=[river.segment.pk])).status_code == 404
    assert client.get(reverse("rivers:patrol-detail", args=[walked.client_id])).status_code == 404
    assert client.get(reverse("rivers:chief-log", args=[river.chief.pk])).status_code == 404
    listing = client.get(reverse("rivers:segment-list")).content.decode()
    assert 'data-segment="HQ01-02"' in listing
    assert 'data-segment="HQ01-01"' not in listing


def test_the_office_and_the_town_chief_read_every_segment(river, client):
    for person in (river.people.office, river.people.town_chief):
        client.force_login(person)
        listing = client.get(reverse("rivers:segment-list")).content.decode()
        assert 'data-segment="HQ01-01"' in listing and 'data-segment="HQ01-02"' in listing


def test_cases_near_a_segment_are_cut_to_the_readers_reach(river, world, clock):
    # A segment along the border of the two communities; a case 100 m away on each side.
    border = services.segment_save(waterbody=river.waterbody, code="HQ01-09", name="界河段",
                                   geometry={"type": "LineString", "coordinates": [[ORIGIN_LON + 0.02, LAT - 0.004],
                                                                                   [ORIGIN_LON + 0.02, LAT + 0.004]]})
    from jiedao.conftest import report

    west = report(world, longitude=ORIGIN_LON + 0.019, latitude=LAT, by=world.people.inspector)
    east = report(world, longitude=ORIGIN_LON + 0.021, latitude=LAT, by=world.people.intake_clerk)
    far = report(world, longitude=ORIGIN_LON + 0.035, latitude=LAT, by=world.people.intake_clerk)
    for_chief = segment_cases(user=river.people.chief, segment=border)
    assert (list(for_chief.visible), for_chief.hidden_count) == ([west], 1)
    for_office = segment_cases(user=river.people.office, segment=border)
    assert (set(for_office.visible), for_office.hidden_count) == ({west, east}, 0)
    assert far not in for_office.visible


def test_the_cases_a_patrol_raised_are_on_the_segments_page(river, world, clock, client):
    patrol, _created = services.river_patrol_start(by=river.people.chief, client_id=uuid.uuid4(),
                                                   segment=river.segment)
    services.river_problem_record(by=river.people.chief, patrol=patrol, key="problem-0001", description="排污口",
                                  longitude=river.segment.min_lon, latitude=LAT, handling=ProblemHandling.CASE,
                                  category=world.item, photos=[make_upload()])
    client.force_login(river.people.chief)
    page = client.get(reverse("rivers:segment-detail", args=[river.segment.pk])).content.decode()
    number = world.item.cases.get(source=CaseSource.RIVER_PATROL).number
    assert f'data-case="{number}"' in page
    client.force_login(river.people.other_chief)
    assert client.get(reverse("rivers:segment-detail", args=[river.segment.pk])).status_code == 404


@pytest.mark.parametrize("name, args", [
    ("rivers:map", []), ("rivers:segment-list", []), ("rivers:chief-list", []), ("rivers:letter-list", []),
    ("rivers:work-list", []),
])
def test_people_without_a_river_duty_are_refused(river, world, client, name, args):
    client.force_login(world.people.handler)
    assert client.get(reverse(name, args=args)).status_code == 403
    client.logout()
    assert client.get(reverse(name, args=args)).status_code == 302


def test_the_field_pages_are_for_river_patrollers(river, world, client):
    client.force_login(world.people.grid_worker)
    assert client.get(reverse("rivers:field-start")).status_code == 403
    response = client.post(reverse("rivers:api-start"), data="{}", content_type="application/json")
    assert response.status_code == 403


